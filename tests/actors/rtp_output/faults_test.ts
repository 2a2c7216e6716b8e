/**
 * RTP destinations that fail, in a real camera subtree: each is a state
 * with its cause (refused, blocked, unresolved, no route), retried with
 * capped backoff and up again by itself; nothing crashes or restarts, and
 * the packetizer never waits. Route faults run in a network namespace of
 * their own (root only), so the host's routes are never touched.
 */
import assert from "node:assert/strict";
import { UdpSocket } from "../../../ffi/net/mod.ts";
import { H264Depacketizer } from "../../../transports/rtp/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { packetizerChild } from "../../../actors/packetizer/spec.ts";
import { rtpOutputsChild } from "../../../actors/rtp_output/spec.ts";
import type { RtpOutputStats } from "../../../actors/rtp_output/protocol.ts";
import type { PacketizerStats } from "../../../actors/packetizer/protocol.ts";
import { cameraConfig, startTree, until } from "../_camera_tree.ts";
import { collect, freeRtpPort } from "./_udp.ts";

function rtpStats(stats: Map<string, unknown>, output: number): RtpOutputStats | undefined {
  return stats.get(`rtp[${output}]`) as RtpOutputStats | undefined;
}

const OUTSIDE_RESTARTS = (events: { type: string }[]) =>
  events.filter((e) => e.type === "child_exited" || e.type === "restarting").length;

Deno.test("an RTP destination whose port is closed is offline with the cause, and up again by itself once a receiver listens", async () => {
  const port = freeRtpPort();
  await using tree = await startTree(
    cameraConfig({
      source: "test",
      width: 160,
      height: 120,
      fps: 30,
      encoder: "x264",
      gop: 600, // keyframes only on request: the recovery must ask for one
      rtp: [{ host: "127.0.0.1", port }],
    }),
    [cameraChild, encoderChild, packetizerChild, rtpOutputsChild],
  );
  await until("the output offline after a retry", () => {
    const s = rtpStats(tree.node.stats, 0);
    return s?.state === "offline" && s.tries >= 2;
  });
  const down = rtpStats(tree.node.stats, 0)!;
  assert.equal(
    down.cause,
    `connection refused by 127.0.0.1:${port} (nothing listens on that port)`,
  );
  assert.equal(down.reason, "refused");
  assert.ok(down.retryAt! > down.since, "the next try is in the future of the outage");
  assert.equal(down.outages, 1);

  // A receiver comes: the next try finds it, and the stream starts at a keyframe.
  using rx = UdpSocket.open({
    family: 4,
    bind: { address: "127.0.0.1", port },
    receiveBufferBytes: 4 << 20,
  });
  const depacketizer = new H264Depacketizer();
  let keyframe = false;
  await collect(rx, (got) => {
    for (const p of got.splice(0)) {
      for (let r = depacketizer.push(p.bytes); r.kind !== "more"; r = depacketizer.pull()) {
        if (r.kind === "frame" && r.keyframe) keyframe = true;
      }
    }
    return keyframe;
  }, 90_000);
  assert.ok(keyframe, "a keyframe arrives after the recovery (the GOP is 20 s)");
  await until("the output up", () => rtpStats(tree.node.stats, 0)?.state === "up", 10_000);
  const up = rtpStats(tree.node.stats, 0)!;
  assert.deepEqual([up.cause, up.reason, up.retryAt, up.tries], [null, null, null, 0]);

  assert.equal(OUTSIDE_RESTARTS(tree.events), 0, "nothing crashed or restarted");
  const notes = tree.logs.filter((l) => l.actor === "cam/rtp/0").map((l) => l.msg);
  const what = `rtp output 0 to 127.0.0.1:${port}`;
  assert.equal(notes.filter((m) => m === `${what}: offline`).length, 1, notes.join("\n"));
  assert.equal(notes.filter((m) => m === `${what}: up again`).length, 1, notes.join("\n"));
});

Deno.test("an RTP destination that is blocked or does not resolve is offline with its cause, logged once; the packetizer goes on", async () => {
  await using tree = await startTree(
    cameraConfig({
      source: "test",
      width: 160,
      height: 120,
      fps: 30,
      codec: "mjpeg",
      rtp: [
        { host: "255.255.255.255", port: 5004 }, // broadcast without SO_BROADCAST: EACCES
        { host: "eyrie-no-such-host.invalid", port: 5004 },
      ],
    }),
    [cameraChild, encoderChild, packetizerChild, rtpOutputsChild],
  );
  await until(
    "both outputs offline after a retry",
    () => [0, 1].every((i) => (rtpStats(tree.node.stats, i)?.tries ?? 0) >= 2),
  );
  const blocked = rtpStats(tree.node.stats, 0)!;
  assert.equal(blocked.state, "offline");
  assert.equal(blocked.reason, "blocked");
  assert.equal(
    blocked.cause,
    "sending to 255.255.255.255:5004 is not permitted (a firewall rule, or a broadcast address)",
  );
  assert.equal(blocked.packets, 0);
  const unresolved = rtpStats(tree.node.stats, 1)!;
  assert.equal(unresolved.reason, "unresolved");
  assert.match(
    unresolved.cause ?? "",
    /^host name eyrie-no-such-host\.invalid (does not resolve|cannot be resolved now \(EAI_AGAIN\))$/,
  );
  const before = (tree.node.stats.get("packetizer") as PacketizerStats).accessUnits;
  await until(
    "the packetizer going on",
    () => (tree.node.stats.get("packetizer") as PacketizerStats).accessUnits > before + 10,
  );
  assert.equal(OUTSIDE_RESTARTS(tree.events), 0, "nothing crashed or restarted");
  const offline = tree.logs.filter((l) => l.msg.endsWith(": offline")).map((l) => l.actor);
  assert.deepEqual(offline.sort(), ["cam/rtp/0", "cam/rtp/1"], "one line per outage, not per try");
});

/** Why the namespace test cannot run here, or "". */
function noNamespace(): string {
  if (Deno.uid() !== 0) return "needs root for unshare -n";
  try {
    const o = new Deno.Command("unshare", { args: ["-n", "ip", "link", "set", "lo", "up"] })
      .outputSync();
    return o.success ? "" : `unshare -n failed: ${new TextDecoder().decode(o.stderr)}`;
  } catch (e) {
    return `no unshare or ip: ${(e as Error).message}`;
  }
}

const skipNamespace = noNamespace();

Deno.test({
  name:
    "RTP destinations without a route (none, an unreachable route, a multicast group) are offline with the cause",
  ignore: skipNamespace !== "",
  async fn() {
    const helper = new URL("./_netns_tree.ts", import.meta.url).pathname;
    const rtp = [
      { host: "10.9.9.9", port: 5004 },
      { host: "10.8.0.1", port: 5004 },
      { host: "239.255.1.2", port: 5004 },
    ];
    const script = [
      "ip link set lo up",
      "ip route add unreachable 10.8.0.0/16",
      `exec "${Deno.execPath()}" run -A --no-check "${helper}" '${JSON.stringify(rtp)}'`,
    ].join(" && ");
    const out = await new Deno.Command("unshare", {
      args: ["-n", "sh", "-c", script],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(90_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, new TextDecoder().decode(out.stderr) + text);
    const got = JSON.parse(text.trim().split("\n").at(-1)!) as {
      stats: RtpOutputStats[];
      restarts: number;
    };
    assert.deepEqual(got.stats.map((s) => [s.state, s.reason, s.cause]), [
      ["offline", "unreachable", "network unreachable: no route to 10.9.9.9"],
      ["offline", "unreachable", "no route to host 10.8.0.1"],
      [
        "offline",
        "unreachable",
        "no multicast route to 239.255.1.2 (set multicast_interface, or add a route for 224.0.0.0/4)",
      ],
    ]);
    assert.equal(got.restarts, 0);
  },
});

if (skipNamespace !== "") console.log(`namespace test skipped: ${skipNamespace}`);
