/**
 * The wire protocol shared by the app and the reference server (docs/PROTOCOL.md): frames and
 * their codec, framing, feature names, close codes and error codes. Code that runs where
 * `node:zlib` does not (the sandboxed preload) imports `./codec` alone.
 */
export * from './attachments';
export * from './close-codes';
export * from './codec';
export * from './conversations';
export * from './features';
export * from './framing';
export * from './message-actions';
export * from './receipts';
export * from './wire-errors';
