/**
 * The IPC-facing service: one handler per channel of the contract table, over the client, settings,
 * support and notices.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { ChatService, frameScheduler, type FileShell, type SupportPort } from './chat-service';
