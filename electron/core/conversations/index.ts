/**
 * Conversations: many rooms and DMs over one connection (feature `conversations`): the
 * shared link, its channels, the conversation list, and a ChatClient per conversation.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { ConversationClients, roomOf, roomUrl, type ConversationClientsDeps } from './conversation-clients';
export { ConversationDesk, type DeskEvents } from './conversation-desk';
export { ConversationLink, type LinkDeps } from './conversation-link';
export { ConversationList } from './conversation-list';
export { DeskMemory, type DeskMemoryPort, type DeskRecord } from './desk-memory';
export type { DeskTotals } from './conversation-desk';
export { DeskAttention, type DeskAttentionSink, type DeskNotification } from './desk-attention';
export { searchAcross, type SearchableDesk } from './search-across';
