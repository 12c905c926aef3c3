/**
 * The person's settings: loaded from the file, layered under environment and
 * flags, changed from the settings panel, saved atomically, and applied at once.
 *
 * The token, and a proxy URL with a password, are kept with a SecretBox (Electron
 * safeStorage in the app) when one is available, else in the file, which is always
 * mode 0600. Neither goes back to the renderer (only `hasToken`, the proxy without
 * its password) and never into a log line.
 */
import { promises as fs } from 'node:fs';
import type { SaveSettingsResult, SettingsPatchIn, SettingsProblem, SettingsView } from '../../common/contract';
import { reason, type Reason } from '../../common/errors';
import { SETTINGS_KEYS, type SettingsKey } from '../../common/settings-fields';
import { EventSource, type Event } from '../base/event';
import { writeFileAtomic } from '../store/atomic-file';
import { keepProxyPassword, proxyHasPassword, proxyWithoutPassword } from '../network/proxy-decision';
import { checkSettings, formatSettingsProblem, mergeSettings, SETTINGS_VERSION, type Settings, type SettingsPatch } from './settings';

/** Encrypts secrets at rest (Electron's safeStorage; nothing in the CLI). */
export interface SecretBox {
  available(): boolean;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export interface SettingsStoreOptions {
  file: string;
  /** Environment and command-line layers, already validated; they win over the file. */
  overrides: SettingsPatch;
  secrets?: SecretBox;
  now?: () => number;
}

/** A saved change: the settings now in force, and which fields differ from before. */
export interface SettingsChange {
  settings: Settings;
  changed: SettingsKey[];
}

export class SettingsStore {
  private readonly didChange = new EventSource<SettingsChange>();
  /** Fired after every save that changed what is in force (the client, the tray and autostart follow it). */
  readonly onDidChange: Event<SettingsChange> = this.didChange.event;
  private fromFile: SettingsPatch = {};
  private writing: Promise<void> = Promise.resolve();
  private effective: Settings;

  constructor(private readonly options: SettingsStoreOptions) {
    this.effective = mergeSettings(options.overrides);
  }

  /** Reads the file. Problems (corrupt file, undecryptable token) are returned, never thrown. */
  async load(): Promise<Reason[]> {
    const problems: Reason[] = [];
    const { file } = this.options;
    let raw: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
      raw = parsed as Record<string, unknown>;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'ENOENT') {
        const aside = `${file}.corrupt-${(this.options.now ?? Date.now)()}`;
        await fs.rename(file, aside).catch(() => undefined);
        problems.push(reason('BAD_CONFIG', `${file}: ${e.message}; moved to ${aside}, defaults in use`));
      }
    }
    if (raw) {
      if (raw.version !== undefined && raw.version !== SETTINGS_VERSION) {
        problems.push(reason('BAD_CONFIG', `${file}: version ${String(raw.version)} is not supported (expected ${SETTINGS_VERSION})`));
      } else {
        const { tokenSealed, proxySealed, ...rest } = raw;
        for (const [field, sealed] of [
          ['token', tokenSealed],
          ['proxy', proxySealed],
        ] as const) {
          if (typeof sealed !== 'string') continue;
          try {
            if (!this.options.secrets?.available()) throw new Error('no secret storage on this system');
            rest[field] = this.options.secrets.decrypt(sealed);
          } catch (err) {
            problems.push(
              reason('BAD_CONFIG', `${file}: the saved ${field} could not be decrypted (${(err as Error).message}); please enter it again`),
            );
          }
        }
        const checked = checkSettings(rest, file);
        this.fromFile = checked.patch;
        problems.push(...checked.problems.map((p) => reason('BAD_CONFIG', formatSettingsProblem(p))));
      }
    }
    this.effective = mergeSettings(this.fromFile, this.options.overrides);
    return problems;
  }

  current(): Settings {
    return this.effective;
  }

  view(): SettingsView {
    const s = this.effective;
    return {
      serverUrl: s.serverUrl,
      hasToken: Boolean(s.token),
      caFile: s.caFile ?? '',
      proxy: proxyWithoutPassword(s.proxy),
      proxyHasPassword: proxyHasPassword(s.proxy),
      compression: s.compression,
      readReceipts: s.readReceipts,
      language: s.language,
      closeToTray: s.closeToTray,
      autostart: s.autostart,
      overridden: SETTINGS_KEYS.filter((f) => this.options.overrides[f] !== undefined),
    };
  }

  /** Validates, saves and applies a change from the settings panel. */
  async save(patch: SettingsPatchIn): Promise<SaveSettingsResult> {
    const raw: Record<string, unknown> = { ...patch };
    // Empty strings clear optional fields.
    const clear = new Set<keyof SettingsPatch>();
    if (raw.token === '') {
      delete raw.token;
      clear.add('token');
    }
    if (raw.caFile === '') {
      delete raw.caFile;
      clear.add('caFile');
    }
    const checked = checkSettings(raw, 'settings');
    // Where the values came from is for logs; the renderer knows it sent them.
    if (checked.problems.length > 0) return { ok: false, problems: checked.problems.map(({ source: _, ...p }): SettingsProblem => p) };
    if (checked.patch.caFile) {
      try {
        await fs.access(checked.patch.caFile);
      } catch {
        return { ok: false, problems: [{ field: 'caFile', code: 'CA_UNREADABLE', detail: checked.patch.caFile }] };
      }
    }
    if (checked.patch.proxy) checked.patch.proxy = keepProxyPassword(checked.patch.proxy, this.fromFile.proxy);
    const next: SettingsPatch = { ...this.fromFile, ...checked.patch };
    for (const f of clear) delete next[f];
    try {
      await this.write(next);
    } catch (err) {
      return { ok: false, problems: [{ field: 'file', code: 'SAVE_FAILED', detail: (err as Error).message }] };
    }
    const before = this.effective;
    this.fromFile = next;
    this.effective = mergeSettings(this.fromFile, this.options.overrides);
    const changed = SETTINGS_KEYS.filter((f) => before[f] !== this.effective[f]);
    const view = this.view();
    const warnings = SETTINGS_KEYS.filter((f) => f in patch && view.overridden.includes(f)).map((field): SettingsProblem => ({
      field,
      code: 'OVERRIDDEN',
    }));
    if (changed.length > 0) this.didChange.fire({ settings: this.effective, changed });
    return { ok: true, settings: view, warnings };
  }

  private async write(patch: SettingsPatch): Promise<void> {
    const { token, proxy, ...rest } = patch;
    const body: Record<string, unknown> = { version: SETTINGS_VERSION, ...rest };
    const seal = this.options.secrets?.available() ? this.options.secrets : undefined;
    if (token !== undefined) {
      if (seal) body.tokenSealed = seal.encrypt(token);
      else body.token = token; // the file is 0600
    }
    if (proxy !== undefined) {
      // Only a URL with a password is secret; `system`, `none` and a bare URL stay readable in the file.
      if (seal && proxyHasPassword(proxy)) body.proxySealed = seal.encrypt(proxy);
      else body.proxy = proxy;
    }
    const writing = writeFileAtomic(this.options.file, JSON.stringify(body, null, 2) + '\n', 0o600);
    this.writing = writing.catch(() => undefined);
    await writing;
  }

  /** Resolves when the last save has reached the disk (quitting waits for it). */
  settled(): Promise<void> {
    return this.writing;
  }
}
