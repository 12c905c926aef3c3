/**
 * Sandboxed preload: exposes exactly one object, `window.chat`, built from the
 * shared contract. It can only require 'electron' (build bundles the rest).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createChatApi } from '../common/chat-api';
import type { ChatTransport } from '../common/contract';

const transport: ChatTransport = {
  invoke: (channel, arg) => ipcRenderer.invoke(channel, arg),
  subscribe: (channel, cb) => {
    const listener = (_event: unknown, payload: unknown) => cb(payload as never);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  },
};

contextBridge.exposeInMainWorld('chat', createChatApi(transport));
