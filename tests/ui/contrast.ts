/**
 * WCAG 2.x contrast of placeholder text, measured in Chromium (not a test file itself). axe-core's
 * color-contrast rule skips ::placeholder, so this reads the colours the page really computes:
 * getComputedStyle(el, '::placeholder').color over the background the field shows, found by
 * stacking the background colours of the field and its ancestors up to the first opaque one.
 */
import type { Page } from 'playwright-core';

type Rgba = [number, number, number, number];

/** `rgb(…)` / `rgba(…)` as Chromium's getComputedStyle writes them (commas or spaces, optional `/ alpha`). */
export function parseColour(css: string): Rgba {
  const m = /^rgba?\(\s*([^)]+)\)$/.exec(css.trim());
  if (!m) throw new Error(`a colour this check does not read: ${css}`);
  const parts = m[1]!
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  if (parts.length < 3 || parts.some((n) => Number.isNaN(n))) throw new Error(`a colour this check does not read: ${css}`);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

/** `top` painted over an opaque `bottom`. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as Rgba;
}

/** WCAG 2.x relative luminance of an opaque sRGB colour. */
export function luminance([r, g, b]: Rgba): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

export const hex = ([r, g, b]: Rgba): string => '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');

export interface PlaceholderSample {
  /** The field's data-testid, and the state it was measured in. */
  field: string;
  state: string;
  placeholder: string;
  colour: string;
  background: string;
  ratio: number;
}

/** What the page reports for one field: its placeholder colour and the layers behind it, nearest first. */
interface Raw {
  field: string;
  placeholder: string;
  colour: string;
  layers: { tag: string; background: string; image: string; opacity: string }[];
}

/** The placeholder colour and the backgrounds of every field with a placeholder inside `scope`. */
function readFields(page: Page, scope: string): Promise<Raw[]> {
  return page.evaluate((sel) => {
    const out: Raw[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(`${sel} input[placeholder], ${sel} textarea[placeholder]`)) {
      const layers: Raw['layers'] = [];
      for (let n: Element | null = el; n; n = n.parentElement) {
        const cs = getComputedStyle(n);
        layers.push({ tag: n.tagName.toLowerCase(), background: cs.backgroundColor, image: cs.backgroundImage, opacity: cs.opacity });
      }
      out.push({
        field: el.dataset.testid ?? el.id,
        placeholder: el.getAttribute('placeholder') ?? '',
        colour: getComputedStyle(el, '::placeholder').color,
        layers,
      });
    }
    return out;
  }, scope);
}

/** The colour a field's own box shows: its layers stacked over the page canvas (white). */
function effectiveBackground(raw: Raw): Rgba {
  let bg: Rgba = [255, 255, 255, 1];
  const stack: Rgba[] = [];
  for (const layer of raw.layers) {
    // A gradient or a translucent ancestor would need real compositing; none exists, and if one is added this says so.
    if (layer.image !== 'none')
      throw new Error(`${raw.field}: <${layer.tag}> has a background image (${layer.image}); measure it another way`);
    if (layer.opacity !== '1') throw new Error(`${raw.field}: <${layer.tag}> has opacity ${layer.opacity}; measure it another way`);
    const c = parseColour(layer.background);
    stack.push(c);
    if (c[3] === 1) break;
  }
  for (const c of stack.reverse()) bg = over(c, bg);
  return bg;
}

/** Every placeholder inside `scope`, measured as the page is now; `state` names that state in the report. */
export async function measurePlaceholders(page: Page, scope: string, state: string): Promise<PlaceholderSample[]> {
  return (await readFields(page, scope)).map((raw) => {
    const bg = effectiveBackground(raw);
    const fg = over(parseColour(raw.colour), bg);
    return { field: raw.field, state, placeholder: raw.placeholder, colour: hex(fg), background: hex(bg), ratio: contrastRatio(fg, bg) };
  });
}

/**
 * The same, with every field in `scope` also made read-only and then disabled for the measurement (the
 * looks a field takes when the environment sets it, or "remove the token" is ticked); put back after.
 */
export async function measureAllStates(page: Page, scope: string): Promise<PlaceholderSample[]> {
  const samples = await measurePlaceholders(page, scope, 'editable');
  for (const attr of ['readonly', 'disabled'] as const) {
    const added = await page.evaluate(
      ([sel, a]) => {
        const els = [...document.querySelectorAll<HTMLElement>(`${sel} input[placeholder], ${sel} textarea[placeholder]`)].filter(
          (el) => !el.hasAttribute(a),
        );
        els.forEach((el) => el.setAttribute(a, ''));
        return els.map((el) => el.dataset.testid ?? el.id);
      },
      [scope, attr] as const,
    );
    samples.push(...(await measurePlaceholders(page, scope, attr)));
    await page.evaluate(
      ([sel, a, ids]) => {
        for (const el of document.querySelectorAll<HTMLElement>(`${sel} input[placeholder], ${sel} textarea[placeholder]`)) {
          if (ids.includes(el.dataset.testid ?? el.id)) el.removeAttribute(a);
        }
      },
      [scope, attr, added] as const,
    );
  }
  return samples;
}
