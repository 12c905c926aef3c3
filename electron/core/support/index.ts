/**
 * Logs with secrets masked, redaction, and the diagnostics the person can copy.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { type DiagnosticsFacts, diagnosticsText, readOsRelease } from './diagnostics';
export { defaultLogDir, LOG_LEVELS, Logger, type SourceLog } from './logger';
export { secretsOf } from './redact';
