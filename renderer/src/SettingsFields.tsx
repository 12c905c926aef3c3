/**
 * The settings dialog's fields, one component each. Every field is a label, its
 * control, a hint and — when the environment or a command-line flag sets it — a
 * note saying so, with the control read-only. A control is marked invalid, and
 * described by the problems list, while a problem names it.
 */
import { useEffect, useRef, useState, type ComponentProps, type ReactNode, type Ref } from 'react';
import type { Compression, LanguageSetting } from '../../electron/common/contract';
import { useChat } from './AppContext';
import { systemLocale, type SettingsField, type Strings } from './i18n';
import { IconAlert, IconCheck, IconLock } from './Icons';
import type { ProxyMode } from './settingsDraft';

// The choices in the order shown. Keyed records of the contract's types (the renderer takes types only from
// electron/common), so a choice or field added to the settings table does not compile until it is here too.
const COMPRESSION_CHOICES: Record<Compression, true> = { deflate: true, zlib: true, off: true };
const LANGUAGE_CHOICES: Record<LanguageSetting, true> = { auto: true, 'zh-CN': true, en: true };
const COMPRESSIONS = Object.keys(COMPRESSION_CHOICES) as Compression[];
const LANGUAGES = Object.keys(LANGUAGE_CHOICES) as LanguageSetting[];
const PROXY_MODES: ProxyMode[] = ['system', 'none', 'manual'];

/** What each field needs from the dialog around it. */
export interface FieldFrame {
  t: Strings;
  /** The element id for a name, unique to this dialog. */
  id: (name: string) => string;
  /** Set by the environment or a flag: shown read-only with a note. */
  locked: ReadonlySet<SettingsField>;
  /** Named by a problem of the last refused save. */
  invalid: ReadonlySet<SettingsField>;
}

/** A field's value and how to change it. */
interface Bound<T> {
  f: FieldFrame;
  value: T;
  onChange: (value: T) => void;
}

/** The id, test id and ARIA every control carries; `state` is a line saying what is saved, read first. */
function controlProps(f: FieldFrame, field: SettingsField, state?: string) {
  const describedBy = [
    state,
    f.id(`${field}-hint`),
    f.locked.has(field) && f.id(`${field}-locked`),
    f.invalid.has(field) && f.id('problems'),
  ];
  return {
    id: f.id(field),
    'data-testid': `settings-${field}`,
    'aria-invalid': f.invalid.has(field) || undefined,
    'aria-describedby': describedBy.filter(Boolean).join(' '),
  };
}

function Field(props: {
  f: FieldFrame;
  field: SettingsField;
  label: string;
  hint: string;
  hintTestId?: string;
  after?: ReactNode;
  children: ReactNode;
}) {
  const { f, field } = props;
  return (
    <div className="field">
      <label htmlFor={f.id(field)}>{props.label}</label>
      {props.children}
      <p className="field-hint" id={f.id(`${field}-hint`)} data-testid={props.hintTestId}>
        {props.hint}
      </p>
      {props.after}
      {f.locked.has(field) && (
        <p className="field-note field-locked" id={f.id(`${field}-locked`)} data-testid={`settings-${field}-locked`}>
          <IconLock />
          {f.t.overriddenNote}
        </p>
      )}
    </div>
  );
}

type TextInputProps = Bound<string> & { field: SettingsField; state?: string } & Omit<ComponentProps<'input'>, 'value' | 'onChange'>;

/** A text input: no spell check or autofill; read-only when locked. */
function TextInput({ f, field, state, value, onChange, ...rest }: TextInputProps) {
  return (
    <input
      type="text"
      spellCheck={false}
      autoComplete="off"
      {...rest}
      {...controlProps(f, field, state)}
      value={value}
      readOnly={f.locked.has(field)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

export function ServerUrlField({ ref, ...bound }: Bound<string> & { ref?: Ref<HTMLInputElement> }) {
  const { t } = bound.f;
  return (
    <Field f={bound.f} field="serverUrl" label={t.serverUrl} hint={t.serverUrlHint}>
      <TextInput {...bound} field="serverUrl" ref={ref} inputMode="url" />
    </Field>
  );
}

type TokenProps = Bound<string> & { hasToken: boolean; clear: boolean; onClear: (clear: boolean) => void };

/**
 * The token is never shown: the field starts empty, a line under it says in words whether one is
 * saved (it describes the field; a placeholder is not reliably read once focused), and the saved one
 * can be replaced or removed. Saving with the field left empty keeps the saved token.
 */
export function TokenField({ hasToken, clear, onClear, ...bound }: TokenProps) {
  const { f, value, onChange } = bound;
  const changeable = hasToken && !f.locked.has('token');
  const input = useRef<HTMLInputElement>(null);
  const [focusAsked, setFocusAsked] = useState(0);
  // After the render that enables the field again: it is disabled while "remove" is ticked.
  useEffect(() => {
    if (focusAsked > 0) input.current?.focus();
  }, [focusAsked]);
  const replace = () => {
    onClear(false);
    onChange('');
    setFocusAsked((n) => n + 1);
  };
  const state = !hasToken ? 'none' : clear ? 'removing' : value !== '' ? 'replacing' : 'saved';
  const clearBox = changeable && (
    <label className="check">
      <input type="checkbox" data-testid="settings-clear-token" checked={clear} onChange={(e) => onClear(e.target.checked)} />
      {f.t.clearToken}
    </label>
  );
  return (
    <Field f={f} field="token" label={f.t.token} hint={f.t.tokenHint} after={clearBox}>
      <TextInput
        {...bound}
        ref={input}
        field="token"
        state={f.id('token-state')}
        type="password"
        placeholder={hasToken ? f.t.tokenUnchanged : f.t.tokenNone}
        disabled={clear}
      />
      <div className="field-state" data-testid="settings-token-state" data-state={state}>
        {hasToken && !clear && <IconCheck />}
        <span id={f.id('token-state')}>{f.t.tokenState[state]}</span>
        {changeable && (
          <button
            type="button"
            className="button button-small"
            data-testid="settings-token-replace"
            aria-label={f.t.tokenReplaceLabel}
            onClick={replace}
          >
            {f.t.tokenReplace}
          </button>
        )}
      </div>
    </Field>
  );
}

/** A path typed, or chosen with "Choose…" (main's file dialog; main reads and parses the file before it is put here). */
export function CaFileField(bound: Bound<string>) {
  const { f, onChange } = bound;
  const chat = useChat();
  const [problem, setProblem] = useState('');
  const choose = () => {
    setProblem('');
    void chat.chooseCaBundle().then(
      (r) => {
        if (r.ok) onChange(r.path);
        else if (r.code !== 'CANCELLED') setProblem(f.t.caChooseProblem(r.code, 'path' in r ? r.path : '', 'detail' in r ? r.detail : ''));
      },
      (err: unknown) => setProblem(f.t.caChooseProblem('UNAVAILABLE', '', String(err))),
    );
  };
  const note = problem && (
    <p className="field-note field-problem" role="alert" data-testid="settings-caFile-problem">
      <IconAlert />
      {problem}
    </p>
  );
  return (
    <Field f={f} field="caFile" label={f.t.caFile} hint={f.t.caFileHint} after={note}>
      <div className="field-with-button">
        <TextInput {...bound} field="caFile" placeholder={f.t.caFilePlaceholder} />
        <button type="button" className="button" data-testid="settings-caFile-choose" disabled={f.locked.has('caFile')} onClick={choose}>
          {f.t.caChoose}
        </button>
      </div>
    </Field>
  );
}

/**
 * System (default), none, or a proxy typed here. The saved password never comes back from main: the
 * URL shows without it, a note says one is kept, and it stays unless the person types a new one.
 */
export function ProxyField(props: {
  f: FieldFrame;
  mode: ProxyMode;
  url: string;
  hasPassword: boolean;
  onMode: (m: ProxyMode) => void;
  onUrl: (url: string) => void;
}) {
  const { f, mode } = props;
  const { t } = f;
  const locked = f.locked.has('proxy');
  const base = controlProps(f, 'proxy');
  // A refused manual URL marks the URL box (focus goes there), not the mode.
  const invalid = f.invalid.has('proxy') || undefined;
  return (
    <Field f={f} field="proxy" label={t.proxy} hint={t.proxyHint[mode]} hintTestId="settings-proxy-hint">
      <select
        {...base}
        aria-invalid={mode === 'manual' ? undefined : invalid}
        value={mode}
        disabled={locked}
        onChange={(e) => props.onMode(e.target.value as ProxyMode)}
      >
        {PROXY_MODES.map((m) => (
          <option key={m} value={m}>
            {t.proxyMode[m]}
          </option>
        ))}
      </select>
      {mode === 'manual' && (
        <input
          type="text"
          className="proxy-url"
          spellCheck={false}
          autoComplete="off"
          inputMode="url"
          id={f.id('proxy-url')}
          data-testid="settings-proxy-url"
          aria-label={t.proxyUrl}
          aria-invalid={invalid}
          aria-describedby={props.hasPassword ? `${f.id('proxy-password-kept')} ${base['aria-describedby']}` : base['aria-describedby']}
          placeholder={t.proxyUrlPlaceholder}
          value={props.url}
          readOnly={locked}
          onChange={(e) => props.onUrl(e.target.value)}
        />
      )}
      {mode === 'manual' && props.hasPassword && (
        <p className="field-note" id={f.id('proxy-password-kept')} data-testid="settings-proxy-password-kept">
          {t.proxyPasswordKept}
        </p>
      )}
    </Field>
  );
}

interface ChoiceProps<T extends string> extends Bound<T> {
  field: SettingsField;
  label: string;
  hint: string;
  hintTestId?: string;
  choices: T[];
  optionLabel: (choice: T) => string;
  optionLang?: (choice: T) => string | undefined;
}

/** A <select> of fixed choices; disabled when locked (a select cannot be read-only). */
function ChoiceField<T extends string>({ f, field, value, onChange, choices, optionLabel, optionLang, ...text }: ChoiceProps<T>) {
  return (
    <Field f={f} field={field} {...text}>
      <select {...controlProps(f, field)} value={value} disabled={f.locked.has(field)} onChange={(e) => onChange(e.target.value as T)}>
        {choices.map((c) => (
          <option key={c} value={c} lang={optionLang?.(c)}>
            {optionLabel(c)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Its hint explains the choice made, and follows it. */
export function CompressionField(bound: Bound<Compression>) {
  const { t } = bound.f;
  const hint = t.compressionHint[bound.value];
  return (
    <ChoiceField
      {...bound}
      field="compression"
      label={t.compression}
      hint={hint}
      hintTestId="settings-compression-hint"
      choices={COMPRESSIONS}
      optionLabel={(c) => t.compressionName[c]}
    />
  );
}

/** Each language named in itself (lang on the option); "auto" follows the system, named in the hint. */
export function LanguageField(bound: Bound<LanguageSetting>) {
  const { t } = bound.f;
  const hint = t.languageHint(t.languageName[systemLocale()]);
  return (
    <ChoiceField
      {...bound}
      field="language"
      label={t.language}
      hint={hint}
      choices={LANGUAGES}
      optionLabel={(l) => t.languageOption[l]}
      optionLang={(l) => (l === 'auto' ? undefined : l)}
    />
  );
}
