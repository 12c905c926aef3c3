// proxy-from-env 2.x ships no type declarations; this is the one function we use.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from the *_proxy / NO_PROXY variables in process.env, or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
