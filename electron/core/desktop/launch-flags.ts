/**
 * What the launcher (build/launcher/uos-chat) decided before Electron started, read from UOS_CHAT_LAUNCH.
 *
 * The display backend and the sandbox are chosen there, not here: Chromium picks its Ozone backend
 * (X11 or Wayland; Electron 38+ follows XDG_SESSION_TYPE) in PreEarlyInitialization, before main.js runs,
 * so `app.commandLine.appendSwitch('ozone-platform', …)` from main cannot change it and may leave the GPU
 * process on another backend. deepin/UOS Wayland sessions need X11 for fcitx
 * (https://github.com/electron/electron/issues/49084); the launcher passes --ozone-platform=x11 there.
 * Main only reports the decisions (log, doctor, diagnostics) and, when the sandbox is off because the
 * system disables user namespaces, tells the person once.
 *
 * UOS_CHAT_LAUNCH=ozone=x11,ozone_by=deepin-wayland,sandbox=namespace,sandbox_by=userns,probe=unshare
 */
export const LAUNCH_ENV = 'UOS_CHAT_LAUNCH';

/**
 * How the display backend was chosen: the person's --ozone-platform, --wayland/UOS_CHAT_WAYLAND=1,
 * X11 for a deepin/UOS Wayland session, or left to Electron.
 */
export type OzoneBy = 'flag' | 'opt-in' | 'deepin-wayland' | 'electron';
/** namespace: user namespaces; setuid: root-owned setuid chrome-sandbox (plain deb); none: --no-sandbox. */
export type SandboxMode = 'namespace' | 'setuid' | 'none';
/** userns, chrome-sandbox, no-userns (the system disables user namespaces), flag (--no-sandbox given while they work). */
export type SandboxBy = 'userns' | 'chrome-sandbox' | 'no-userns' | 'flag';

export type LaunchInfo =
  | { viaLauncher: false }
  | {
      viaLauncher: true;
      /** x11, wayland, auto (Electron's choice) or the person's own --ozone-platform value. */
      ozone: string;
      ozoneBy: OzoneBy | 'unknown';
      sandbox: SandboxMode | 'unknown';
      sandboxBy: SandboxBy | 'unknown';
      /** Which probe answered: unshare, proc (sysctls) or none (not probed). */
      probe: string;
    };

const OZONE_BY: readonly string[] = ['flag', 'opt-in', 'deepin-wayland', 'electron'];
const SANDBOX: readonly string[] = ['namespace', 'setuid', 'none'];
const SANDBOX_BY: readonly string[] = ['userns', 'chrome-sandbox', 'no-userns', 'flag'];

const oneOf = <T extends string>(allowed: readonly string[], v: string | undefined): T | 'unknown' =>
  v !== undefined && allowed.includes(v) ? (v as T) : 'unknown';

/** Parses UOS_CHAT_LAUNCH; values outside the launcher's vocabulary read as 'unknown' (never trusted as words). */
export function readLaunchInfo(env: NodeJS.ProcessEnv): LaunchInfo {
  const raw = env[LAUNCH_ENV];
  if (!raw) return { viaLauncher: false };
  const kv = new Map<string, string>();
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) kv.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const ozone = kv.get('ozone') ?? '';
  return {
    viaLauncher: true,
    ozone: /^[a-z0-9_-]{1,20}$/.test(ozone) ? ozone : 'unknown',
    ozoneBy: oneOf<OzoneBy>(OZONE_BY, kv.get('ozone_by')),
    sandbox: oneOf<SandboxMode>(SANDBOX, kv.get('sandbox')),
    sandboxBy: oneOf<SandboxBy>(SANDBOX_BY, kv.get('sandbox_by')),
    probe: /^(unshare|proc|none)$/.test(kv.get('probe') ?? '') ? kv.get('probe')! : 'unknown',
  };
}

/** The renderer runs without the OS sandbox because the system disables user namespaces: worth telling the person. */
export function sandboxFallback(info: LaunchInfo): boolean {
  return info.viaLauncher && info.sandbox === 'none' && info.sandboxBy === 'no-userns';
}

const OZONE_WORDS: Record<OzoneBy | 'unknown', string> = {
  flag: 'your --ozone-platform flag',
  'opt-in': 'Wayland asked for (--wayland / UOS_CHAT_WAYLAND=1)',
  'deepin-wayland': 'X11 in a deepin/UOS Wayland session, for fcitx (electron#49084)',
  electron: "Electron's default for this session",
  unknown: 'reason unknown',
};
const SANDBOX_WORDS: Record<SandboxBy | 'unknown', string> = {
  userns: "Chromium's user-namespace sandbox",
  'chrome-sandbox': 'the setuid chrome-sandbox helper (user namespaces are disabled)',
  'no-userns':
    'OFF: this system disables user namespaces; the renderer runs without the OS sandbox; context isolation, the CSP and IPC checks still apply',
  flag: 'OFF: --no-sandbox was given',
  unknown: 'reason unknown',
};

/** Two lines of English for the log, doctor and diagnostics. */
export function describeLaunch(info: LaunchInfo): { display: string; sandbox: string } {
  if (!info.viaLauncher) return { display: 'not launched through the launcher', sandbox: 'not launched through the launcher' };
  return {
    display: `ozone ${info.ozone} — ${OZONE_WORDS[info.ozoneBy]}`,
    sandbox: `${info.sandbox} — ${SANDBOX_WORDS[info.sandboxBy]}${info.probe !== 'none' ? ` (probe: ${info.probe})` : ''}`,
  };
}
