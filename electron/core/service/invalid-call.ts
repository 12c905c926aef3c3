/** A call outside the contract (a bad argument, a stage or key the window was never given): the window's bug. */
export class InvalidCallError extends Error {
  readonly code = 'INVALID_IPC_CALL';
}
