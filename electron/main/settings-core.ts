/**
 * Settings (file, environment, flags) and the conversations they configure: every conversation of
 * the account over one socket (a server without the extension: the configured room on its own), and
 * the desk, which says which one the window shows and remembers the list, levels and drafts in
 * desk.json. A saved change of a connection field rebuilds the clients (another server or token is
 * another account) through the store's onDidChange; nothing here is late-bound.
 */
import type * as Electron from 'electron';
import * as path from 'node:path';
import { changesConnection } from '../common/settings-fields';
import type { DisposableStore } from '../core/base';
import { settingsToClientConfig, type ClientConfig } from '../core/connection';
import { ConversationClients, ConversationDesk, DeskMemory, roomOf } from '../core/conversations';
import { loadCaBundle, type CaBundle } from '../core/network';
import { formatSettingsProblem, settingsFromArgs, settingsFromEnv, SettingsStore, type SecretBox } from '../core/settings';
import { AccountDirectory } from '../core/store';
import { secretsOf, type Logger } from '../core/support';
import { desktopProxyWiring } from './proxy';

export interface SettingsAndCore {
  settings: SettingsStore;
  clients: ConversationClients;
  desk: ConversationDesk;
  memory: DeskMemory;
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
  let config: Partial<ClientConfig> & { url: string } = settingsToClientConfig(initial, trustedCas(initial.caFile, log), proxy);
  const core = o.logger.for('core');
  const clients = new ConversationClients({
    config,
    // Outbox and history per account under <userData>/accounts/; the single outbox.jsonl of older versions moves into the first account.
    accounts: new AccountDirectory({ base: o.userData, legacyOutbox: path.join(o.userData, 'outbox.jsonl') }),
    onClient: (_conv, client) => client.on('log', (l) => core.at(l.level, l.message)),
  });
  clients.on('problem', (why) => core.warn(`conversations: ${why.code}${why.detail ? `: ${why.detail}` : ''}`));
  const memory = await DeskMemory.open({ file: path.join(o.userData, 'desk.json'), log });
  const desk = new ConversationDesk(clients, roomOf(config.url), () => memory.for({ url: config.url, token: config.token }));
  clients.followAll();
  o.disposables.add(
    settings.onDidChange(({ settings: s, changed }) => {
      if (!changesConnection(changed)) return;
      config = settingsToClientConfig(s, trustedCas(s.caFile, log), proxy);
      void clients.reconfigure(config);
    }),
  );
  return { settings, clients, desk, memory };
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
