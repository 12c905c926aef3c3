/**
 * Layering rules, enforced (VS Code style):
 * - only electron/main and electron/preload import 'electron';
 * - electron/common is pure (no Node, no ws, no dbus-next): preload and renderer use it;
 * - the renderer imports the contract with `import type` only (words.ts is pure data);
 * - dbus-next is imported only behind our seam in electron/core/desktop/dbus/;
 * - protocol/ (the wire protocol, shared by both ends) and server/ import nothing from electron/;
 * - the core never reaches up into main or preload;
 * - electron/core is made of areas, and main/, cli/ and bench/ import an area only through its index.ts;
 * - the renderer reads the `window.chat` global only in its entries (boot.ts, main.tsx); the rest gets
 *   the chat API from React context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');

function files(dir: string): string[] {
  const abs = path.join(root, dir);
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) out.push(...files(path.join(dir, name)));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path.join(dir, name));
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

export function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const re =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? m[5];
    if (spec) found.push({ spec, typeOnly: Boolean(m[2]) });
  }
  return found;
}

function resolveRel(from: string, spec: string): string {
  return spec.startsWith('.') ? path.normalize(path.join(path.dirname(from), spec)) : spec;
}

const violations = (dirs: string[], bad: (file: string, imp: Import) => string | undefined) =>
  dirs
    .flatMap((d) => files(d))
    .flatMap((f) =>
      importsOf(readFileSync(path.join(root, f), 'utf8'))
        .map((i) => bad(f, i))
        .filter(Boolean),
    );

test('the import scanner sees every form of import (so the rules below can fail)', () => {
  const src = `import x from 'electron';\nimport type { A } from "./contract";\nconst y = require('electron');\nexport { z } from './z';\nawait import('ws');`;
  assert.deepEqual(importsOf(src), [
    { spec: 'electron', typeOnly: false },
    { spec: './contract', typeOnly: true },
    { spec: 'electron', typeOnly: false },
    { spec: './z', typeOnly: false },
    { spec: 'ws', typeOnly: false },
  ]);
});

test("only electron/main and electron/preload import 'electron'", () => {
  const v = violations(['electron/common', 'electron/core', 'electron/cli', 'server', 'renderer/src'], (f, i) =>
    i.spec === 'electron' && !i.typeOnly ? `${f} imports electron` : undefined,
  );
  assert.deepEqual(v, []);
});

test('electron/common is pure: no Node built-ins, no ws, no dbus-next', () => {
  const v = violations(['electron/common'], (f, i) => (!i.spec.startsWith('.') && !i.typeOnly ? `${f} imports ${i.spec}` : undefined));
  assert.deepEqual(v, []);
});

test('the renderer imports the contract as types only, and nothing from main, preload or core', () => {
  const v = violations(['renderer/src'], (f, i) => {
    const target = resolveRel(f, i.spec);
    if (!target.startsWith('electron/')) return undefined;
    if (target === 'electron/common/words') return undefined;
    if (target.startsWith('electron/common/') && i.typeOnly) return undefined;
    return `${f} imports ${i.spec}${i.typeOnly ? '' : ' (not type-only)'}`;
  });
  assert.deepEqual(v, []);
});

/** Files other than the renderer's entries that read the `window.chat` global (comments aside). */
export function globalChatReaders(sources: ReadonlyArray<[file: string, source: string]>): string[] {
  const ENTRIES = ['renderer/src/boot.ts', 'renderer/src/main.tsx', 'renderer/src/global.d.ts'];
  return sources
    .filter(([f]) => !ENTRIES.includes(f))
    .filter(([, src]) => /\bwindow\.chat\b/.test(src.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
    .map(([f]) => f);
}

test('the renderer reads window.chat only in its entries; components and hooks take it from context', () => {
  assert.deepEqual(
    globalChatReaders([['renderer/src/X.tsx', 'const r = await window.chat.send(text);']]),
    ['renderer/src/X.tsx'],
    'the rule can fail',
  );
  assert.deepEqual(globalChatReaders([['renderer/src/Y.tsx', '// not window.chat here\nconst chat = useChat();']]), []);
  const sources = files('renderer/src').map((f): [string, string] => [f, readFileSync(path.join(root, f), 'utf8')]);
  assert.deepEqual(globalChatReaders(sources), []);
});

test('the core does not reach into main or preload; dbus-next stays behind electron/core/desktop/dbus', () => {
  const v = violations(['electron/core', 'electron/common', 'electron/cli', 'server'], (f, i) => {
    const target = resolveRel(f, i.spec);
    if (target.startsWith('electron/main') || target.startsWith('electron/preload')) return `${f} imports ${i.spec}`;
    if (i.spec === 'dbus-next' && !f.startsWith('electron/core/desktop/dbus/')) return `${f} imports dbus-next outside the seam`;
    return undefined;
  });
  assert.deepEqual(v, []);
});

// ---- the client's parts (electron/core/connection/client.ts is the front object over them) ----------

const CLIENT_PARTS = ['electron/core/connection/transport', 'electron/core/connection/delivery', 'electron/core/connection/timeline'];

/** Imports of one client part that reach another part: each knows only its own job. */
export function crossPartImports(file: string, source: string): string[] {
  const own = file.replace(/\.ts$/, '');
  return importsOf(source)
    .map((i) => resolveRel(file, i.spec))
    .filter((target) => CLIENT_PARTS.includes(target) && target !== own)
    .map((target) => `${file} imports ${target}`);
}

test('transport, delivery and timeline do not import each other (ChatClient wires them)', () => {
  assert.deepEqual(
    crossPartImports('electron/core/connection/delivery.ts', "import { Timeline } from './timeline';"),
    ['electron/core/connection/delivery.ts imports electron/core/connection/timeline'],
    'the rule can fail',
  );
  const v = CLIENT_PARTS.flatMap((p) => crossPartImports(`${p}.ts`, readFileSync(path.join(root, `${p}.ts`), 'utf8')));
  assert.deepEqual(v, []);
});

test('protocol/ imports nothing but node:zlib and itself, and both ends use its framing', () => {
  const outside = files('protocol').flatMap((f) =>
    importsOf(readFileSync(path.join(root, f), 'utf8'))
      .filter((i) => (i.spec.startsWith('.') ? !resolveRel(f, i.spec).startsWith('protocol/') : i.spec !== 'node:zlib'))
      .map((i) => `${f} imports ${i.spec}`),
  );
  assert.deepEqual(outside, []);
  // Nobody else inflates or deflates frames by hand: the client's transport and the server go through protocol/framing.ts.
  const byHand = ['electron/core', 'server']
    .flatMap((d) => files(d))
    .filter((f) => /\b(inflateSync|deflateSync)\b/.test(readFileSync(path.join(root, f), 'utf8')));
  assert.deepEqual(byHand, []);
});

/** Imports of `file` that reach into electron/ (what the server and the protocol must never do). */
export function electronImports(file: string, source: string): string[] {
  return importsOf(source)
    .filter((i) => i.spec === 'electron' || resolveRel(file, i.spec).startsWith('electron/'))
    .map((i) => `${file} imports ${i.spec}`);
}

test('server/ and protocol/ import nothing from electron/ (the server is a peer of the app, not part of it)', () => {
  assert.deepEqual(
    electronImports('server/frames.ts', "import type { Reason } from '../electron/common/errors';"),
    ['server/frames.ts imports ../electron/common/errors'],
    'the rule can fail',
  );
  const v = ['server', 'protocol'].flatMap((d) => files(d)).flatMap((f) => electronImports(f, readFileSync(path.join(root, f), 'utf8')));
  assert.deepEqual(v, []);
});

// ---- core areas (electron/core/<area>/index.ts is each area's public surface) ----------------

/** Imports by `file` (in main/, cli/ or bench/) that reach past an area's index.ts into its files. */
export function pastAreaSurface(file: string, source: string): string[] {
  return importsOf(source)
    .map((i) => resolveRel(file, i.spec))
    .filter((target) => /^electron\/core\/[^/]+\/.+/.test(target) && !/^electron\/core\/[^/]+\/index$/.test(target))
    .map((target) => `${file} imports ${target}`);
}

test('main/, cli/ and bench/ import the core only through an area index.ts', () => {
  assert.deepEqual(
    pastAreaSurface('electron/main/app.ts', "import { ChatClient } from '../core/connection/client';"),
    ['electron/main/app.ts imports electron/core/connection/client'],
    'the rule can fail',
  );
  assert.deepEqual(pastAreaSurface('electron/main/app.ts', "import { ChatClient } from '../core/connection';"), []);
  const v = ['electron/main', 'electron/cli', 'bench']
    .flatMap((d) => files(d))
    .flatMap((f) => pastAreaSurface(f, readFileSync(path.join(root, f), 'utf8')));
  assert.deepEqual(v, []);
  // Every core file is in an area: a file left at the top of electron/core would have no surface.
  const loose = readdirSync(path.join(root, 'electron/core')).filter((n) => !statSync(path.join(root, 'electron/core', n)).isDirectory());
  assert.deepEqual(loose, []);
});

// ---- the server's room store (server/room-store.ts is the interface) ----------------------

/** Room store implementations are `server/<kind>-room-store.ts`; `server/room-store.ts` is the interface. */
const isRoomStoreImplementation = (file: string) => /^server\/.+-room-store(\.ts)?$/.test(file);
/** The composition root: the one module that chooses an implementation. */
const ROOM_STORE_CHOOSERS = ['server/server.ts'];

/** Imports of a room store implementation from a server module that should see only the interface. */
export function roomStoreImplementationImports(file: string, source: string): string[] {
  if (ROOM_STORE_CHOOSERS.includes(file) || isRoomStoreImplementation(file)) return [];
  return importsOf(source)
    .map((i) => resolveRel(file, i.spec))
    .filter(isRoomStoreImplementation)
    .map((target) => `${file} imports ${target}`);
}

test('server modules reach the room store only through its interface (server.ts chooses the implementation)', () => {
  const violation = "import { MemoryRoomStore } from './memory-room-store';";
  assert.deepEqual(
    roomStoreImplementationImports('server/frames.ts', violation),
    ['server/frames.ts imports server/memory-room-store'],
    'the rule can fail',
  );
  assert.deepEqual(
    roomStoreImplementationImports('server/frames.ts', "import type { RoomStore } from './room-store';"),
    [],
    'the interface is fine',
  );
  assert.deepEqual(roomStoreImplementationImports('server/server.ts', violation), [], 'the composition root may choose');
  const scanned = files('server');
  assert.ok(
    scanned.includes('server/frames.ts') && scanned.includes('server/connections.ts'),
    `server files scanned: ${scanned.join(', ')}`,
  );
  assert.ok(scanned.some(isRoomStoreImplementation), 'there is an implementation to keep behind the interface');
  const v = scanned.flatMap((f) => roomStoreImplementationImports(f, readFileSync(path.join(root, f), 'utf8')));
  assert.deepEqual(v, []);
});

test('ioredis stays behind the Redis implementations (server/redis-*.ts); connections and frames never see it', () => {
  const isRedisSide = (f: string) => /^server\/redis-[a-z-]+\.ts$/.test(f);
  assert.ok(isRedisSide('server/redis-room-store.ts') && !isRedisSide('server/frames.ts'), 'the rule can fail');
  const v = violations(['electron', 'server', 'renderer/src'], (f, i) =>
    i.spec === 'ioredis' && !isRedisSide(f) ? `${f} imports ioredis` : undefined,
  );
  assert.deepEqual(v, []);
});
