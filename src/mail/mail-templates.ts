/** A mail template as auth collections store it (PocketBase's shape). */
export interface MailTemplate {
  subject: string;
  body: string;
}

/** Values a template may use: `{APP_NAME}`, `{APP_URL}`, `{TOKEN}`, `{OTP}`, `{RECORD:field}`… */
export interface TemplateValues {
  appName: string;
  appURL: string;
  /** extra placeholders by name, e.g. `{TOKEN: '…'}` */
  values: Record<string, string>;
  /** the record whose fields `{RECORD:field}` reads (hidden fields must already be removed) */
  record?: Record<string, unknown>;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

// placeholders are a fixed, closed set: {NAME} or {RECORD:field}; anything else stays as written
const PLACEHOLDER = /\{(APP_NAME|APP_URL|[A-Z_]+|RECORD:[A-Za-z0-9_]+)\}/g;

function lookup(name: string, input: TemplateValues): string | undefined {
  if (name === 'APP_NAME') return input.appName;
  if (name === 'APP_URL') return input.appURL.replace(/\/+$/, '');
  if (name.startsWith('RECORD:')) {
    const value = input.record?.[name.slice(7)];
    return value === undefined || value === null ? '' : String(value);
  }
  return input.values[name];
}

/**
 * Fills a template. Every value is HTML-escaped in the body (a user's name cannot
 * inject markup or links into a mail), and inserted as plain text in the subject.
 * Answers the subject, the HTML body and a plain-text body.
 */
export function renderTemplate(
  template: MailTemplate,
  input: TemplateValues,
): { subject: string; html: string; text: string } {
  const fill = (text: string, asHtml: boolean) =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const value = lookup(name, input);
      if (value === undefined) return whole;
      return asHtml ? escapeHtml(value) : value;
    });
  const subject = fill(template.subject, false).replace(/[\r\n]+/g, ' ');
  const html = fill(template.body, true);
  return { subject, html, text: htmlToText(html) };
}

/** A readable plain-text version of a simple HTML mail body (links keep their targets). */
export function htmlToText(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gis, '$2 ($1)')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/h\d>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n\n')
    .trim();
}
