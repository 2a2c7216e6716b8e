/**
 * Headless Chromium for the browser tests: Debian's build, driven by
 * playwright-core, with the flags that keep it off the network (this
 * machine's closed network refuses its background connections). Each
 * launch takes a fresh --user-data-dir (launchPersistentContext's profile).
 */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
