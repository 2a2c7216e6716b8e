/**
 * The recorder actor: reads access units from the AU ring (from a keyframe,
 * resyncing at keyframes when it falls behind) and hands them to the
 * {@linkcode Recorder}, which writes segment files. Events tell the main
 * thread what was written; it keeps the index.
 *
 * @module
 */
import { assertNever, FrameFlags, FrameFormat } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import type { RecorderProtocol } from "./protocol.ts";
import { Recorder } from "./recorder.ts";
import { MAX_OPUS_PACKET_BYTES } from "./audio_queue.ts";

const STATS_EVERY_MS = 1000;
/**
 * The loop drains the ring at most this often. Reason: waking for every
 * access unit (30 a second) costs more CPU than the muxing itself; ten
 * wake-ups a second keep what a crash can lose under 0.5 s (fragment) +
 * 0.1 s, and the ring holds ~17 s.
 */
const DRAIN_EVERY_MS = 100;
const CHECK_EVERY_MS = 200;
/** How long to wait for the encoder when its ring has no writer (it is restarting). */
const CLOSED_RING_WAIT_MS = 100;

runActor<RecorderProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let recorder: Recorder | undefined;
  let report = () => {};
  return {
    start(init, ctx) {
      const rec = new Recorder(init, { emit: ctx.emit, log: ctx.log });
      recorder = rec;
      const reader = new RingReader(init.au, init.reader, { start: "keyframe" });
      // The sound, read from its newest packet; none for a camera recorded without it.
      const audio = init.audio === undefined
        ? null
        : new RingReader(init.audio.ring, init.audio.reader, { start: "latest" });
      // What the camera's encoder writes: H.264 access units, or JPEG pictures.
      const format = init.camera.codec === "mjpeg" ? FrameFormat.JPEG : FrameFormat.H264;
      report = () => {
        rec.setRingDrops(reader.drops);
        ctx.emit({ type: "stats", stats: rec.stats() });
      };
      // One AU is copied out of the ring before use, so a torn read is never muxed.
      let scratch = new Uint8Array(1 << 16);
      const packet = new Uint8Array(MAX_OPUS_PACKET_BYTES);
      let lastCheck = 0;
      let lastStats = performance.now();
      let lastSchedule = 0;
      ctx.log.info("recording", {
        mode: init.camera.recording.mode,
        dir: init.dir,
        segment_s: init.segmentS,
        container: init.camera.recording.container,
      });
      /** Hands every access unit waiting in the ring to the recorder, the sound first. */
      const drain = () => {
        while (audio?.next()) {
          if (audio.format !== FrameFormat.OPUS || audio.size > packet.length) continue;
          // A torn packet is left out: the segment's sound gets a gap, never garbage.
          const n = audio.copyTo(packet);
          if (n <= 0) continue;
          rec.audioPacket(packet.subarray(0, n), {
            ptsNs: audio.pts,
            durationNs: audio.durationNs,
          });
        }
        while (reader.next()) {
          if (reader.format !== format) {
            rec.skip();
            continue;
          }
          // An AU never exceeds the ring's data area, which bounds this growth.
          if (reader.size > scratch.length) scratch = new Uint8Array(reader.size * 2);
          const n = reader.copyTo(scratch);
          if (n < 0) {
            rec.skip();
            continue;
          }
          rec.accessUnit(scratch.subarray(0, n), {
            ptsNs: reader.pts,
            keyframe: (reader.flags & FrameFlags.KEYFRAME) !== 0,
            config: (reader.flags & FrameFlags.CONFIG) !== 0,
            gap: reader.gap || (reader.flags & FrameFlags.DISCONT) !== 0,
            // The AU ring's aux word: pts − dts in µs (actors/camera/au_feed.ts).
            reorderNs: reader.aux * 1000,
          });
        }
      };
      loop = (async () => {
        let lastDrain = 0;
        while (running) {
          const idle = DRAIN_EVERY_MS - (performance.now() - lastDrain);
          if (idle > 0) await new Promise((r) => setTimeout(r, idle));
          const w = await reader.wait(100);
          if (w === "closed") await new Promise((r) => setTimeout(r, CLOSED_RING_WAIT_MS));
          lastDrain = performance.now();
          drain();
          const now = performance.now();
          if (now - lastCheck >= CHECK_EVERY_MS) {
            lastCheck = now;
            rec.check();
          }
          if (now - lastSchedule >= 1000) {
            lastSchedule = now;
            rec.refreshSchedule(new Date());
          }
          if (now - lastStats >= STATS_EVERY_MS) {
            lastStats = now;
            report();
          }
        }
        // Stopping: what is already in the ring still goes into the segment.
        drain();
      })().finally(async () => {
        reader.close();
        audio?.close();
        await rec.stop();
        report();
      });
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "trigger":
          recorder?.trigger(msg.atNs, msg.kind);
          return;
        case "pause":
          recorder?.setPaused(true);
          return;
        case "resume":
          recorder?.setPaused(false);
          return;
        case "disk":
          recorder?.setDiskFull(msg.cause);
          return;
        case "report":
          report();
          return;
        default:
          assertNever(msg);
      }
    },
    calls: {
      status: () => {
        if (recorder === undefined) {
          return Promise.reject(new Error("The recorder has not started"));
        }
        return Promise.resolve(recorder.stats());
      },
    },
  };
});
