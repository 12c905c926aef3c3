/**
 * Code shape, enforced: no product file over 400 lines (CSS aside) and no function
 * over 60 lines unless a `long-function: <reason>` comment stands within the three
 * lines above it. These are the guide's alarm bells; a reason written down is the
 * way past one, so a long function is a decision someone made, not an accident.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..');
const PRODUCT_DIRS = ['protocol', 'electron', 'renderer/src', 'server', 'build'];
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 60;
const REASON = /long-function:\s*\S/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Functions longer than the limit without a written reason, as `file:line name (N lines)`. */
export function longFunctions(file: string, source: string, limit = MAX_FUNCTION_LINES): string[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const lines = source.split('\n');
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const length = sf.getLineAndCharacterOfPosition(node.getEnd()).line - start + 1;
      const above = lines.slice(Math.max(0, start - 3), start + 1).join('\n');
      if (length > limit && !REASON.test(above)) found.push(`${file}:${start + 1} ${functionName(node, sf)} (${length} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  const parent = node.parent as ts.Node & { name?: ts.Node };
  return parent?.name ? parent.name.getText(sf) : ts.SyntaxKind[node.kind];
}

test('the function-length rule can fail, and a written reason passes it', () => {
  const body = Array.from({ length: 70 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  assert.deepEqual(longFunctions('x.ts', `function big() {\n${body}\n}\n`), ['x.ts:1 big (72 lines)']);
  assert.deepEqual(longFunctions('x.ts', `// long-function: one table, read top to bottom\nfunction big() {\n${body}\n}\n`), []);
  assert.deepEqual(longFunctions('x.tsx', `const Big = () => {\n${body}\n  return <div />;\n};\n`), ['x.tsx:1 Big (73 lines)']);
});

test(`no product file over ${MAX_FILE_LINES} lines (CSS aside)`, () => {
  const files = PRODUCT_DIRS.flatMap(sourceFiles);
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  const big = files.map((f) => ({ f, n: readFileSync(path.join(root, f), 'utf8').split('\n').length })).filter((x) => x.n > MAX_FILE_LINES);
  assert.deepEqual(
    big.map((x) => `${x.f} (${x.n} lines)`),
    [],
  );
});

test(`no product function over ${MAX_FUNCTION_LINES} lines without a reason beside it`, () => {
  const found = PRODUCT_DIRS.flatMap(sourceFiles).flatMap((f) => longFunctions(f, readFileSync(path.join(root, f), 'utf8')));
  assert.deepEqual(found, []);
});
