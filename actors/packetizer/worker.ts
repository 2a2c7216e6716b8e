/**
 * The packetizer actor: packetizes each access unit once (RFC 6184 H.264 or
 * RFC 2435 JPEG) into the RTP ring that every UDP output and WebRTC viewer
 * reads. A restart continues the RTP sequence where the ring left off.
 *
 * @module
 */
import { FrameFlags } from "../defs.ts";
import { RingReader, RingWriter } from "../ring/mod.ts";
import { isWatched, viewersEncoded, waitWatched } from "../camera/stream_mode.ts";
import { runActor } from "../runtime/worker.ts";
import {
  findParameterSets,
  H264Payloader,
  JpegPayloader,
  parseRtpHeader,
  type Payloader,
  randomInitialSequence,
  RtpClock,
  RtpPacketizer,
  RtpSequencer,
} from "../../transports/rtp/mod.ts";
import type { PacketizerProtocol, PacketizerStats } from "./protocol.ts";
import { RingPacketTarget } from "./ring_target.ts";

const STATS_EVERY_MS = 1000;

/** The sequence number after the last packet already in the ring, so a restart does not repeat one. */
function nextSequence(rtp: SharedArrayBuffer): number {
  const r = new RingReader(rtp, 15, { start: "latest" });
  try {
    if (r.next()) {
      const seq = parseRtpHeader(r.view()).sequenceNumber;
      if (r.valid()) return (seq + 1) & 0xffff;
    }
  } catch {
    // Not a packet we can read: start afresh.
  } finally {
    r.close();
  }
  return randomInitialSequence();
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

runActor<PacketizerProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let report = () => {};
  return {
    start(init, ctx) {
      const payloader: Payloader = init.codec === "h264"
        ? new H264Payloader({ mtu: init.mtu })
        : new JpegPayloader({ mtu: init.mtu });
      const packetizer = new RtpPacketizer(payloader, {
        payloadType: init.payloadType,
        ssrc: init.ssrc,
        sequencer: new RtpSequencer({ initial: nextSequence(init.rtp) }),
        clock: new RtpClock({ offset: init.timestampOffset, source: "pts" }),
      });
      let reader = new RingReader(init.au, init.reader, { start: "keyframe" });
      // The viewer packetizer follows the camera: the main stream, or eyrie's encode for viewers.
      const viewers = init.viewers;
      let fromViewerRing = false;
      const follow = () => {
        if (viewers === undefined) return;
        const want = viewersEncoded(viewers.mode);
        if (want === fromViewerRing) return;
        fromViewerRing = want;
        reader.close();
        reader = new RingReader(want ? viewers.viewerAu : init.au, init.reader, {
          start: "keyframe",
        });
        discont = true;
      };
      const writer = new RingWriter(init.rtp);
      const target = new RingPacketTarget(writer);
      const stats: PacketizerStats = {
        accessUnits: 0,
        packets: 0,
        bytes: 0,
        dropped: 0,
        rejected: 0,
      };
      const frame: { data: Uint8Array; ptsNs: number; captureNs: number } = {
        data: new Uint8Array(0),
        ptsNs: 0,
        captureNs: 0,
      };
      let sentParameters = false;
      report = () => {
        stats.packets = target.packets;
        stats.bytes = target.bytes;
        stats.dropped = reader.drops;
        ctx.emit({ type: "stats", stats: { ...stats } });
      };
      let discont = true;
      let lastReport = performance.now();
      loop = (async () => {
        try {
          while (running) {
            follow();
            if (viewers !== undefined && !isWatched(viewers.mode)) {
              // Nobody watches over WebRTC: nothing to packetize for them, and no reason to wake
              // for every access unit (bench/README.md#passthrough). The first viewer wakes this
              // at once, and packetizing starts again at the newest keyframe.
              await waitWatched(viewers.mode, 250);
              if (isWatched(viewers.mode)) {
                reader.close();
                reader = new RingReader(fromViewerRing ? viewers.viewerAu : init.au, init.reader, {
                  start: "keyframe",
                });
                discont = true;
              }
            } else if ((await reader.wait(100)) === "ready") {
              while (reader.next()) {
                if (viewers !== undefined && !isWatched(viewers.mode)) {
                  discont = true;
                  continue;
                }
                const key = (reader.flags & FrameFlags.KEYFRAME) !== 0;
                // The AU is read in place; if the encoder overwrote it meanwhile, its packets
                // are already out, so check first and packetize only intact bytes.
                frame.data = reader.view();
                frame.ptsNs = reader.pts;
                frame.captureNs = reader.captureNs;
                if (!reader.valid()) continue;
                target.frame(reader.pts, reader.captureNs, key, discont || reader.gap);
                target.rtpTimestamp = packetizer.clock.timestamp(frame);
                try {
                  packetizer.packetize(frame, target);
                } catch (error) {
                  stats.rejected++;
                  ctx.log.warn("access unit refused", { error: (error as Error).message });
                  continue;
                }
                discont = false;
                stats.accessUnits++;
                if (!sentParameters && key && init.codec === "h264") {
                  const ps = findParameterSets(frame.data);
                  if (ps !== null) {
                    sentParameters = true;
                    const hex = (n: number) => n.toString(16).padStart(2, "0");
                    ctx.emit({
                      type: "parameters",
                      parameters: {
                        sps: base64(ps.sps),
                        pps: base64(ps.pps),
                        profileLevelId: `${hex(ps.sps[1])}${hex(ps.sps[2])}${hex(ps.sps[3])}`,
                      },
                    });
                  }
                }
              }
            }
            const now = performance.now();
            if (now - lastReport >= STATS_EVERY_MS) {
              lastReport = now;
              report();
            }
          }
        } finally {
          reader.close();
          writer.close();
        }
      })();
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {},
  };
});
