/**
 * The UOS app store's rules for a .deb (deepin/UOS 商店打包规范), each as a check that names what breaks it.
 * Read from the .deb with dpkg-deb, so the package.test.ts can run them on the built store package and on a
 * deliberately broken copy (each check must be able to fail).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type StoreRule = 'no-maintainer-scripts' | 'no-setuid' | 'only-opt-apps' | 'entry-execs-files' | 'info' | 'file-name';

export interface DebView {
  deb: string;
  fields: Record<string, string>;
  /** dpkg-deb --contents: mode string, owner and path ('/opt/…', directories with a trailing '/'). */
  contents: Array<{ perm: string; owner: string; file: string }>;
  controlFiles: string[];
  /** Extracted data tree. */
  root: string;
}

function dpkgDeb(args: string[]): string {
  const r = spawnSync('dpkg-deb', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`dpkg-deb ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function readDeb(deb: string): DebView {
  const fields: Record<string, string> = {};
  for (const f of ['Package', 'Version', 'Architecture']) fields[f] = dpkgDeb(['--field', deb, f]).trim();
  const contents = dpkgDeb(['--contents', deb])
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [perm, owner] = l.split(/\s+/);
      return { perm: perm!, owner: owner!, file: l.slice(l.indexOf('./') + 1).replace(/ -> .*$/, '') };
    });
  const root = mkdtempSync(path.join(os.tmpdir(), 'uos-store-'));
  dpkgDeb(['-x', deb, root]);
  dpkgDeb(['-e', deb, path.join(root, 'DEBIAN')]);
  return { deb, fields, contents, controlFiles: readdirSync(path.join(root, 'DEBIAN')).sort(), root };
}

/** Every broken rule, with what breaks it; [] when the package may go to the store. */
export function storeRuleViolations(v: DebView): Array<{ rule: StoreRule; detail: string }> {
  const out: Array<{ rule: StoreRule; detail: string }> = [];
  const appid = v.fields.Package!;
  const base = `/opt/apps/${appid}`;
  // "禁止使用deb的postinst等钩子对系统进行修改": no preinst/postinst/prerm/postrm/config/triggers at all.
  for (const f of v.controlFiles)
    if (!['control', 'md5sums'].includes(f)) out.push({ rule: 'no-maintainer-scripts', detail: `DEBIAN/${f}` });
  // "禁止应用以任何形式获取root权限": nothing setuid/setgid, and no setuid-capable sandbox helper.
  for (const c of v.contents) {
    if (/[sS]/.test(c.perm)) out.push({ rule: 'no-setuid', detail: `${c.perm} ${c.file}` });
    if (path.posix.basename(c.file) === 'chrome-sandbox') out.push({ rule: 'no-setuid', detail: `ships ${c.file}` });
    const f = c.file.replace(/\/$/, '') || '/';
    if (!['/', '/opt', '/opt/apps', base].includes(f) && !f.startsWith(`${base}/`)) out.push({ rule: 'only-opt-apps', detail: c.file });
  }
  const entries = v.contents.filter((c) => c.file.startsWith(`${base}/entries/applications/`) && c.file.endsWith('.desktop'));
  if (!entries.some((c) => c.file === `${base}/entries/applications/${appid}.desktop`))
    out.push({ rule: 'entry-execs-files', detail: 'no <appid>.desktop' });
  for (const c of entries) {
    const exec = /^Exec=(\S+)/m.exec(readFileSync(path.join(v.root, c.file), 'utf8'))?.[1] ?? '';
    const target = v.contents.find((x) => x.file === exec);
    if (!exec.startsWith(`${base}/files/`) || !target || !target.perm.startsWith('-') || !target.perm.includes('x')) {
      out.push({ rule: 'entry-execs-files', detail: `${c.file}: Exec=${exec}` });
    }
  }
  out.push(...infoViolations(v, base));
  const expectedName = `${appid}_${v.fields.Version}_${v.fields.Architecture}.deb`;
  if (path.basename(v.deb) !== expectedName) out.push({ rule: 'file-name', detail: `${path.basename(v.deb)} ≠ ${expectedName}` });
  return out;
}

/** info: appid, a 4-part numeric version equal to the control Version, arch, and the permissions declared. */
function infoViolations(v: DebView, base: string): Array<{ rule: StoreRule; detail: string }> {
  let info: Record<string, any>;
  try {
    info = JSON.parse(readFileSync(path.join(v.root, base, 'info'), 'utf8')) as Record<string, any>;
  } catch (err) {
    return [{ rule: 'info', detail: `unreadable: ${(err as Error).message}` }];
  }
  const out: Array<{ rule: StoreRule; detail: string }> = [];
  const bad = (detail: string) => out.push({ rule: 'info', detail });
  if (info.appid !== v.fields.Package) bad(`appid ${info.appid}`);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(String(info.version))) bad(`version ${info.version} is not 4 numeric parts`);
  if (info.version !== v.fields.Version) bad(`version ${info.version} ≠ control ${v.fields.Version}`);
  if (JSON.stringify(info.arch) !== JSON.stringify([v.fields.Architecture])) bad(`arch ${JSON.stringify(info.arch)}`);
  const p = info.permissions ?? {};
  if (p.notification !== true) bad('permissions.notification should be true (the app notifies)');
  // Declared because used: the app writes an autostart entry (core/autostart.ts) and shows a tray icon (main/tray.ts).
  if (p.autostart !== true) bad('permissions.autostart should be true (the app writes an autostart entry)');
  if (p.trayicon !== true) bad('permissions.trayicon should be true (the app shows a tray icon)');
  return out;
}
