/**
 * The URL a page loaded with Electron's `webContents.loadFile(file)` reports as its frame URL,
 * which is what IPC compares the sender frame against.
 *
 * Electron builds it with Node's legacy url.format({ protocol: 'file', slashes: true, pathname })
 * (lib/browser/api/web-contents.ts), which escapes only '?' and '#', and Chromium canonicalises
 * the rest: spaces and non-ASCII are percent-encoded, a literal '%' stays as it is. The WHATWG URL
 * parser canonicalises a file path the same way. Node's pathToFileURL does not: it turns '%' into
 * '%25', so an app installed under a folder with a '%' in its name would refuse its own page.
 */
export function loadFileUrl(file: string): string {
  const pathname = file.replace(/[?#]/g, encodeURIComponent);
  return new URL(`file://${pathname.startsWith('/') ? '' : '/'}${pathname}`).href;
}
