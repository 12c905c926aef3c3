/**
 * Builds `window.chat` on a transport. Shared by the real preload and the
 * test host, so the renderer is tested against the same object it gets in
 * Electron. Only the table's methods exist: no pass-through.
 */
import { INVOKE_TABLE, PushChannels, type ChatApi, type ChatTransport, type InvokeKey } from './contract';

export function createChatApi(transport: ChatTransport): ChatApi {
  const methods: Record<string, unknown> = {};
  for (const key of Object.keys(INVOKE_TABLE) as InvokeKey[]) {
    const spec = INVOKE_TABLE[key];
    const toArg = spec.toArg as (...params: unknown[]) => never;
    methods[key] = (...params: unknown[]) => transport.invoke(spec.channel, toArg(...params));
  }
  const api = {
    ...methods,
    onStatus: (cb) => transport.subscribe(PushChannels.status, cb),
    onEntries: (cb) => transport.subscribe(PushChannels.entries, cb),
    onAccount: (cb) => transport.subscribe(PushChannels.account, cb),
    onConversations: (cb) => transport.subscribe(PushChannels.conversations, cb),
    onUploads: (cb) => transport.subscribe(PushChannels.uploads, cb),
    onDownloads: (cb) => transport.subscribe(PushChannels.downloads, cb),
  } as ChatApi;
  return Object.freeze(api);
}
