/** The link metrics (RTP outputs, forwards, webhooks) from stats as the actors report them. */
import assert from "node:assert/strict";
import type { System } from "../../../actors/system/mod.ts";
import { type Collector, Scrape } from "../../../ui/metrics/mod.ts";
import { forwardMetrics, webhookMetrics } from "../../../ui/metrics/link_collectors.ts";
import { rtpOutputMetrics } from "../../../ui/metrics/stream_collectors.ts";
import type { EventLoopLag } from "../../../ui/metrics/process.ts";
import { parseExposition } from "./_exposition.ts";

const offline = { state: "offline", since: 1, cause: "x", retryAt: 2, tries: 3 };
const up = { state: "up", since: 1, cause: null, retryAt: null, tries: 0 };

/** A system with one camera whose actors reported `stats`. */
function system(stats: Record<string, unknown>): System {
  return {
    cameras: new Map([["front", { id: "front", stats: new Map(Object.entries(stats)) }]]),
  } as unknown as System;
}

function scrape(collector: Collector, sys: System) {
  const s = new Scrape();
  collector(s, { system: sys, lag: {} as EventLoopLag });
  return parseExposition(s.render());
}

Deno.test("RTP outputs: up, outages, and the kind of fault as a bounded label while offline", () => {
  const base = { packets: 1, bytes: 2, sendErrors: 3, bitrateKbps: 4, multicast: false };
  const m = scrape(
    rtpOutputMetrics,
    system({
      "rtp[0]": {
        ...base,
        ...up,
        output: 0,
        destination: "10.0.0.1:5004",
        reason: null,
        outages: 0,
      },
      "rtp[1]": {
        ...base,
        ...offline,
        output: 1,
        destination: "127.0.0.1:5006",
        reason: "refused",
        outages: 2,
      },
    }),
  );
  assert.deepEqual(m.get("eyrie_rtp_output_up")!.samples.map((s) => [s.labels.output, s.value]), [
    ["0", 1],
    ["1", 0],
  ]);
  assert.deepEqual(m.get("eyrie_rtp_output_offline")!.samples.map((s) => s.labels), [
    { camera: "front", output: "1", reason: "refused" },
  ]);
  assert.equal(m.get("eyrie_rtp_output_outages_total")!.samples[1].value, 2);
});

Deno.test("forwards and webhooks: up or not, with their counts, webhooks by index (a URL may hold a token)", () => {
  const sys = system({
    "forward[0]": { ...offline, to: "hub:7443", outages: 1, sent: 10 },
    detector: {
      webhooks: [
        { ...up, url: "https://h/?token=secret", sent: 5, failed: 1, dropped: 0 },
        { ...offline, url: "https://x/", sent: 0, failed: 2, dropped: 7 },
      ],
    },
  });
  const f = scrape(forwardMetrics, sys);
  assert.deepEqual(f.get("eyrie_forward_up")!.samples[0], {
    name: "eyrie_forward_up",
    labels: { camera: "front", forward: "0", to: "hub:7443" },
    value: 0,
  });
  assert.equal(f.get("eyrie_forward_sent_access_units_total")!.samples[0].value, 10);
  const w = scrape(webhookMetrics, sys);
  assert.deepEqual(w.get("eyrie_webhook_up")!.samples.map((s) => [s.labels, s.value]), [
    [{ camera: "front", webhook: "0" }, 1],
    [{ camera: "front", webhook: "1" }, 0],
  ]);
  assert.equal(w.get("eyrie_webhook_dropped_total")!.samples[1].value, 7);
  assert.ok(!JSON.stringify([...w.values()]).includes("secret"));
});
