/**
 * Hides the password of every `scheme://user:password@host` in a text (a URL, or a
 * message or JSON that contains URLs) before it reaches a log line or an error.
 */
export function hideUrlPasswords(text: string): string {
  return text.replace(/(\/\/[^/:@\s"]*:)[^@/\s"]*@/g, '$1***@');
}
