/**
 * V8 heap sizing for the long-running main process (the core lives there).
 *
 * Under a steady message flow V8 sizes its heap for speed: the young generation grows
 * to 2 × 16 MB and old-generation limits sit well above what is live. At 1,000 msgs/s
 * that showed as 18–23 MB of RSS growth in a minute while the heap retained after a
 * GC shrank (bench/memory.ts measures both in the same minute). `--optimize-for-size`
 * makes V8 favour a small heap; set at runtime, it is read by the heap's growing
 * decisions, so it works from main.js and reaches only this process (a `--js-flags`
 * switch would reach the renderers too, where it cost frame time in the UI bench).
 */
import { setFlagsFromString } from 'node:v8';

export const MAIN_PROCESS_V8_FLAGS: readonly string[] = ['--optimize-for-size'];

export function tuneHeapForLongRunning(setFlags: (flags: string) => void = setFlagsFromString): void {
  for (const flag of MAIN_PROCESS_V8_FLAGS) setFlags(flag);
}
