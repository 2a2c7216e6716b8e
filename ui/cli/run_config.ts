/**
 * The config `eyrie run` starts with, checked once for both `eyrie run` and
 * `eyrie config check`, so the two never disagree: the file's own checks
 * (ui/config, the console's exposure among them) and the state it will run
 * with (someone can sign in, ui/auth/exposure.ts), every problem at once.
 *
 * @module
 */
import type { Config } from "../../actors/defs.ts";
import { defaultConfig, loadConfig } from "../config/mod.ts";
import { signInIssues } from "../auth/exposure.ts";

/** Loads and checks `file` (or the defaults when none) as `eyrie run` runs it. Throws a ConfigError. */
export function loadRunConfig(file: string | undefined): Promise<Config> {
  if (file === undefined) return Promise.resolve(defaultConfig({ state: signInIssues }));
  return loadConfig(file, { state: signInIssues });
}
