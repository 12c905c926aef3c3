/**
 * The connection to one chat server: ChatClient over its transport (socket, hello, heartbeat),
 * delivery (outbox, acks, pacing) and timeline (the log, resume, gap), and the mapping from settings
 * to its config.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { ChatClient, type ClientConfig, type TlsInfo } from './client';
export { type ProxyWiring, settingsToClientConfig } from './connection-settings';
export { redactUrl } from './socket-errors';
