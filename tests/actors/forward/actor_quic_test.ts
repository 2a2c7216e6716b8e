/**
 * The forward actor with `transport = "quic"` in its real Worker, fed real
 * x264enc access units through a real ring, sending to `eyrie receive
 * --transport quic` (a process; ffprobe decodes what it wrote): the receiver going away is a visible state (offline with the
 * cause, one log line), and the actor comes back by itself when the receiver
 * does, from a keyframe.
 */
import assert from "node:assert/strict";
import { FrameFlags, FrameFormat, type LogRecord } from "../../../actors/defs.ts";
import {
  FORWARD_WORKER,
  type ForwardProtocol,
  type ForwardStats,
} from "../../../actors/forward/protocol.ts";
import { createByteRing, RingWriter } from "../../../actors/ring/mod.ts";
import { spawnActor } from "../../../actors/runtime/mod.ts";
import { acceptPin } from "../../../certs/mod.ts";
import { isKeyframe } from "../../../transports/rtp/h264/mod.ts";
import { join } from "node:path";
import { makePki } from "../../certs/_pki.ts";
import { run, tempDir, waitFor } from "../../certs/_run.ts";
import { EYRIE_FLAGS, MAIN } from "../../ui/cli/_eyrie.ts";
import { h264 } from "../../transports/rtp/_media.ts";

/** `eyrie receive --transport quic` as a process: a receiver that can really go away and come back. */
async function receive(dataDir: string, port: number, out: string, count: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...EYRIE_FLAGS,
      MAIN,
      "receive",
      "--transport",
      "quic",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--out",
      out,
      "--count",
      String(count),
      "--quiet",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  let stderr = "";
  const pump = (async () => {
    for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) stderr += c;
  })();
  await waitFor(
    () => /receiving on 127\.0\.0\.1:\d+/.test(stderr),
    "the receiver to listen",
    30_000,
  );
  return {
    port: Number(/receiving on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]),
    fingerprint: /--accept (\S+)/.exec(stderr)![1],
    stderr: () => stderr,
    async done() {
      const status = await child.status;
      await pump;
      return status.code;
    },
    kill() {
      try {
        child.kill("SIGTERM");
      } catch { /* already ended */ }
    },
  };
}

async function decodedFrames(file: string): Promise<number> {
  const probe = await run("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "csv=p=0",
    file,
  ]);
  assert.equal(probe.code, 0, probe.stderr);
  return Number(probe.stdout.trim());
}

Deno.test("a QUIC forward sends the ring's H.264, goes offline when the receiver leaves, and resumes from a keyframe when it returns", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  const media = await h264(40, { gop: 20 });
  const au = createByteRing({ entries: 64, dataBytes: 1 << 20 });
  const writer = new RingWriter(au);
  const write = (i: number) => {
    const data = media.files[i];
    writer.write(data, {
      pts: i * 33_333_333,
      captureNs: (performance.timeOrigin + performance.now()) * 1e6,
      durationNs: 0,
      flags: isKeyframe(data) ? FrameFlags.KEYFRAME | FrameFlags.CONFIG : 0,
      format: FrameFormat.H264,
      width: 320,
      height: 240,
      aux: 0,
    });
  };
  const dataDir = join(tmp.path, "a");
  const firstOut = join(tmp.path, "first.h264");
  let receiver = await receive(dataDir, 0, firstOut, 20);
  const port = receiver.port;
  await acceptPin(pki.dir, "hub", receiver.fingerprint);
  const logs: LogRecord[] = [];
  let stats: ForwardStats | null = null;
  let keyframeAsks = 0;
  const actor = await spawnActor<ForwardProtocol>({
    id: "test/forward/0",
    url: FORWARD_WORKER,
    init: {
      cameraId: "test",
      index: 0,
      config: {
        transport: "quic",
        host: "127.0.0.1",
        port,
        remote: "hub",
        cert: "alice",
        ca: "",
        dir: pki.dir,
      },
      au,
      reader: 3,
    },
    log: (r) => logs.push(r),
    onEvent: (e) => {
      if (e.type === "stats") stats = e.stats;
      else keyframeAsks++;
    },
  });
  const now = () => stats as ForwardStats | null;
  try {
    await waitFor(() => now()?.state === "up", "the first connection", 10_000);
    assert.equal(keyframeAsks, 1, "a new connection asks the encoder for a keyframe");
    for (let i = 0; i < 20; i++) {
      write(i);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await receiver.done(), 0, receiver.stderr());
    assert.match(receiver.stderr(), /sender connected: alice/);
    assert.equal(await decodedFrames(firstOut), 20);

    // The receiver is gone (it stopped after 20 frames and said so on the
    // way out): the forward is offline with the cause, one log line.
    await waitFor(() => now()?.state === "offline", "the actor to notice", 15_000);
    assert.equal(now()!.cause, now()!.lastError);
    assert.match(
      now()!.lastError!,
      /The receiver closed the connection \(code 0: receiver stopped\)/,
    );
    assert.match(
      logs.map((r) => r.msg).join(","),
      new RegExp(`forwarding,forward 0 to 127.0.0.1:${port}: offline`),
    );

    // It comes back on the same port, and the forward reconnects by itself.
    const againOut = join(tmp.path, "again.h264");
    receiver = await receive(dataDir, port, againOut, 30);
    await waitFor(() => now()?.connects === 2, "the reconnection", 20_000);
    assert.equal(now()!.state, "up");
    assert.equal(now()!.outages, 1);
    // From the newest keyframe still in the ring (frame 0 again, then the
    // rest), so the new receiver decodes at once.
    for (let i = 20; i < 40; i++) {
      write(i);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await receiver.done(), 0, receiver.stderr());
    assert.equal(await decodedFrames(againOut), 30);
    assert.match(
      logs.map((r) => r.msg).join(","),
      new RegExp(`forward 0 to 127.0.0.1:${port}: up again,forwarding`),
    );
  } finally {
    await actor.stop("shutdown", 2000);
    receiver.kill();
    await receiver.done().catch(() => {});
  }
});
