/**
 * The window's entry (index.html): starts the boot feed (subscribe, ask for the snapshot) the
 * moment this tiny chunk runs, then runs the app's chunk (main.tsx: React and the window), which
 * index.html preloads beside it, so its loading and compiling overlap the snapshot's round trip.
 */
import { startBootFeed } from './bootFeed';

performance.mark('chat:boot');
startBootFeed();
import('./main').catch((err: unknown) => {
  // Nothing else could say it: the window would stay blank.
  document.body.textContent = `UOS Chat could not start its window: ${String(err)}`;
  throw err;
});
