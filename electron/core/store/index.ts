/**
 * What is kept on disk per account: the account directory, the outbox, the local history (SQLite) and
 * atomic writes.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { AccountDirectory } from './accounts';
export { writeFileAtomic } from './atomic-file';
export { openHistory } from './history-salvage';
export { SqliteHistory } from './history-sqlite';
export { FIRST_ORDER } from './history-store';
export { MemoryOutboxStore, Outbox } from './outbox';
export { FileOutboxStore } from './outbox-file';
