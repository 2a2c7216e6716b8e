/**
 * Run inside a network namespace of its own (`unshare -n`) by faults_test.ts:
 * a camera subtree whose RTP outputs go where that namespace has no route.
 * Prints the outputs' stats as one JSON line once each has failed twice
 * (so a retry happened), with the warnings logged, then exits.
 */
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { packetizerChild } from "../../../actors/packetizer/spec.ts";
import { rtpOutputsChild } from "../../../actors/rtp_output/spec.ts";
import type { RtpOutputStats } from "../../../actors/rtp_output/protocol.ts";
import { cameraConfig, startTree, until } from "../_camera_tree.ts";

const rtp = JSON.parse(Deno.args[0]) as Record<string, unknown>[];
await using tree = await startTree(
  cameraConfig({ source: "test", width: 160, height: 120, fps: 15, codec: "mjpeg", rtp }),
  [cameraChild, encoderChild, packetizerChild, rtpOutputsChild],
);
const stats = () => rtp.map((_, i) => tree.node.stats.get(`rtp[${i}]`) as RtpOutputStats);
await until(
  "every output offline after a retry",
  () => stats().every((s) => s?.tries >= 2),
  30_000,
);
console.log(JSON.stringify({
  stats: stats(),
  warnings: tree.logs.filter((l) => l.level === "warn").map((l) => ({ msg: l.msg, ...l.fields })),
  restarts: tree.events.filter((e) => e.type === "restarting").length,
}));
