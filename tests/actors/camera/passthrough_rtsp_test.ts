/**
 * Passthrough against real peers: gst-rtsp-server as the camera (x264 High
 * profile with B-frames, as many IP cameras send it), a running eyrie, and
 * ffprobe/ffmpeg as the judges of what eyrie recorded and serves over RTSP.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  closedPort,
  getJson,
  startEyrie,
  startRtspCamera,
  tempConfig,
  until,
} from "../../faults/_faults.ts";

interface Camera {
  status: { state: string };
  streams: { main: { mode: string; reason: string }; webrtc: { mode: string; reason: string } };
  stats: {
    camera?: {
      frames: number;
      main: {
        mode: string;
        reason: string;
        source?: { profile: string; level: string; width: number; bFrames: boolean };
        accessUnits?: number;
      };
    };
    encoder?: { held: boolean; forViewers: boolean; accessUnits: number };
    recorder?: { segment: string | null; accessUnits: number };
  };
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${text}`);
  return text;
}

/** ffprobe's word on the first video stream, and the packets' pts/dts in file (decode) order. */
async function probe(input: string) {
  const info = JSON.parse(
    await run("ffprobe", [
      "-v",
      "error",
      "-rw_timeout",
      "5000000",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=profile,level,width,height,has_b_frames:packet=pts,dts",
      "-read_intervals",
      "%+3",
      "-of",
      "json",
      input,
    ]),
  ) as {
    streams: {
      profile: string;
      level: number;
      width: number;
      height: number;
      has_b_frames: number;
    }[];
    packets: { pts: number; dts: number }[];
  };
  return { stream: info.streams[0], packets: info.packets };
}

Deno.test("an RTSP camera's High profile with B-frames is passed through: recordings and eyrie's RTSP keep profile, level and size, with decode times before presentation", async () => {
  const camPort = closedPort();
  const rtspPort = closedPort();
  await using rtsp = await startRtspCamera(camPort, {
    size: "640x360",
    fps: 30,
    profile: "high",
    bframes: 2,
  });
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[rtsp]\nlisten = "127.0.0.1:${rtspPort}"\n` +
      `[recording]\nsegment_s = 60\n` +
      `[[camera]]\nid = "door"\nsource = "${rtsp.url}"\nwidth = 320\nheight = 180\nfps = 30\n` +
      `[[camera]]\nid = "again"\nsource = "${rtsp.url}"\nwidth = 320\nheight = 180\nfps = 30\n` +
      `passthrough = "never"\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    const get = (id: string) => getJson<Camera>(`${eyrie.url}/api/cameras/${id}`);
    // Three seconds of recording: fragments ffprobe can read while the segment is open.
    const door = await until("door recording 90 access units", async () => {
      const c = await get("door");
      return (c.stats.recorder?.accessUnits ?? 0) >= 90 ? c : undefined;
    }, 60_000);
    const main = door.stats.camera!.main;
    assert.equal(main.mode, "passthrough");
    assert.match(main.reason, /RTSP source sends H\.264/);
    const src = main.source!;
    assert.deepEqual(
      [src.profile, src.level, src.width, src.bFrames],
      ["high", "3", 640, true],
    );
    assert.equal(door.streams.main.mode, "passthrough");
    // Browsers do not play B-frames: viewers get eyrie's encode, the recording the camera's own.
    assert.equal(door.streams.webrtc.mode, "encoded");
    assert.match(door.streams.webrtc.reason, /B-frames.*WebRTC viewers only, at 320x180@30/);
    assert.equal(door.stats.encoder!.held, true);
    // Nobody watches: the encoder encodes nothing at all.
    assert.equal(door.stats.encoder!.forViewers, false);
    assert.equal(door.stats.encoder!.accessUnits, 0);

    const file = join(cfg.dir, "data", "recordings", door.stats.recorder!.segment!);
    const rec = await probe(file);
    assert.equal(rec.stream.profile, "High");
    assert.equal(rec.stream.level, 30);
    assert.equal(rec.stream.width, 640);
    assert.equal(rec.stream.height, 360);
    assert.ok(rec.stream.has_b_frames > 0, `has_b_frames ${rec.stream.has_b_frames}`);
    const p = rec.packets;
    assert.ok(p.length >= 60, `${p.length} packets`);
    let reordered = 0;
    for (let i = 1; i < p.length; i++) {
      assert.ok(p[i].dts > p[i - 1].dts, `packet ${i}: dts ${p[i].dts} after ${p[i - 1].dts}`);
      assert.ok(p[i].pts >= p[i].dts, `packet ${i}: pts ${p[i].pts} before dts ${p[i].dts}`);
      if (p[i].pts < p[i - 1].pts) reordered++;
    }
    assert.ok(reordered > 10, `${reordered} packets shown before the one decoded before them`);
    const pts = new Set(p.map((x) => x.pts));
    assert.equal(pts.size, p.length, "every frame has its own presentation time");
    // Decodes cleanly (ffmpeg reports reference or order errors on stderr).
    assert.equal((await run("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"])).trim(), "");

    // eyrie's RTSP server plays the camera's own stream too.
    const served = await probe(`rtsp://127.0.0.1:${rtspPort}/door`);
    assert.equal(served.stream.profile, "High");
    assert.equal(served.stream.width, 640);

    // passthrough = "never": the same source decoded and encoded by eyrie at the configured size.
    const again = await until("the re-encoded camera recording", async () => {
      const c = await get("again");
      return (c.stats.recorder?.accessUnits ?? 0) >= 30 ? c : undefined;
    }, 60_000);
    assert.equal(again.stats.camera!.main.mode, "encoded");
    assert.deepEqual(again.streams.main, again.stats.camera!.main);
    assert.match(again.stats.camera!.main.reason, /passthrough = "never"/);
    assert.ok(again.stats.encoder!.accessUnits > 0);
    const enc = await probe(
      join(cfg.dir, "data", "recordings", again.stats.recorder!.segment!),
    );
    assert.equal(enc.stream.width, 320);
    assert.equal(enc.stream.has_b_frames, 0);
  } finally {
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});

Deno.test("a passed-through camera that sends SPS/PPS only in its SDP and changes its picture size mid-stream is recorded in a new segment at the new size", async () => {
  await using rtsp = await startRtspCamera(closedPort(), {
    size: "320x240",
    fps: 15,
    switchSize: "176x144",
    switchAfterS: 3,
    noInband: true,
  });
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nsegment_s = 60\n` +
      `[[camera]]\nid = "door"\nsource = "${rtsp.url}"\nwidth = 160\nheight = 120\nfps = 15\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    const get = () => getJson<Camera>(`${eyrie.url}/api/cameras/door`);
    const first = await until("recording at 320x240", async () => {
      const c = await get();
      return c.stats.camera?.main.source?.width === 320 && c.stats.recorder?.segment
        ? c
        : undefined;
    }, 60_000);
    const after = await until("a new segment at 176x144", async () => {
      const c = await get();
      return c.stats.camera?.main.source?.width === 176 &&
          c.stats.recorder?.segment !== first.stats.recorder!.segment &&
          (c.stats.recorder?.accessUnits ?? 0) > first.stats.recorder!.accessUnits + 30
        ? c
        : undefined;
    }, 60_000);
    assert.equal(after.stats.camera!.main.mode, "passthrough");
    const dir = join(cfg.dir, "data", "recordings");
    const before = await probe(join(dir, first.stats.recorder!.segment!));
    const now = await probe(join(dir, after.stats.recorder!.segment!));
    assert.deepEqual([before.stream.width, before.stream.height], [320, 240]);
    assert.deepEqual([now.stream.width, now.stream.height], [176, 144]);
    // Both segments start with SPS and PPS although the camera sent them only in its SDP.
    for (const seg of [first, after]) {
      const file = join(dir, seg.stats.recorder!.segment!);
      assert.equal(
        (await run("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"])).trim(),
        "",
      );
    }
  } finally {
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
