/**
 * The app's one log: levelled lines from main, the core, the machine monitor and the
 * settings, redacted, echoed to standard error (for terminal runs) and appended to a
 * size-capped, rotated file a person can attach to a bug report.
 *
 * Files: `<dir>/uos-chat.log`, and when it would pass `maxBytes` it becomes
 * `uos-chat.1.log` (`.1` → `.2` …); `files` files are kept in all (5 × 1 MB by default).
 * Lines are queued and written in one batch per event-loop turn, so a burst of lines is
 * one write, not hundreds; `flush()` writes what is queued now (called on quit and exit).
 * A failing disk (EACCES, ENOSPC, …) never throws into the app: it is reported once on
 * standard error, the file is tried again a minute later, and the lines still go to stderr.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Who wrote the line. */
export type LogSource = 'main' | 'core' | 'monitor' | 'settings';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

export const LOG_FILE_BASE = 'uos-chat';
/** One line longer than this (a server's huge error text) is cut, so no line can fill a file. */
const MAX_LINE_CHARS = 8_192;
/** Lines waiting for the disk; past this the oldest are counted and dropped, so memory stays bounded. */
const MAX_QUEUED_LINES = 10_000;
const RETRY_AFTER_MS = 60_000;

/** The synchronous file calls the logger makes (node:fs; a failing one in tests). */
export type LogFs = Pick<typeof nodeFs, 'mkdirSync' | 'openSync' | 'writeSync' | 'closeSync' | 'fstatSync' | 'renameSync'>;

export interface LoggerOptions {
  /** The folder for the files; undefined: standard error only (the CLI). */
  dir?: string;
  maxBytes?: number;
  /** Files kept, the current one included. */
  files?: number;
  /** Lines below this level are not written anywhere. */
  level?: LogLevel;
  now?: () => number;
  /** Terminal output, already redacted; undefined: none. */
  echo?: (line: string) => void;
  /** Secrets held now (the token, proxy credentials), masked wherever they appear. */
  secrets?: () => Iterable<string | undefined>;
  fs?: LogFs;
  /** Where a failing log file is reported (once per outage); standard error by default. */
  report?: (line: string) => void;
  /** When the queued lines are written; setImmediate by default. */
  schedule?: (fn: () => void) => void;
}

/** A source's view of the log. The methods are bound: pass `log.warn` where a `(line) => void` is wanted. */
export interface SourceLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  at(level: LogLevel, message: string): void;
}

/** `uos-chat.log`, `uos-chat.1.log`, … */
export function logFileName(index: number): string {
  return index === 0 ? `${LOG_FILE_BASE}.log` : `${LOG_FILE_BASE}.${index}.log`;
}

/** Where the app keeps its logs, worked out as Electron does (the CLI cannot ask Electron). */
export function defaultLogDir(env: NodeJS.ProcessEnv, home: string): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'UOSChat', 'logs');
}

/** Control characters (a hostile server's close reason with terminal escapes) are shown, not obeyed. */
function printable(text: string): string {
  const clean = text
    .replace(/\r?\n/g, '\n    ')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)}… (${clean.length - MAX_LINE_CHARS} more characters)` : clean;
}

export class Logger {
  private readonly maxBytes: number;
  private readonly files: number;
  private readonly fs: LogFs;
  private readonly now: () => number;
  private readonly schedule: (fn: () => void) => void;
  private queue: string[] = [];
  private dropped = 0;
  private scheduled = false;
  private fd: number | undefined;
  private size = 0;
  private failedAt: number | undefined;
  private lost = 0;
  private closed = false;
  private readonly secretSources: Array<() => Iterable<string | undefined>> = [];

  constructor(private readonly options: LoggerOptions = {}) {
    this.maxBytes = Math.max(1_024, options.maxBytes ?? 1_048_576);
    this.files = Math.max(1, options.files ?? 5);
    this.fs = options.fs ?? nodeFs;
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((fn) => void setImmediate(fn));
  }

  /** The current file, or undefined when logging to standard error only. */
  get file(): string | undefined {
    return this.options.dir === undefined ? undefined : path.join(this.options.dir, logFileName(0));
  }

  /** Masks these secrets too, from now on (the settings' token, once the settings are loaded). */
  maskAlso(secrets: () => Iterable<string | undefined>): void {
    this.secretSources.push(secrets);
  }

  for(source: LogSource): SourceLog {
    const at = (level: LogLevel, message: string) => this.write(level, source, message);
    return { at, debug: (m) => at('debug', m), info: (m) => at('info', m), warn: (m) => at('warn', m), error: (m) => at('error', m) };
  }

  write(level: LogLevel, source: LogSource, message: string): void {
    if (RANK[level] < RANK[this.options.level ?? 'info']) return;
    const known = [this.options.secrets, ...this.secretSources].flatMap((source) => [...(source?.() ?? [])]);
    const text = printable(redactText(message, known));
    this.options.echo?.(`[uos-chat] ${level} ${source}: ${text}`);
    if (this.file === undefined || this.closed) return;
    this.enqueue(`${new Date(this.now()).toISOString()} ${level.toUpperCase().padEnd(5)} [${source}] ${text}\n`);
  }

  /** Writes every queued line now (synchronously: safe in a process 'exit' handler). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 && this.dropped === 0) return;
    const lines = this.queue;
    this.queue = [];
    if (this.dropped > 0)
      lines.unshift(`${new Date(this.now()).toISOString()} WARN  [main] ${this.dropped} log lines dropped: the disk was too slow\n`);
    this.dropped = 0;
    this.writeLines(lines);
  }

  /** Flushes and closes the file; later lines go to standard error only. */
  close(): void {
    this.flush();
    this.closed = true;
    this.closeFile();
  }

  private enqueue(line: string): void {
    this.queue.push(line);
    if (this.queue.length > MAX_QUEUED_LINES) {
      this.queue.shift();
      this.dropped += 1;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  private writeLines(lines: string[]): void {
    if (!this.ready()) {
      this.lost += lines.length;
      return;
    }
    try {
      let batch = '';
      let batchBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        // Rotate before the line that would pass the cap (a file holds at least one line).
        if (this.size + batchBytes + bytes > this.maxBytes && this.size + batchBytes > 0) {
          this.append(batch);
          batch = '';
          batchBytes = 0;
          this.rotate();
        }
        batch += line;
        batchBytes += bytes;
      }
      this.append(batch);
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException, lines.length);
    }
  }

  /** An open file, or a reason not to try now (a failure less than a minute ago). */
  private ready(): boolean {
    if (this.fd !== undefined) return true;
    if (this.failedAt !== undefined && this.now() - this.failedAt < RETRY_AFTER_MS) return false;
    try {
      this.fs.mkdirSync(this.options.dir!, { recursive: true, mode: 0o700 });
      this.fd = this.fs.openSync(this.file!, 'a', 0o600);
      this.size = this.fs.fstatSync(this.fd).size;
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException, 0);
      return false;
    }
    if (this.failedAt !== undefined) {
      this.failedAt = undefined;
      const note = `${new Date(this.now()).toISOString()} WARN  [main] the log file is writable again; ${this.lost} lines were not written\n`;
      this.lost = 0;
      this.append(note);
    }
    return true;
  }

  private append(text: string): void {
    if (text.length === 0) return;
    const buf = Buffer.from(text);
    let done = 0;
    // Bounded: each pass writes at least one byte or throws.
    while (done < buf.length) done += this.fs.writeSync(this.fd!, buf, done, buf.length - done) || this.noProgress();
    this.size += buf.length;
  }

  private noProgress(): never {
    throw Object.assign(new Error('the disk accepted no bytes'), { code: 'EIO' });
  }

  /** `.log` → `.1.log` → `.2.log` …; renaming onto the oldest replaces it. */
  private rotate(): void {
    this.closeFile();
    const dir = this.options.dir!;
    for (let i = this.files - 2; i >= 0; i -= 1) {
      try {
        this.fs.renameSync(path.join(dir, logFileName(i)), path.join(dir, logFileName(i + 1)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    this.fd = this.fs.openSync(this.file!, 'a', 0o600);
    this.size = 0;
  }

  private fail(err: NodeJS.ErrnoException, lines: number): void {
    this.closeFile();
    this.lost += lines;
    const first = this.failedAt === undefined;
    this.failedAt = this.now();
    const report = this.options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
    if (first)
      report(
        `[uos-chat] the log file ${this.file} cannot be written (${err.code ?? ''} ${err.message}); logging to standard error only, trying again in a minute`,
      );
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      this.fs.closeSync(fd);
    } catch {
      // Already gone (a failing disk): nothing left to release.
    }
  }
}
