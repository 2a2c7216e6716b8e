/**
 * Headless Chromium for the browser tests: Debian's build, driven by
 * playwright-core, with the flags that keep it off the network (this
 * machine's closed network refuses its background connections). Each
 * launch takes a fresh --user-data-dir (launchPersistentContext's profile).
 *
 * @module
 */
import { type BrowserContext, chromium } from "playwright-core";

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

/** A Chromium context that closes itself and removes its profile at the end of its scope. */
export type Chromium = BrowserContext & AsyncDisposable;

/** What a test may add to {@linkcode launchChromium}'s defaults. */
export interface ChromiumOptions {
  /** More command-line flags, after {@linkcode CHROMIUM_FLAGS}. */
  args?: string[];
  viewport?: { width: number; height: number };
}

/**
 * Starts headless Chromium with a fresh profile and {@linkcode CHROMIUM_FLAGS};
 * `await using` closes it and removes the profile, also when the test fails.
 */
export async function launchChromium(options: ChromiumOptions = {}): Promise<Chromium> {
  const profile = await Deno.makeTempDir({ prefix: "eyrie-chromium-" });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_FLAGS, ...options.args ?? []],
      ...options.viewport === undefined ? {} : { viewport: options.viewport },
    });
  } catch (e) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw e;
  }
  return Object.assign(context, {
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  });
}
