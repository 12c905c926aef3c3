/**
 * The settings dialog's help for a bug report: "Open log folder" and "Copy diagnostics".
 * Main does both (Electron's shell and clipboard: the renderer's sandbox and CSP may refuse
 * navigator.clipboard); here are the buttons and one line saying how it went, announced
 * politely to screen readers.
 */
import { useCallback, useState, type ReactNode } from 'react';
import { useChat, useI18n } from './AppContext';

type Note = { kind: 'ok' | 'problem'; text: string };

function useSupportActions() {
  const { t } = useI18n();
  const chat = useChat();
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    (action: () => Promise<Note>) => {
      setBusy(true);
      action()
        .catch((): Note => ({ kind: 'problem', text: t.unexpectedError }))
        .then((n) => {
          setNote(n);
          setBusy(false);
        });
    },
    [t],
  );

  const openLogs = useCallback(
    () =>
      run(async () => {
        const r = await chat.showLogFolder();
        return r.ok ? { kind: 'ok', text: t.logFolderOpened(r.folder) } : { kind: 'problem', text: t.logFolderFailed(r.folder, r.detail) };
      }),
    [run, t, chat],
  );

  const copy = useCallback(
    () =>
      run(async () => {
        const r = await chat.copyDiagnostics();
        return r.ok ? { kind: 'ok', text: t.diagnosticsCopied } : { kind: 'problem', text: t.diagnosticsFailed(r.detail) };
      }),
    [run, t, chat],
  );

  return { note, busy, openLogs, copy };
}

/** A titled part of the settings dialog below the fields: heading, hint, a row of actions, one status line. */
export function SettingsSection(props: {
  id: (name: string) => string;
  name: string;
  className?: string;
  title: string;
  hint: string;
  children: ReactNode;
}) {
  const { id, name } = props;
  return (
    <section
      className={`settings-support${props.className ? ` ${props.className}` : ''}`}
      aria-labelledby={id(name)}
      aria-describedby={id(`${name}-hint`)}
    >
      <h3 className="settings-subtitle" id={id(name)}>
        {props.title}
      </h3>
      <p className="field-hint" id={id(`${name}-hint`)}>
        {props.hint}
      </p>
      {props.children}
    </section>
  );
}

export function SupportSection({ id }: { id: (name: string) => string }) {
  const { t } = useI18n();
  const { note, busy, openLogs, copy } = useSupportActions();
  return (
    <SettingsSection id={id} name="support" title={t.supportTitle} hint={t.supportHint}>
      <div className="support-actions">
        <button type="button" className="button" data-testid="settings-open-logs" disabled={busy} onClick={openLogs}>
          {t.openLogFolder}
        </button>
        <button type="button" className="button" data-testid="settings-copy-diagnostics" disabled={busy} onClick={copy}>
          {t.copyDiagnostics}
        </button>
      </div>
      <p
        className={`support-note${note?.kind === 'problem' ? ' support-note-problem' : ''}`}
        role="status"
        data-testid="settings-support-note"
      >
        {note?.text}
      </p>
    </SettingsSection>
  );
}
