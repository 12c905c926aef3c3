/**
 * Tray, Menu and nativeImage for the stand-in electron module (fake-electron.ts), at least
 * as strict as Electron 45 on Linux. Each behaviour names its source:
 *
 * - Tray (https://www.electronjs.org/docs/latest/api/tray): cannot be created before 'ready'
 *   (api_tray.cc: "Cannot create Tray before app is ready"). It is garbage-collected when
 *   nothing references it, and the icon disappears with it (the classic bug; Electron FAQ "My
 *   app's tray disappeared after a few minutes": "keep a reference … in a variable that will
 *   not be garbage collected"). The stand-in holds trays only weakly, like notifications.
 * - On Linux the tray is a StatusNotifierItem when a StatusNotifier host is registered, else
 *   Chromium falls back to an XEmbed icon, which deepin's dock and most panels do not show
 *   (Tray docs, Platform Considerations, Linux). Harsher: without a host the icon is not shown
 *   at all, so its menu can never be clicked (`shown` false).
 * - "The click event is emitted when the tray icon receives activation from user, however the
 *   StatusNotifierItem spec does not specify which action would cause an activation" (Tray docs,
 *   Linux): the stand-in never emits 'click'; the context menu is the only way in.
 * - "In order for changes made to individual MenuItems to take effect, you have to call
 *   setContextMenu again" (Tray docs, Linux): setContextMenu copies the items as they are then;
 *   later changes to a MenuItem are not seen until the next setContextMenu.
 * - An empty image shows nothing in the panel (nativeImage.createFromPath returns an empty image
 *   when the file cannot be read: nativeImage docs). Harsher: a Tray or setImage with an empty
 *   image throws, so a missing icon file fails the test.
 * - Menu items: `click(menuItem, browserWindow, event)` (MenuItem docs); a disabled or invisible
 *   item cannot be clicked.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';

export interface FakeImage {
  readonly file: string;
  isEmpty(): boolean;
  getSize(): { width: number; height: number };
}

/** nativeImage.createFromPath: an empty image when the file is missing or is not a PNG; an absolute path only (harsher). */
function createFromPath(file: string): FakeImage {
  let size = { width: 0, height: 0 };
  if (path.isAbsolute(file) && existsSync(file)) {
    const b = readFileSync(file);
    if (b.length > 24 && b.toString('latin1', 1, 4) === 'PNG') size = { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  return { file, isEmpty: () => size.width === 0, getSize: () => ({ ...size }) };
}

export interface MenuItemOptions {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'radio';
  enabled?: boolean;
  visible?: boolean;
  id?: string;
  click?: (item: FakeMenuItem, win: unknown, event: unknown) => void;
}

export class FakeMenuItem {
  label: string;
  type: string;
  enabled: boolean;
  visible: boolean;
  id: string | undefined;
  click: MenuItemOptions['click'];
  constructor(o: MenuItemOptions) {
    this.label = o.label ?? '';
    this.type = o.type ?? 'normal';
    this.enabled = o.enabled ?? true;
    this.visible = o.visible ?? true;
    this.id = o.id;
    this.click = o.click;
  }
}

export class FakeMenu {
  readonly items: FakeMenuItem[] = [];
  static buildFromTemplate(template: Array<MenuItemOptions | FakeMenuItem>): FakeMenu {
    const m = new FakeMenu();
    for (const t of template) m.items.push(t instanceof FakeMenuItem ? t : new FakeMenuItem(t));
    return m;
  }
  append(item: FakeMenuItem): void {
    this.items.push(item);
  }
}

/** What the panel shows for one tray: the menu as it was when last set. */
export interface TrayRecord {
  ref: WeakRef<EventEmitter>;
  destroyed: boolean;
  image: string;
  tooltip: string;
  /** Labels, enabled and visible as copied by the last setContextMenu; click goes to the item object. */
  menu: Array<{ label: string; type: string; enabled: boolean; visible: boolean; item: FakeMenuItem }>;
}

export function createTrayModule(isReady: () => boolean, hostPresent: () => boolean) {
  const trays: TrayRecord[] = [];
  const hooks = new EventEmitter();
  const usable = (image: FakeImage | string): string => {
    const img = typeof image === 'string' ? createFromPath(image) : image;
    if (img.isEmpty()) throw new Error(`fake electron: empty tray image (${img.file}): nothing would show in the panel`);
    return img.file;
  };

  class FakeTray extends EventEmitter {
    private readonly record: TrayRecord;
    constructor(image: FakeImage | string) {
      super();
      if (!isReady()) throw new Error('Cannot create Tray before app is ready');
      this.record = { ref: new WeakRef(this), destroyed: false, image: usable(image), tooltip: '', menu: [] };
      trays.push(this.record);
      hooks.emit('tray', trays.length - 1);
    }
    private live(): TrayRecord {
      if (this.record.destroyed) throw new TypeError('Object has been destroyed');
      return this.record;
    }
    setImage(image: FakeImage | string) {
      this.live().image = usable(image);
      hooks.emit('tray-changed');
    }
    setToolTip(text: string) {
      this.live().tooltip = text;
      hooks.emit('tray-changed');
    }
    setContextMenu(menu: FakeMenu | null) {
      this.live().menu = (menu?.items ?? []).map((item) => ({
        label: item.label,
        type: item.type,
        enabled: item.enabled,
        visible: item.visible,
        item,
      }));
      hooks.emit('tray-changed');
    }
    destroy() {
      this.record.destroyed = true;
    }
    isDestroyed() {
      return this.record.destroyed;
    }
  }

  /** The live tray the panel shows (the last created, not destroyed, not collected), if a host shows any. */
  function shownTray(): TrayRecord | undefined {
    const r = [...trays].reverse().find((t) => !t.destroyed && t.ref.deref());
    return r && hostPresent() ? r : undefined;
  }

  /** A click on the shown menu's item labelled `label`; false when no host shows it, or it is disabled or absent. */
  function clickTrayItem(label: string): boolean {
    const entry = shownTray()?.menu.find((m) => m.label === label);
    if (!entry || !entry.enabled || !entry.visible || entry.type === 'separator') return false;
    entry.item.click?.(entry.item, undefined, {});
    return true;
  }

  return {
    module: { Tray: FakeTray, Menu: FakeMenu, MenuItem: FakeMenuItem, nativeImage: { createFromPath } },
    trays,
    trayHooks: hooks,
    shownTray,
    clickTrayItem,
  };
}
