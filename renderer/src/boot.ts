/**
 * The window's entry (index.html): starts the boot feed (subscribe, ask for the snapshot) the
 * moment this tiny chunk runs, then runs the app's chunk (main.tsx: React and the window), which
 * index.html preloads beside it, so its loading and compiling overlap the snapshot's round trip.
 */
import { startBootFeed } from './bootFeed';

performance.mark('chat:boot');
startBootFeed(window.chat);
import('./main').catch((err: unknown) => {
  // Nothing else could say it: the window would stay blank.
  document.body.textContent = `UOS Chat could not start its window: ${String(err)}`;
  throw err;
});

// ICU's first use in a renderer process (the time zone, calendar and locale data) costs 20-40 ms,
// once. The first render formats every row's time, so it used to pay that inside React's render.
// Here it runs while the app's chunk is still compiling off the main thread and the snapshot is
// on its way, which the main thread would otherwise spend waiting. The locale does not matter:
// after this, a formatter for either of ours takes under a millisecond (i18n/format.ts).
new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(0);
