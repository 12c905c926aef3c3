/**
 * The settings dialog's on/off fields: sharing read status, and for the app's shell keeping running in
 * the tray when the window is closed and starting at login. A checkbox each, read-only (with its label
 * still read) when the environment or a command-line flag sets it.
 */
import type { SwitchSetting } from '../../electron/common/contract';
import type { FieldFrame } from './SettingsFields';

type SwitchField = 'readReceipts' | 'closeToTray' | 'autostart';

export function SwitchBox({
  f,
  field,
  value,
  onChange,
}: {
  f: FieldFrame;
  field: SwitchField;
  value: SwitchSetting;
  onChange: (v: SwitchSetting) => void;
}) {
  const locked = f.locked.has(field);
  return (
    <div className="field field-switch">
      <label>
        <input
          type="checkbox"
          id={f.id(field)}
          data-testid={`settings-${field}`}
          checked={value === 'on'}
          disabled={locked}
          aria-invalid={f.invalid.has(field) || undefined}
          onChange={(e) => onChange(e.currentTarget.checked ? 'on' : 'off')}
        />{' '}
        {f.t.fieldName[field]}
      </label>
    </div>
  );
}

export function ShellFields(props: {
  f: FieldFrame;
  closeToTray: SwitchSetting;
  autostart: SwitchSetting;
  onChange: (field: SwitchField, v: SwitchSetting) => void;
}) {
  return (
    <>
      <SwitchBox f={props.f} field="closeToTray" value={props.closeToTray} onChange={(v) => props.onChange('closeToTray', v)} />
      <SwitchBox f={props.f} field="autostart" value={props.autostart} onChange={(v) => props.onChange('autostart', v)} />
    </>
  );
}
