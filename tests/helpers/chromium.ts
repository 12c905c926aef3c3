/** Debian's Chromium, driven by playwright-core, with the switches every UI test and benchmark uses. */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.UOS_CHAT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}
