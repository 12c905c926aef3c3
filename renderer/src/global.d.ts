/** `window.chat`: the only way the renderer reaches the app (see electron/common/contract.ts). */
import type { ChatApi } from '../../electron/common/contract';

declare global {
  interface Window {
    readonly chat: ChatApi;
  }
}

export {};
