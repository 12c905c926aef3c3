/**
 * Writing a whole file so that a crash leaves the old or the new one, never half:
 * a temp file next to it, fsynced, then renamed over it. The outbox, the settings
 * and the window state are all written this way.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}
