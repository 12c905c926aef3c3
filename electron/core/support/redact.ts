/**
 * Masking secrets in text that is about to be logged, shown or copied: known secrets
 * (the token, proxy credentials) in every form they travel in, and whatever looks like
 * a credential even when we were not told about it (a URL's password, `token=…` in a
 * query string a server echoed back, an Authorization header).
 */
import { FIELD_SPECS, type SettingsKey } from '../../common/settings-fields';
import { redactUrl } from '../connection/socket-errors';

const MASK = '***';

/** The forms a secret takes on its way out: as typed, in a URL, in a form body, in Basic auth. */
export function secretForms(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ t: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
  ];
  return [...new Set(forms)].filter((f) => f.length > 0);
}

/** Every form of `secret` in `text` becomes `***`. */
export function maskSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  for (const form of secretForms(secret)) text = text.split(form).join(MASK);
  return text;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const CREDENTIAL_PARAM = /([?&;\s]|^)((?:access_|auth_|api_|proxy_)?(?:token|key|secret|password|passwd|pwd|auth))=([^&\s"'<>#]+)/gi;
const AUTH_HEADER = /\b((?:proxy-)?authorization:\s*)(?:basic|bearer|digest|negotiate)?\s*[^\s,;]+/gi;

/** A URL as written, unless redactUrl masks something in it (then its masked, normalised form). */
function redactUrlInText(url: string): string {
  if (!URL.canParse(url)) return url.replace(/\/\/[^/@\s]*@/, `//${MASK}@`);
  const masked = redactUrl(url);
  return masked === new URL(url).toString() ? url : masked;
}

/**
 * `known`: the secrets we hold (masked in all their forms). Then URLs (through redactUrl:
 * query values named like credentials and passwords), bare `token=…` pairs and
 * Authorization headers, so a secret we were not told about is still not written.
 */
export function redactText(text: string, known: Iterable<string | undefined> = []): string {
  for (const secret of known) text = maskSecret(text, secret);
  text = text.replace(URL_IN_TEXT, redactUrlInText);
  text = text.replace(CREDENTIAL_PARAM, (_all, lead: string, name: string) => `${lead}${name}=${MASK}`);
  return text.replace(AUTH_HEADER, (_all, name: string) => `${name}${MASK}`);
}

/**
 * The secrets among settings values: fields the settings table marks secret (the token), and any
 * URL's password. A proxy setting is secret only in its password: `system`, `none` and the proxy's
 * host are what diagnostics must show.
 */
export function secretsOf(values: Readonly<Record<string, unknown>>): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string' || value === '') continue;
    const spec = Object.hasOwn(FIELD_SPECS, key) ? FIELD_SPECS[key as SettingsKey] : undefined;
    if (spec?.secret && (spec.check as string) !== 'proxy') found.push(value);
    const password = URL.canParse(value) ? new URL(value).password : '';
    if (password) found.push(password, decodeURIComponent(password));
  }
  return found;
}
