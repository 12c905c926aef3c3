/** Window size and position, remembered between runs (validated: a corrupt file means defaults). */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../store/atomic-file';

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export const defaultWindowState: WindowState = { width: 960, height: 720, maximized: false };

const int = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;

export function checkWindowState(raw: unknown, minWidth = 480, minHeight = 360): WindowState {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const width = int(o.width, minWidth, 16_384);
  const height = int(o.height, minHeight, 16_384);
  if (width === undefined || height === undefined) return { ...defaultWindowState };
  const state: WindowState = { width, height, maximized: o.maximized === true };
  const x = int(o.x, -16_384, 16_384);
  const y = int(o.y, -16_384, 16_384);
  if (x !== undefined && y !== undefined) Object.assign(state, { x, y });
  return state;
}

export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    return checkWindowState(JSON.parse(await fs.readFile(file, 'utf8')));
  } catch {
    return { ...defaultWindowState };
  }
}

export function saveWindowState(file: string, state: WindowState): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(state) + '\n', 0o600);
}
