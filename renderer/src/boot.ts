/**
 * Side effect only: starts the boot feed (subscribe, ask for the snapshot) the moment the
 * bundle starts evaluating. main.tsx imports this first, ahead of React.
 */
import { startBootFeed } from './bootFeed';

performance.mark('chat:boot');
startBootFeed();
