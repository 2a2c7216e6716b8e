/**
 * eyrie's config: TOML in, a validated {@linkcode Config} with defaults
 * out, or a {@linkcode ConfigError} naming each bad key and its line.
 * Reference: docs/config.md.
 *
 * @module
 */
export {
  checkConfig,
  type CheckOptions,
  defaultConfig,
  defaultDataDir,
  loadConfig,
  MAX_CONFIG_BYTES,
  parseConfig,
} from "./load.ts";
export { MAX_CAMERAS, QUALITY_PRESETS, TEST_PATTERNS } from "./camera.ts";
export { isLoopback, type ListenAddress, parseListen } from "./listen.ts";
export { keyLines, lineOf } from "./lines.ts";
export { type ConsoleExposure, exposureIssue, type StateCheck } from "./exposure.ts";
export type { ConfigIssue } from "./schema.ts";
