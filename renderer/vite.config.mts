import { defineConfig, type Plugin, type Rollup } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The app's chunk: main.tsx, imported by the boot entry (src/boot.ts) once it has asked for the snapshot. */
const isAppChunk = (facade: string | null | undefined) => !!facade && facade.replace(/\\/g, '/').endsWith('/src/main.tsx');

/** The app's chunk and the chunks it imports statically (React's, shared with the lazy chunks). */
function appChunks(bundle: OutputBundle): OutputChunk[] {
  const all = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
  const byName = new Map(all.map((c) => [c.fileName, c]));
  const found = new Set<OutputChunk>();
  const add = (c: OutputChunk | undefined) => {
    if (!c || found.has(c)) return;
    found.add(c);
    for (const name of c.imports) if (!byName.get(name)?.isEntry) add(byName.get(name));
  };
  add(all.find((c) => isAppChunk(c.facadeModuleId)));
  return [...found];
}

/**
 * The first paint's chunks. index.html runs the tiny boot entry, which asks for the snapshot at
 * once; the app's chunk (React and the window) is modulepreloaded beside it, so it loads and
 * compiles in parallel instead of after the boot has run. The app's chunk carries V8's explicit
 * compile hint, a first line `//# allFunctionsCalledOnLoad`: every function is compiled eagerly
 * on the streaming thread while it loads, where a fresh window used to compile React's render
 * path lazily, function by function, on the main thread during the first render. The hint goes
 * in after minification (which drops comments), and the source map moves down a line with it.
 */
function firstPaintChunks(): Plugin {
  return {
    name: 'uos-chat-first-paint-chunks',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      // After Vite's own rewriting (which puts its preload helper on the first line).
      order: 'post',
      handler(_options, bundle) {
        for (const chunk of appChunks(bundle)) {
          chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
          if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`;
        }
      },
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = appChunks(ctx.bundle ?? {});
        if (chunks.length === 0) throw new Error('vite.config: no chunk for src/main.tsx (the boot entry must import it)');
        return chunks.map((c) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${c.fileName}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

export default defineConfig({
  root: here,
  // Relative asset paths: Electron loads index.html from file:// inside the asar.
  base: './',
  plugins: [react(), firstPaintChunks()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or eval: the CSP forbids them.
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        // react-dom (and its scheduler) in a chunk of its own, beside the app's: Chromium compiles
        // each preloaded script on its own background thread, and with the compile hint that
        // compile (not the fetch or the main thread) was what the first render waited for. Two
        // chunks compile in parallel: the app chunk is evaluated ~25 ms sooner (same-run A/B,
        // bench/notes/first-paint.md).
        manualChunks(id: string) {
          if (/[\\/]node_modules[\\/](react-dom|scheduler)[\\/]/.test(id)) return 'react-dom';
          return undefined;
        },
      },
    },
  },
});
