/**
 * The renderer's Content Security Policy. Sent as a header by main and
 * repeated in renderer/index.html (a test keeps the two identical).
 * No inline script, no eval, no remote anything: the renderer talks only to window.chat.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: uos-file:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
