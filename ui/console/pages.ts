/**
 * The console's pages, rendered once: static markup that the scripts fill
 * from the JSON API.
 *
 * @module
 */
import { page } from "./layout.ts";

/** `/`: every camera live, with stats, and the actor tree. */
export const LIVE_PAGE = page({
  path: "/",
  title: "Live",
  body: `<div id="cameras" class="grid"></div>
<h3>Actors</h3>
<div id="actors" class="card" style="padding:.5rem .75rem">loading…</div>
<div id="services-box" hidden>
<h3>Services</h3>
<div id="services" class="card" style="padding:.5rem .75rem"></div>
</div>
<p><button id="reload" type="button">Reload config</button> <span id="reload-result" class="status"></span></p>`,
  scripts: [
    "/assets/whep.js",
    "/assets/hls-player.js",
    "/assets/live-player.js",
    "/assets/talk.js",
    "/assets/tile.js",
    "/assets/live.js",
  ],
});

/** `/latency`: the glass-to-glass probe (cameras with `timecode = true`). */
export const LATENCY_PAGE = page({
  path: "/latency",
  title: "Latency",
  body: `<section class="card">
<h2>Glass to glass: <span id="camera">…</span> <small id="hint"></small></h2>
<video id="video" muted autoplay playsinline></video>
<div class="status" id="status"></div>
<div class="stats">
<div><span>p50</span><b class="big" id="p50">–</b></div>
<div><span>p95</span><b class="big" id="p95">–</b></div>
</div>
<div class="status" id="count"></div>
</section>
<p>Each frame carries its capture time (wall clock, ms) as a grid in its top-left corner; this
page reads it back from every frame the browser presents and subtracts it from the browser's
clock. Run the browser on the camera's machine, so both read one clock.</p>`,
  scripts: [
    "/assets/whep.js",
    "/assets/hls-player.js",
    "/assets/timecode.js",
    "/assets/latency.js",
  ],
});
