// Run by the entry, boot.ts, once it has asked for the snapshot (see bootFeed.ts).
import { StrictMode, useLayoutEffect, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ChatContext } from './AppContext';
import { bootSettled } from './bootFeed';

performance.mark('chat:modules-evaluated');

/**
 * How long the first render waits for the snapshot before showing the window without it
 * ("Loading…"): main answers from memory or the history store in a few milliseconds, but a
 * window must not stay blank because main is slow.
 */
const SNAPSHOT_WAIT_MS = 300;

/** Marks the end of React's first commit (a parent's layout effect runs after its children's). */
function FirstCommit({ children }: { children: ReactNode }) {
  useLayoutEffect(() => {
    performance.mark('chat:first-commit');
    // The settings dialog's chunk (lazy in App.tsx), once the window is idle after its first
    // paint: the first click on the gear then finds it loaded. A failure here is retried by
    // the lazy import on open.
    requestIdleCallback(() => void import('./SettingsDialog').catch(() => {}), { timeout: 3000 });
  }, []);
  return children;
}

function mount(): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  performance.mark('chat:mount');
  createRoot(root).render(
    <StrictMode>
      <FirstCommit>
        {/* The one place the window's chat API global is read for React (boot.ts reads it for the boot feed). */}
        <ChatContext.Provider value={window.chat}>
          <App />
        </ChatContext.Provider>
      </FirstCommit>
    </StrictMode>,
  );
}

// One render with the newest page in it, rather than an empty log painted first and the rows a
// frame later.
let mounted = false;
const once = () => {
  if (mounted) return;
  mounted = true;
  mount();
};
const waitCap = setTimeout(once, SNAPSHOT_WAIT_MS);
void bootSettled().then(() => {
  clearTimeout(waitCap);
  once();
});
