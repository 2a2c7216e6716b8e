/**
 * The web console's pages and assets, as text in TS modules so a compiled
 * binary serves them without reading the source tree. No build step: the
 * browser runs the scripts as written.
 *
 * @module
 */
import { HLS_JS, HLS_PLAYER_JS } from "./hls_js.ts";
import { LATENCY_JS } from "./latency_js.ts";
import { LIVE_JS } from "./live_js.ts";
import { LIVE_PLAYER_JS } from "./live_player_js.ts";
import { LATENCY_PAGE, LIVE_PAGE } from "./pages.ts";
import { STYLE_CSS } from "./style.ts";
import { NAV_CSS, NAV_JS } from "./nav.ts";
import { TIMECODE_JS } from "./timecode_js.ts";
import { TILE_JS } from "./tile_js.ts";
import { TALK_JS } from "./talk_js.ts";
import { WHEP_JS } from "./whep_js.ts";

export { FAVICON_SVG, NAV } from "./nav.ts";
export { TIMECODE_JS } from "./timecode_js.ts";

/** A file the console serves. */
export interface Asset {
  type: string;
  body: string;
}

const JS = "text/javascript; charset=utf-8";

/** Pages by path. */
export const PAGES: Readonly<Record<string, Asset>> = {
  "/": { type: "text/html; charset=utf-8", body: LIVE_PAGE },
  "/latency": { type: "text/html; charset=utf-8", body: LATENCY_PAGE },
};

/** Assets by name under /assets/. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "console.css": { type: "text/css; charset=utf-8", body: STYLE_CSS + NAV_CSS },
  "nav.js": { type: JS, body: NAV_JS },
  "whep.js": { type: JS, body: WHEP_JS },
  "live.js": { type: JS, body: LIVE_JS },
  "tile.js": { type: JS, body: TILE_JS },
  "talk.js": { type: JS, body: TALK_JS },
  "timecode.js": { type: JS, body: TIMECODE_JS },
  "latency.js": { type: JS, body: LATENCY_JS },
  "hls.js": { type: JS, body: HLS_JS },
  "hls-player.js": { type: JS, body: HLS_PLAYER_JS },
  "live-player.js": { type: JS, body: LIVE_PLAYER_JS },
};
