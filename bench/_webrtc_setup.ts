// What the phases of bench/webrtc_bench.ts share: a camera's TOML and a fresh Chromium per phase.

import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/_chromium.ts";

export type Browser = Awaited<ReturnType<typeof chromium.launchPersistentContext>>;

/** A `[[camera]]` table from its fields. */
export function toml(cam: Record<string, unknown>): string {
  return "[[camera]]\n" +
    Object.entries(cam).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n") + "\n";
}

/** A fresh headless Chromium for one phase. */
export async function withBrowser<T>(fn: (b: Browser) => Promise<T>): Promise<T> {
  const profile = await Deno.makeTempDir({ prefix: "eyrie-bench-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
    await Deno.remove(profile, { recursive: true });
  }
}
