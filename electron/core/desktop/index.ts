/**
 * What the machine and the desktop say and keep: network, power and sleep over D-Bus (behind dbus/),
 * the tray host, autostart, notices, window state, launch flags, attention, heap tuning.
 * The area's public surface: main/, cli/ and bench/ import only this file.
 */
export { Attention } from './attention';
export { applyAutostart, autostartFile, launcherPath } from './autostart';
export { TrayHostMonitor } from './dbus/tray-host';
export { MAIN_PROCESS_V8_FLAGS, tuneHeapForLongRunning } from './heap-tuning';
export { describeLaunch, type LaunchInfo, readLaunchInfo } from './launch-flags';
export { loadFileUrl } from './load-file-url';
export { MachineMonitor, type MachineSnapshot, type MachineTarget } from './machine-monitor';
export { noticesFor, openNotices } from './notices';
export { loadWindowState, saveWindowState, type WindowState } from './window-state';
