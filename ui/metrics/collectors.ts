/**
 * What /metrics reports, one collector per area. A collector reads the
 * running system and adds families to the scrape; it runs on every scrape,
 * so it reads what is already there (latest stats, ring headers) and never
 * waits on an actor.
 *
 * To add an actor's metrics (recorder, rtp, viewer, detector…): write a
 * {@linkcode Collector} next to the actor, reading the stats its spec keeps
 * in `node.stats` (e.g. `node.stats.get("recorder")`), and append it to
 * {@linkcode METRIC_COLLECTORS} — or use {@linkcode statsMetric} for one
 * numeric field. Document each metric in docs/operations.md.
 *
 * @module
 */
import type { CameraRings, System } from "../../actors/system/mod.ts";
import { ringStats } from "../../actors/ring/mod.ts";
import type { CameraStats } from "../../actors/camera/protocol.ts";
import type { EncoderStats } from "../../actors/encoder/protocol.ts";
import { VERSION } from "../cli/version.ts";
import type { Scrape } from "./scrape.ts";
import { type EventLoopLag, processCpuSeconds } from "./process.ts";
import {
  detectorMetrics,
  packetizerMetrics,
  recordingMetrics,
  rtpOutputMetrics,
  viewerMetrics,
} from "./stream_collectors.ts";
import { forwardMetrics, webhookMetrics } from "./link_collectors.ts";
import { mqttMetrics, publishMetrics, rtspMetrics } from "./ecosystem_collectors.ts";
import type { MqttService } from "../mqtt/service.ts";

/** What a collector may read besides the system. */
export interface ScrapeContext {
  system: System;
  lag: EventLoopLag;
  /** What runs beside the system (`eyrie run` makes them). */
  services?: { mqtt: MqttService | null };
}

export type Collector = (scrape: Scrape, ctx: ScrapeContext) => void;

/**
 * One numeric field of an actor's latest stats, per camera, as a gauge or
 * counter labelled `camera`. Cameras whose actor has not reported (or does
 * not run) are left out. Example:
 *
 * ```ts
 * statsMetric(scrape, ctx.system, { actor: "recorder", field: "bytes",
 *   name: "eyrie_recording_bytes_total", type: "counter", help: "Bytes written to segments." });
 * ```
 */
export function statsMetric(
  scrape: Scrape,
  system: System,
  o: { actor: string; field: string; name: string; type: "gauge" | "counter"; help: string },
): void {
  const family = o.type === "gauge" ? scrape.gauge(o.name, o.help) : scrape.counter(o.name, o.help);
  for (const node of system.cameras.values()) {
    const stats = node.stats.get(o.actor) as Record<string, unknown> | undefined;
    const v = stats?.[o.field];
    if (typeof v === "number") family.set(v, { camera: node.id });
  }
}

const processMetrics: Collector = (s, { system, lag }) => {
  s.gauge("eyrie_build_info", "Always 1; the version eyrie runs as a label.")
    .set(1, { version: VERSION, deno: Deno.version.deno });
  s.gauge("eyrie_start_time_seconds", "When eyrie started, in Unix seconds.")
    .set(system.startedAt / 1000);
  const cpu = processCpuSeconds();
  if (cpu !== undefined) {
    s.counter("eyrie_process_cpu_seconds_total", "CPU time of the whole process (all threads).")
      .set(cpu);
  }
  s.gauge("eyrie_process_resident_memory_bytes", "Resident memory of the process.")
    .set(Deno.memoryUsage().rss);
  s.gauge(
    "eyrie_event_loop_lag_seconds",
    "Worst lateness of the main thread's event loop over the last 10 to 20 s.",
  ).set(lag.maxSeconds);
  const health = system.health();
  s.gauge("eyrie_healthy", "1 when /api/health is ok, 0 when it reports problems.")
    .set(health.status === "ok" ? 1 : 0);
  const free = s.gauge(
    "eyrie_disk_free_bytes",
    "Free space where eyrie writes (data, recordings).",
  );
  for (const d of health.disk) free.set(d.free_bytes, { path: d.path });
  s.gauge(
    "eyrie_disk_min_free_bytes",
    "The free-space floor (recording.min_free); 0 when recording is off.",
  ).set(health.disk[0]?.min_free_bytes ?? 0);
};

const supervisionMetrics: Collector = (s, { system }) => {
  const up = s.gauge("eyrie_actor_up", "1 when the actor or supervisor runs, else 0.");
  const restarts = s.counter(
    "eyrie_actor_restarts_total",
    "Restarts of the actor by its supervisor (from 0 again when a reload replaces it).",
  );
  for (const a of system.health().actors) {
    up.set(a.state === "running" ? 1 : 0, { actor: a.id });
    restarts.set(a.restarts, { actor: a.id });
  }
};

/** The camera states, each a series of eyrie_camera_state (bounded: these five). */
const CAMERA_STATES = ["live", "connecting", "offline", "restarting", "failed"] as const;

const cameraMetrics: Collector = (s, { system }) => {
  const up = s.gauge("eyrie_camera_up", "1 while the camera's frames flow (state live), else 0.");
  const state = s.gauge(
    "eyrie_camera_state",
    "1 for the camera's current state (live, connecting, offline, restarting, failed), 0 for the others.",
  );
  const down = s.gauge(
    "eyrie_camera_down_info",
    "Present while the camera is not live: its state and cause as labels, the value is always 1.",
  );
  const since = s.gauge(
    "eyrie_camera_state_since_seconds",
    "When the camera's source entered its current state (live, connecting, offline), Unix seconds.",
  );
  const actors = system.actors();
  for (const node of system.cameras.values()) {
    const st = system.cameraStatus(node.id, actors)!;
    up.set(st.state === "live" ? 1 : 0, { camera: node.id });
    for (const name of CAMERA_STATES) {
      state.set(st.state === name ? 1 : 0, { camera: node.id, state: name });
    }
    if (st.state !== "live") {
      down.set(1, { camera: node.id, state: st.state, cause: st.cause ?? "" });
    }
    if (st.since !== undefined) since.set(Date.parse(st.since) / 1000, { camera: node.id });
  }
  const fps = s.gauge("eyrie_camera_fps", "Frames per second the camera delivered, last second.");
  const frames = s.counter(
    "eyrie_camera_frames_total",
    "Frames captured since the camera started.",
  );
  for (const node of system.cameras.values()) {
    const c = node.stats.get("camera") as CameraStats | undefined;
    if (c === undefined) continue;
    fps.set(c.fps, { camera: node.id });
    frames.set(c.frames, { camera: node.id });
  }
};

const encoderMetrics: Collector = (s, { system }) => {
  const info = s.gauge("eyrie_encoder_info", "Always 1; the encoder element in use as labels.");
  const fps = s.gauge(
    "eyrie_encoder_fps",
    "Access units per second out of the encoder, last second.",
  );
  const aus = s.counter("eyrie_encoder_access_units_total", "Access units encoded.");
  const keys = s.counter("eyrie_encoder_keyframes_total", "Keyframes encoded.");
  const bitrate = s.gauge(
    "eyrie_encoder_bitrate_bytes_per_second",
    "Measured output rate (bytes; Prometheus base unit).",
  );
  const target = s.gauge(
    "eyrie_encoder_target_bitrate_bytes_per_second",
    "Rate asked of it (bytes).",
  );
  const dropped = s.counter(
    "eyrie_encoder_dropped_frames_total",
    "Raw frames lost before encoding (overrun, skipped to stay live, torn).",
  );
  const p50 = s.gauge("eyrie_encoder_latency_p50_seconds", "Frame in to access unit out, median.");
  const p95 = s.gauge(
    "eyrie_encoder_latency_p95_seconds",
    "Frame in to access unit out, 95th pct.",
  );
  const fallbacks = s.counter("eyrie_encoder_fallbacks_total", "Hardware encoders given up.");
  for (const node of system.cameras.values()) {
    const e = node.stats.get("encoder") as EncoderStats | undefined;
    if (e === undefined) continue;
    const camera = node.id;
    info.set(1, { camera, element: e.element, hardware: String(e.hardware) });
    fps.set(e.fps, { camera });
    aus.set(e.accessUnits, { camera });
    keys.set(e.keyframes, { camera });
    bitrate.set(e.bitrateKbps * 1000 / 8, { camera });
    target.set(e.targetKbps * 1000 / 8, { camera });
    dropped.set(e.dropped, { camera });
    p50.set(e.latencyP50Ms / 1000, { camera });
    p95.set(e.latencyP95Ms / 1000, { camera });
    fallbacks.set(e.fallbacks, { camera });
  }
};

/** Reader names per ring, by the fixed indexes of actors/system/rings.ts. */
const READER_NAMES: Record<keyof CameraRings, Record<number, string>> = {
  raw: { 0: "encoder", 3: "sub_encoder" },
  small: { 0: "detector" },
  au: { 0: "packetizer", 1: "recorder", 2: "snapshot", 3: "tls_sender", 7: "viewer_packetizer" },
  viewerAu: { 7: "viewer_packetizer" },
  viewerRtp: { 8: "viewer" },
  subAu: { 0: "sub_packetizer" },
  subRtp: { 8: "viewer" },
  rtp: {
    0: "rtp0",
    1: "rtp1",
    2: "rtp2",
    3: "rtp3",
    4: "rtp4",
    5: "rtp5",
    6: "rtp6",
    7: "rtp7",
    8: "viewer",
    9: "rtsp",
    10: "publish0",
    11: "publish1",
    12: "publish2",
    13: "publish3",
  },
  audio: { 0: "viewer", 1: "rtsp", 2: "recorder", 15: "probe" },
  audioRtp: { 9: "rtsp", 15: "probe" },
};

function readerName(ring: keyof CameraRings, index: number): string {
  return READER_NAMES[ring][index] ??
    (ring === "rtp" && index >= 8
      ? `viewer${index - 8}`
      : ring === "audio" && index >= 3
      ? `rtp${index - 3}`
      : ring === "audioRtp" && index < 8
      ? `rtp${index}`
      : `${index}`);
}

const ringMetrics: Collector = (s, { system }) => {
  const written = s.counter("eyrie_ring_written_total", "Entries the ring's writer committed.");
  const available = s.gauge("eyrie_ring_available_entries", "Entries still intact in the ring.");
  const capacity = s.gauge("eyrie_ring_capacity_entries", "Entries the ring can hold.");
  const lag = s.gauge(
    "eyrie_ring_reader_lag_entries",
    "Entries committed that the reader has not taken.",
  );
  const drops = s.counter("eyrie_ring_reader_drops_total", "Entries the reader lost to overruns.");
  const gaps = s.counter("eyrie_ring_reader_gaps_total", "Times the reader had to resync.");
  for (const node of system.cameras.values()) {
    for (const ring of Object.keys(node.rings) as (keyof CameraRings)[]) {
      const sab = node.rings[ring];
      if (sab === undefined) continue;
      const st = ringStats(sab);
      const labels = { camera: node.id, ring };
      written.set(st.written, labels);
      available.set(st.available, labels);
      capacity.set(st.entries, labels);
      for (const r of st.readers) {
        const rl = { ...labels, reader: readerName(ring, r.index) };
        lag.set(r.lag, rl);
        drops.set(r.drops, rl);
        gaps.set(r.gaps, rl);
      }
    }
  }
};

/** Every collector, in the order their families appear. Append yours (see the module doc). */
export const METRIC_COLLECTORS: Collector[] = [
  processMetrics,
  supervisionMetrics,
  cameraMetrics,
  encoderMetrics,
  ringMetrics,
  packetizerMetrics,
  rtpOutputMetrics,
  forwardMetrics,
  viewerMetrics,
  detectorMetrics,
  webhookMetrics,
  recordingMetrics,
  rtspMetrics,
  mqttMetrics,
  publishMetrics,
];
