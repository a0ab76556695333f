/** Small XML helpers for S3's request and response bodies (flat, well-known shapes only). */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for an XML element or attribute. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A value is an element tree: text, a list of same-named children, or nested elements. */
export type XmlValue =
  | string
  | number
  | boolean
  | undefined
  | null
  | XmlValue[]
  | { [name: string]: XmlValue };

/** Renders `{Name: value}` children; arrays repeat the element, undefined/null are left out. */
export function xmlChildren(children: Record<string, XmlValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(children)) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item === undefined || item === null) continue;
      const inner = typeof item === 'object' ? xmlChildren(item as Record<string, XmlValue>) : esc(item);
      out += `<${name}>${inner}</${name}>`;
    }
  }
  return out;
}

/** A whole S3 response document with the S3 namespace on its root. */
export function xmlDocument(root: string, children: Record<string, XmlValue>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xmlChildren(children)}</${root}>`;
}

const UNESCAPES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        )
      : UNESCAPES[e],
  );
}

/**
 * The text of every `<tag>` element inside each `<block>` of a request body, e.g. the
 * `Key`s of DeleteObjects' `<Object>`s or the `PartNumber`/`ETag` of a completion.
 * Answers null when the document has no such blocks at all.
 */
export function xmlBlocks(xml: string, block: string, tags: string[]): Record<string, string>[] {
  const blocks: Record<string, string>[] = [];
  const blockRe = new RegExp(`<${block}(?:\\s[^>]*)?>([\\s\\S]*?)</${block}>`, 'g');
  for (const m of xml.matchAll(blockRe)) {
    const entry: Record<string, string> = {};
    for (const tag of tags) {
      const t = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(m[1]);
      if (t) entry[tag] = unescapeXml(t[1]);
    }
    blocks.push(entry);
  }
  return blocks;
}

/** The text of the first `<tag>` anywhere in the document. */
export function xmlText(xml: string, tag: string): string | undefined {
  const t = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return t ? unescapeXml(t[1]) : undefined;
}
