/**
 * Chromium switches for a working Chinese input method on deepin/UOS.
 *
 * Electron 38+ under Wayland breaks fcitx input-method switching on these
 * desktops (https://github.com/electron/electron/issues/49084), while X11
 * (XWayland) works. So on deepin/UOS we default to `--ozone-platform=x11`;
 * a person who opts into Wayland (UOS_CHAT_WAYLAND=1 or --wayland) gets
 * `--ozone-platform=wayland --enable-wayland-ime` instead.
 */
export interface LaunchSwitch {
  name: string;
  value?: string;
}

export function isDeepinLike(env: NodeJS.ProcessEnv): boolean {
  const desktop = `${env.XDG_CURRENT_DESKTOP ?? ''}:${env.XDG_SESSION_DESKTOP ?? ''}:${env.DESKTOP_SESSION ?? ''}`;
  return /deepin|dde|uos/i.test(desktop);
}

export function launchSwitches(env: NodeJS.ProcessEnv, argv: readonly string[]): LaunchSwitch[] {
  const wantsWayland = env.UOS_CHAT_WAYLAND === '1' || argv.includes('--wayland');
  if (wantsWayland) return [{ name: 'ozone-platform', value: 'wayland' }, { name: 'enable-wayland-ime' }];
  if (isDeepinLike(env) || env.XDG_SESSION_TYPE === 'wayland') return [{ name: 'ozone-platform', value: 'x11' }];
  return [];
}
