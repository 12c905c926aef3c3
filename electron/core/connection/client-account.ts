/**
 * Which account's stores the ChatClient uses, and switching them when the server or
 * token changes. While a switch is under way nothing connects and nothing is queued
 * (ChatClient waits on `switching`), so a message is never sent to, or written for,
 * an account other than its own.
 */
import type { Account, AccountRef, AccountStores, Leftover } from '../store/accounts';
import type { AccountView } from './client-config';
import type { OpenedHistory } from '../store/history-store';
import type { OutboxStore } from '../store/outbox';

/** What opening an account changes in the client (ChatClient passes these on to the timeline and delivery). */
export interface AccountTargets {
  /** Before another account opens: the outbox saved, the history store closed (its directory may be renamed). */
  release(): Promise<void>;
  useHistory(opened: OpenedHistory): void;
  /** Undefined: the client's one outbox (no accounts). */
  useOutbox(store: OutboxStore | undefined): Promise<void>;
  announce(view: AccountView): void;
}

export class AccountSession {
  private account: Account | undefined;
  /** Set while another account's stores are being opened. */
  switching: Promise<void> | undefined;

  constructor(
    private readonly stores: AccountStores | undefined,
    private readonly targets: AccountTargets,
  ) {}

  get key(): string | undefined {
    return this.account?.key;
  }

  /** The open account's directory (undefined without per-account stores): its queued uploads live there too. */
  get dir(): string | undefined {
    return this.account?.dir;
  }

  /** The open account as announced (undefined until the first open is done): a listener that came late reads it here. */
  get view(): AccountView | undefined {
    const a = this.account;
    return a && { key: a.key, server: a.server, identity: a.identity, room: a.room };
  }

  get perAccount(): boolean {
    return this.stores !== undefined;
  }

  /** The configuration names another account than the one in use. */
  changed(ref: AccountRef): boolean {
    return this.stores !== undefined && this.stores.resolve(ref).key !== this.account?.key;
  }

  /** Opens the account of `ref` (after any switch under way); `switching` is set until it is done. */
  open(ref: AccountRef): Promise<void> {
    const switching = (this.switching ?? Promise.resolve()).then(() => this.openNow(ref));
    this.switching = switching;
    const done = () => {
      if (this.switching === switching) this.switching = undefined;
    };
    switching.then(done, done);
    return switching;
  }

  identified(ref: AccountRef, user: string): void {
    this.stores?.identified(ref, user);
  }

  /** Other accounts with messages still waiting (they go out when that account is used again). */
  leftovers(): Promise<Leftover[]> {
    return this.stores && this.account ? this.stores.leftovers(this.account.key) : Promise.resolve([]);
  }

  /** Deletes what waits for another account (never the current one); resolves with how many. */
  discard(key: string): Promise<number> {
    return !this.stores || key === this.account?.key ? Promise.resolve(0) : this.stores.discard(key);
  }

  private async openNow(ref: AccountRef): Promise<void> {
    if (!this.stores) return this.targets.useOutbox(undefined);
    const account = this.stores.resolve(ref);
    await this.targets.release();
    const opened = await this.stores.open(account);
    this.account = account;
    this.targets.useHistory(opened.history);
    await this.targets.useOutbox(opened.outbox);
    this.targets.announce(this.view!);
  }
}
