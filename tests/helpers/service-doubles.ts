/**
 * Ports of ChatService for hosts without a settings file, log files, a clipboard or notices
 * (benchmarks, core tests). They lived in product code before; only tests and the bench use them.
 */
import type { SettingsView } from '../../electron/common/contract';
import type { ChatClient } from '../../electron/core/connection/client';
import {
  ChatService,
  frameScheduler,
  type ChatServiceDeps,
  type NoticePort,
  type SettingsPort,
  type SupportPort,
} from '../../electron/core/service/chat-service';

/** Shows what the client uses, refuses changes. */
export function readOnlySettings(view: SettingsView): SettingsPort {
  return { view: () => view, save: async () => ({ ok: false, problems: [{ field: 'file', code: 'READ_ONLY' }] }) };
}

/** What the client was configured with, as the settings dialog would show it. */
export function clientSettingsView(client: ChatClient): SettingsView {
  const { url, compression } = client.diagnostics();
  return {
    serverUrl: url,
    hasToken: false,
    caFile: '',
    proxy: 'system',
    proxyHasPassword: false,
    compression,
    readReceipts: 'on',
    language: 'auto',
    closeToTray: 'off',
    autostart: 'off',
    overridden: [],
  };
}

/** Says that this host keeps no log files and has no clipboard. */
export const noSupport: SupportPort = {
  showLogFolder: async () => ({ ok: false, folder: '', detail: 'this host keeps no log files' }),
  copyDiagnostics: async () => ({ ok: false, detail: 'this host has no clipboard' }),
};

/** Nothing to tell. */
export const noNotices: NoticePort = { pending: () => [], dismiss: async () => undefined };

/** A service with read-only settings and no support or notices; `deps` replaces any part. */
export function bareService(client: ChatClient, deps: Partial<Omit<ChatServiceDeps, 'client'>> = {}): ChatService {
  return new ChatService({
    client,
    settings: readOnlySettings(clientSettingsView(client)),
    support: noSupport,
    notices: noNotices,
    schedule: frameScheduler,
    ...deps,
  });
}
