/**
 * Helpers for the audio tests: a running System with its HTTP API, the
 * audio ring read back, and GStreamer's own Opus decoder (libopus through
 * opusdec) as the judge of what eyrie encoded.
 */
import { System } from "../../../actors/system/mod.ts";
import { createApp } from "../../../ui/http/app.ts";
import type { ConnEnv } from "../../../ui/http/conn.ts";
import { checkConfig } from "../../../ui/config/mod.ts";
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import { RingReader } from "../../../actors/ring/mod.ts";
import { AUDIO_READER } from "../../../actors/system/rings.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";

const ENV: ConnEnv = {
  conn: { remote: { address: "127.0.0.1", port: 50000 }, secure: false, peer: null },
};

/** Polls `check` every 100 ms; a hang guard, not a speed goal. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface CameraJson {
  status: { state: string; cause?: string };
  audio: {
    state: string;
    source?: string;
    codec?: string;
    cause?: string;
    reason?: string;
    retry_at?: string;
  };
  actors: { id: string; state: string; restarts: number }[];
  stats: {
    encoder?: { accessUnits: number };
    audio?: { packets: number; bytes: number };
  };
}

/** A System with `cameras` (checked as config), its API, and a stop that removes its data. */
export async function startSystem(cameras: Record<string, unknown>[]) {
  const dir = await Deno.makeTempDir({ prefix: "audio-" });
  const config = checkConfig({
    data_dir: `${dir}/data`,
    console: { listen: "127.0.0.1:0" },
    recording: { enabled: false },
    camera: cameras.map((c) => ({
      width: 160,
      height: 120,
      fps: 10,
      encoder: "x264",
      detection: { motion: false },
      ...c,
    })),
  }, "");
  const system = await System.start({ config, log: () => {} });
  const app = createApp(system);
  const camera = async (id: string) => {
    const res = await app.fetch(new Request(`http://127.0.0.1:8080/api/cameras/${id}`), ENV);
    return await res.json() as CameraJson;
  };
  return {
    system,
    camera,
    async stop() {
      await system.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

export interface OpusPacket {
  bytes: Uint8Array;
  pts: number;
  durationNs: number;
  flags: number;
  format: number;
  aux: number;
}

/** Reads `n` packets the audio actor writes from now on (a probe reader of the ring). */
export async function readPackets(ring: SharedArrayBuffer, n: number): Promise<OpusPacket[]> {
  const reader = new RingReader(ring, AUDIO_READER.probe, { start: "latest" });
  const out: OpusPacket[] = [];
  const deadline = Date.now() + 20_000;
  try {
    while (out.length < n) {
      if (Date.now() > deadline) throw new Error(`Only ${out.length} of ${n} packets came`);
      if (await reader.wait(200) !== "ready") continue;
      while (reader.next() && out.length < n) {
        out.push({
          bytes: reader.view().slice(),
          pts: reader.pts,
          durationNs: reader.durationNs,
          flags: reader.flags,
          format: reader.format,
          aux: reader.aux,
        });
      }
    }
  } finally {
    reader.close();
  }
  return out;
}

/** Decodes Opus packets with GStreamer's opusdec into 48 kHz mono S16 samples. */
export function decodeOpus(packets: readonly OpusPacket[]): Int16Array {
  using p = Pipeline.parse(
    "appsrc name=src format=time caps=audio/x-opus,channel-mapping-family=0,channels=1,rate=48000 " +
      "! opusdec ! audioconvert ! audio/x-raw,format=S16LE,rate=48000,channels=1 " +
      "! appsink name=out sync=false",
  );
  p.setState("playing", { timeoutMs: 0 });
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  const chunks: Uint8Array[] = [];
  let t = 0;
  for (const packet of packets) {
    src.push(packet.bytes, { pts: t, duration: packet.durationNs });
    t += packet.durationNs;
  }
  src.endOfStream();
  for (;;) {
    const s = sink.pull({ timeoutMs: 2000 });
    if (s === null) break;
    const buf = new Uint8Array(s.size);
    s.copyTo(buf);
    chunks.push(buf);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new Int16Array(all.buffer, 0, total >> 1);
}

/**
 * The strongest frequency of `samples` (48 kHz) among 100–2000 Hz in 10 Hz
 * steps, by the Goertzel power of each: 440 for eyrie's test tone.
 */
export function dominantHz(samples: Int16Array): { hz: number; rms: number } {
  let best = { hz: 0, power: -1 };
  for (let hz = 100; hz <= 2000; hz += 10) {
    const k = 2 * Math.cos(2 * Math.PI * hz / 48_000);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < samples.length; i++) {
      const s0 = samples[i] + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - k * s1 * s2;
    if (power > best.power) best = { hz, power };
  }
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return { hz: best.hz, rms: Math.sqrt(sum / Math.max(1, samples.length)) };
}

export { FrameFlags, FrameFormat };
