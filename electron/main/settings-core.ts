/**
 * Settings (file, environment, flags) and the client they configure. The client follows every saved
 * change of a connection field through the store's onDidChange; nothing here is late-bound.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { changesConnection } from '../common/settings-fields';
import type { DisposableStore } from '../core/base';
import { ChatClient, settingsToClientConfig } from '../core/connection';
import { loadCaBundle, type CaBundle } from '../core/network';
import { formatSettingsProblem, settingsFromArgs, settingsFromEnv, SettingsStore, type SecretBox } from '../core/settings';
import { AccountDirectory } from '../core/store';
import { secretsOf, type Logger } from '../core/support';
import { desktopProxyWiring } from './proxy';

export interface SettingsAndCore {
  settings: SettingsStore;
  client: ChatClient;
}

export async function openSettingsAndCore(
  electron: typeof Electron,
  o: { userData: string; argv: readonly string[]; env: NodeJS.ProcessEnv; logger: Logger; disposables: DisposableStore },
): Promise<SettingsAndCore> {
  const log = o.logger.for('settings').warn;
  const fromEnv = settingsFromEnv(o.env);
  const fromArgs = settingsFromArgs(o.argv);
  for (const p of [...fromEnv.problems, ...fromArgs.problems]) log(formatSettingsProblem(p));
  const proxy = desktopProxyWiring(electron.session, fromArgs.patch, fromEnv.patch);

  const settings = new SettingsStore({
    file: path.join(o.userData, 'settings.json'),
    overrides: { ...fromEnv.patch, ...fromArgs.patch },
    secrets: safeStorageBox(electron.safeStorage),
  });
  for (const p of await settings.load()) log(p.detail ?? p.code);
  o.logger.maskAlso(() => secretsOf({ ...settings.current() })); // the token and a proxy's password, from the settings in force
  const initial = settings.current();
  const client = new ChatClient({
    config: settingsToClientConfig(initial, trustedCas(initial.caFile, log), proxy),
    // Outbox and history per account under <userData>/accounts/; the single outbox.jsonl of older versions moves into the first account.
    accounts: new AccountDirectory({ base: o.userData, legacyOutbox: path.join(o.userData, 'outbox.jsonl') }),
  });
  client.on('log', (l) => o.logger.for('core').at(l.level, l.message));
  o.disposables.add(
    settings.onDidChange(({ settings: s, changed }) => {
      if (changesConnection(changed)) client.reconfigure(settingsToClientConfig(s, trustedCas(s.caFile, log), proxy));
    }),
  );
  return { settings, client };
}

/** Node's roots + the person's bundle + UOS and Debian bundles, read by us (not NODE_EXTRA_CA_CERTS, which fuses disable). */
function trustedCas(caFile: string | undefined, log: (line: string) => void): CaBundle {
  const ca = loadCaBundle({ userFile: caFile });
  for (const p of ca.problems) log(`tls: ${p.detail}`);
  return ca;
}

/**
 * The token at rest: Electron's safeStorage when the desktop has a keyring.
 * 'basic_text' (no keyring) is obfuscation only, so then the 0600 file is used plainly.
 */
function safeStorageBox(safeStorage: Electron.SafeStorage | undefined): SecretBox | undefined {
  if (!safeStorage) return undefined;
  return {
    available: () => {
      try {
        return safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
      } catch {
        return false;
      }
    },
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
