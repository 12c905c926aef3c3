/**
 * IPC wiring: one `ipcMain.handle` per named channel of the contract.
 * Calls from any frame but our own top-level page are refused; arguments are
 * validated by ChatService before they reach the core.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { InvokeChannels } from '../common/contract';
import type { ChatService } from '../core/service';

export function isTrustedSender(event: IpcMainInvokeEvent, rendererUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false; // sub-frames never get the API
  return frame.url === rendererUrl || frame.url.startsWith(`${rendererUrl}#`) || frame.url.startsWith(`${rendererUrl}?`);
}

export function registerIpc(ipcMain: IpcMain, service: ChatService, rendererUrl: string, log: (line: string) => void): () => void {
  const channels = Object.values(InvokeChannels);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, arg: unknown) => {
      if (!isTrustedSender(event, rendererUrl)) {
        log(`refused ${channel} from untrusted frame ${event.senderFrame?.url ?? '<none>'}`);
        throw new Error('refused: untrusted sender');
      }
      return service.handle(channel, arg);
    });
  }
  return () => channels.forEach((c) => ipcMain.removeHandler(c));
}
