/** Where the app keeps an account's files (electron/core/store/accounts.ts): `<userData>/accounts/<key>/`. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Every account's outbox journal in `userData`, concatenated ('' when there is none). */
export function accountOutboxText(userData: string): string {
  const root = path.join(userData, 'accounts');
  if (!existsSync(root)) return '';
  return readdirSync(root)
    .sort()
    .map((key) => path.join(root, key, 'outbox.jsonl'))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('');
}
