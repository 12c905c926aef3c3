/**
 * Builds `window.chat` on a transport. Shared by the real preload and the
 * test host, so the renderer is tested against the same object it gets in
 * Electron. Only the named methods exist: no pass-through.
 */
import { InvokeChannels, PushChannels, type ChatApi, type ChatTransport } from './contract';

export function createChatApi(transport: ChatTransport): ChatApi {
  const api = {
    getSnapshot: () => transport.invoke(InvokeChannels.getSnapshot, null),
    getOlder: (before: number, limit: number) => transport.invoke(InvokeChannels.getOlder, { before, limit }),
    search: (text: string, limit: number) => transport.invoke(InvokeChannels.search, { text, limit }),
    send: (text: string) => transport.invoke(InvokeChannels.send, text),
    retry: (key: string) => transport.invoke(InvokeChannels.retry, key),
    reconnectNow: () => transport.invoke(InvokeChannels.reconnectNow, null),
    getSettings: () => transport.invoke(InvokeChannels.getSettings, null),
    saveSettings: (patch) => transport.invoke(InvokeChannels.saveSettings, patch),
    showLogFolder: () => transport.invoke(InvokeChannels.showLogFolder, null),
    copyDiagnostics: () => transport.invoke(InvokeChannels.copyDiagnostics, null),
    chooseCaBundle: () => transport.invoke(InvokeChannels.chooseCaBundle, null),
    getNotices: () => transport.invoke(InvokeChannels.getNotices, null),
    dismissNotice: (id) => transport.invoke(InvokeChannels.dismissNotice, id),
    getLeftovers: () => transport.invoke(InvokeChannels.getLeftovers, null),
    discardLeftovers: (key: string) => transport.invoke(InvokeChannels.discardLeftovers, key),
    clearHistory: () => transport.invoke(InvokeChannels.clearHistory, null),
    onStatus: (cb) => transport.subscribe(PushChannels.status, cb),
    onEntries: (cb) => transport.subscribe(PushChannels.entries, cb),
    onAccount: (cb) => transport.subscribe(PushChannels.account, cb),
  } satisfies ChatApi;
  return Object.freeze(api);
}
