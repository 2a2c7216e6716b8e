/** RTP output actors in a real camera subtree, sending to sockets on 127.0.0.1 (and a 239.x group on lo). */
import assert from "node:assert/strict";
import { UdpSocket } from "../../../ffi/net/mod.ts";
import {
  H264Depacketizer,
  parseRtcp,
  parseRtpHeader,
  rtpToUnixMs,
  serializeRtcp,
  unixMsFromNtp,
} from "../../../transports/rtp/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { packetizerChild } from "../../../actors/packetizer/spec.ts";
import { rtpOutputsChild } from "../../../actors/rtp_output/spec.ts";
import type { RtpOutputStats } from "../../../actors/rtp_output/protocol.ts";
import { cameraConfig, startTree, until } from "../_camera_tree.ts";
import { bindRtpPair, collect, type Datagram } from "./_udp.ts";

const GROUP = "239.255.77.1";

function loopbackMulticast(): string {
  try {
    using s = UdpSocket.open({ family: 4, reuseAddress: true });
    s.joinGroup(GROUP, "lo");
    return "";
  } catch (error) {
    return `cannot join ${GROUP} on lo: ${(error as Error).message}`;
  }
}

/** Depacketizes `packets` in order; returns frames (with keyframe flags) and drops. */
function depacketize(packets: Datagram[]): { keyframes: boolean[]; dropped: number } {
  const d = new H264Depacketizer();
  const keyframes: boolean[] = [];
  let dropped = 0;
  for (const p of packets) {
    for (let r = d.push(p.bytes); r.kind !== "more"; r = d.pull()) {
      if (r.kind === "frame") keyframes.push(r.keyframe);
      else dropped++;
    }
  }
  return { keyframes, dropped };
}

function rtpStats(stats: Map<string, unknown>, output: number): RtpOutputStats | undefined {
  return stats.get(`rtp[${output}]`) as RtpOutputStats | undefined;
}

const noMulticast = loopbackMulticast();

Deno.test("RTP outputs send every packet marked with their DSCP, report on port + 1 with a true clock mapping, and turn a PLI into a keyframe", async () => {
  using unicast = bindRtpPair();
  using member = UdpSocket.open({ family: 4, reuseAddress: true, receiveBufferBytes: 4 << 20 });
  if (noMulticast === "") member.joinGroup(GROUP, "lo");
  const rtp: Record<string, unknown>[] = [{ host: "127.0.0.1", port: unicast.port, dscp: 46 }];
  if (noMulticast === "") {
    rtp.push({ host: GROUP, port: member.local.port, dscp: 34, ttl: 1, multicast_interface: "lo" });
  }
  await using tree = await startTree(
    cameraConfig({
      source: "test",
      pattern: "ball",
      width: 160,
      height: 120,
      fps: 30,
      encoder: "x264",
      gop: 600, // 20 s between keyframes unless someone asks
      rtp,
    }),
    [cameraChild, encoderChild, packetizerChild, rtpOutputsChild],
  );
  const ssrc = tree.node.rtp.ssrc;

  // A second of video, and the sender report that comes with the first packets.
  const [packets, rtcp] = await Promise.all([
    collect(unicast.rtp, (got) => got.length > 0 && got.at(-1)!.atMs - got[0].atMs > 1000, 15_000),
    collect(unicast.rtcp, (got) => got.length > 0, 15_000),
  ]);
  assert.ok(packets.length > 30, `${packets.length} packets`);
  for (const p of packets) assert.equal(p.tos, 46 << 2, "DSCP 46 in every RTP packet");
  let seq = parseRtpHeader(packets[0].bytes).sequenceNumber;
  for (const p of packets.slice(1)) {
    const h = parseRtpHeader(p.bytes);
    assert.equal(h.ssrc, ssrc);
    assert.equal(h.sequenceNumber, (seq + 1) & 0xffff, "no packet lost on loopback");
    seq = h.sequenceNumber;
  }
  const { keyframes, dropped } = depacketize(packets);
  assert.equal(dropped, 0);
  assert.equal(keyframes[0], true, "the stream starts at a keyframe");

  const [sr, sdes] = parseRtcp(rtcp[0].bytes);
  assert.ok(sr.type === "sr" && sdes.type === "sdes");
  assert.equal(sr.ssrc, ssrc);
  assert.equal(rtcp[0].tos, 46 << 2, "RTCP is marked too");
  // The SR ties the stream's clock to wall-clock time: mapped through it, each packet was
  // captured before it arrived, and less than the 2 s an output lets a packet age (plus slack).
  // (Same clock in both processes: timeOrigin + performance.now(); 50 ms for their skew.)
  for (const p of packets) {
    const captured = rtpToUnixMs(parseRtpHeader(p.bytes).timestamp, sr);
    const arrived = performance.timeOrigin + p.atMs;
    assert.ok(captured <= arrived + 50, `captured ${captured - arrived} ms after it arrived`);
    assert.ok(arrived - captured < 2500, `captured ${arrived - captured} ms before it arrived`);
  }
  const srSent = unixMsFromNtp({ seconds: sr.ntpSeconds, fraction: sr.ntpFraction });
  const srArrived = performance.timeOrigin + rtcp[0].atMs;
  assert.ok(
    srSent <= srArrived + 50 && srArrived - srSent < 1000,
    "the SR's NTP time is its send time",
  );

  // A receiver report and a PLI back to where the SR came from.
  const reporter = 0x0bad_cafe;
  const back = unicast.rtcp.target(rtcp[0].from.address, rtcp[0].from.port);
  const feedback = serializeRtcp([
    {
      type: "rr",
      ssrc: reporter,
      reports: [{
        ssrc,
        fractionLost: 0,
        cumulativeLost: 0,
        extendedHighestSeq: seq,
        jitter: 180,
        lastSr: 0,
        delaySinceLastSr: 0,
      }],
    },
    { type: "pli", senderSsrc: reporter, mediaSsrc: ssrc },
  ]);
  assert.equal(unicast.rtcp.send(feedback, feedback.length, back), 0);
  const afterPli = await collect(
    unicast.rtp,
    (got) => depacketize(got).keyframes.includes(true),
    5000,
  );
  assert.ok(
    depacketize(afterPli).keyframes.includes(true),
    "a keyframe within 5 s of the PLI (the GOP is 20 s)",
  );
  await until("the report in the stats", () => {
    const s = rtpStats(tree.node.stats, 0);
    return s !== undefined && s.receivers.length === 1 && s.keyframeRequests === 1;
  }, 5000);
  const stats = rtpStats(tree.node.stats, 0)!;
  assert.deepEqual(stats.receivers, [{
    ssrc: reporter,
    fractionLost: 0,
    cumulativeLost: 0,
    jitterMs: 2,
    rttMs: null,
  }]);
  assert.equal(stats.destination, `127.0.0.1:${unicast.port}`);
  assert.equal(stats.rtcpPort, rtcp[0].from.port);
  assert.equal(stats.sendErrors, 0);
  assert.ok(stats.packets >= packets.length && stats.frames > 0 && stats.bitrateKbps > 0);

  if (noMulticast === "") {
    const group = await collect(member, (got) => got.length >= 20, 5000);
    assert.ok(group.length >= 20, `${group.length} packets from the group`);
    for (const p of group) {
      assert.equal(p.ttl, 1, "multicast TTL 1");
      assert.equal(p.tos, 34 << 2, "DSCP 34");
      assert.equal(parseRtpHeader(p.bytes).ssrc, ssrc, "one SSRC per stream, every output");
    }
    assert.equal(rtpStats(tree.node.stats, 1)?.multicast, true);
  } else {
    console.log(`multicast part skipped: ${noMulticast}`);
  }
});
