/**
 * A full disk under a real `eyrie run`: the recordings dir is a 16 MB tmpfs
 * that the test fills to the last byte while two cameras record, then frees.
 * What must hold: recording pauses with a clear state and cause (API,
 * health, metrics), nothing else stops (both cameras' live path, the RTP
 * output, motion detection), nothing is deleted to no avail, no thumbnail is
 * left without its segment, and recording resumes by itself in a new
 * segment once there is room. Root only (it mounts a tmpfs; always
 * unmounted in `finally`); skipped with the reason elsewhere.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UdpSocket } from "../../ffi/net/mod.ts";
import { startEyrie, tempConfig } from "../ui/cli/_eyrie.ts";
import { parseExposition } from "../ui/metrics/_exposition.ts";
import { freeRtpPort } from "../actors/rtp_output/_udp.ts";

const DISK = "16m";
/** Larger than every segment the cameras can close before the fill: retention cannot reach it. */
const FLOOR = "6MB";

interface Camera {
  stats: {
    recorder?: { state: string; segment: string | null; cause: string | null; segments: number };
    encoder?: { accessUnits: number };
    detector?: { frames: number };
    "rtp[0]"?: { packets: number; state: string };
  };
}

interface Segment {
  path: string;
  open: boolean;
  frames: number;
  start_ms: number;
}

function mountProblem(): string {
  if (Deno.uid() !== 0) return "needs root to mount a tmpfs";
  return "";
}

const skip = mountProblem();

async function files(dir: string, suffix: string): Promise<Set<string>> {
  const out = new Set<string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(suffix)) out.add(path.slice(0, -suffix.length));
    }
  };
  await walk("");
  return out;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

Deno.test({
  name:
    "a full recordings disk pauses recording with its cause, stops nothing else, and recording resumes by itself once space is freed",
  ignore: skip !== "",
  async fn() {
    const port = freeRtpPort();
    using rx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1", port } });
    await using cfg = await tempConfig("");
    const mnt = join(cfg.dir, "disk");
    await Deno.mkdir(mnt);
    const mount = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${DISK}`, "tmpfs", mnt],
    }).output();
    assert.ok(mount.success, new TextDecoder().decode(mount.stderr));
    const rec = join(mnt, "rec");
    const filler = join(mnt, "filler.bin");
    try {
      const camera = (id: string, rtp = "") =>
        `[[camera]]\nid = "${id}"\nsource = "test"\npattern = "ball"\nwidth = 320\nheight = 240\n` +
        `fps = 15\nencoder = "x264"\nbitrate_kbps = 300\n${rtp}`;
      await Deno.writeTextFile(
        cfg.file,
        `[console]\nlisten = "127.0.0.1:0"\n[recording]\ndir = "${rec}"\nsegment_s = 10\n` +
          `min_free = "${FLOOR}"\n` +
          camera("front", `  [[camera.rtp]]\n  host = "127.0.0.1"\n  port = ${port}\n`) +
          camera("back"),
        { append: true },
      );
      const eyrie = await startEyrie(cfg.file);
      let stopped = false;
      try {
        const api = async <T>(path: string): Promise<T> => {
          const res = await fetch(`${eyrie.url}${path}`);
          // Health answers 503 while degraded, with the same body.
          assert.ok(res.status === 200 || path === "/api/health", `${path}: ${res.status}`);
          return await res.json() as T;
        };
        const cam = (id: string) => api<Camera>(`/api/cameras/${id}`);
        const segments = async () =>
          (await api<{ segments: Segment[] }>("/api/recordings?limit=1000")).segments;

        // Both cameras record; one segment each has closed.
        await until("a closed segment of each camera", async () => {
          const s = await segments();
          return ["front", "back"].every((c) => s.some((x) => x.path.startsWith(c) && !x.open))
            ? true
            : undefined;
        }, 60_000);
        const before = await segments();

        // Something else takes every byte left.
        const fill = await new Deno.Command("dd", {
          args: ["if=/dev/zero", `of=${filler}`, "bs=64k"],
          stderr: "null",
        }).output();
        assert.equal(fill.success, false, "dd stops at a full disk");
        const filledAt = Date.now();

        const paused = await until("both recorders paused", async () => {
          const [f, b] = await Promise.all([cam("front"), cam("back")]);
          return f.stats.recorder?.state === "disk_full" && b.stats.recorder?.state === "disk_full"
            ? f
            : undefined;
        }, 30_000);
        assert.match(
          paused.stats.recorder!.cause ?? "",
          new RegExp(`^disk full at ${rec}: .* free, floor 6\\.0 MB$`),
        );
        const health = await api<{ status: string; problems: string[] }>("/api/health");
        assert.equal(health.status, "degraded");
        assert.ok(
          health.problems.some((p) =>
            p.startsWith(`Recording paused: disk full at ${rec}`) && p.includes("resumes by itself")
          ),
          health.problems.join("\n"),
        );
        const metrics = parseExposition(await (await fetch(`${eyrie.url}/metrics`)).text());
        assert.equal(metrics.get("eyrie_recording_disk_full")?.samples[0].value, 1);
        const state = metrics.get("eyrie_recording_state")!;
        assert.ok(
          state.samples.some((s) => s.labels.camera === "front" && s.labels.state === "disk_full"),
        );

        // Nothing else stops: both live paths, the RTP output, the detector.
        const [f0, b0] = [paused, await cam("back")];
        await new Promise((r) => setTimeout(r, 3000));
        const [f1, b1] = await Promise.all([cam("front"), cam("back")]);
        assert.ok(f1.stats.encoder!.accessUnits > f0.stats.encoder!.accessUnits + 15);
        assert.ok(b1.stats.encoder!.accessUnits > b0.stats.encoder!.accessUnits + 15);
        assert.ok(f1.stats.detector!.frames > f0.stats.detector!.frames);
        assert.ok(f1.stats["rtp[0]"]!.packets > f0.stats["rtp[0]"]!.packets);
        assert.ok(await rx.readable(2000), "RTP still arrives");
        assert.equal(f1.stats.recorder!.state, "disk_full");

        // Nothing was deleted for a floor it could not reach; no thumbnail without its segment;
        // the index and the disk agree.
        const during = await segments();
        for (const s of before.filter((x) => !x.open)) {
          assert.ok(during.some((x) => x.path === s.path), `${s.path} kept`);
        }
        const mp4 = await files(rec, ".mp4"), jpg = await files(rec, ".jpg");
        for (const t of jpg) assert.ok(mp4.has(t), `${t}.jpg has its segment`);
        assert.deepEqual([...mp4].sort(), during.map((s) => s.path.slice(0, -4)).sort());

        // Space comes back: recording resumes by itself, in a new segment.
        await Deno.remove(filler);
        const resumed = await until("both recorders recording again", async () => {
          const [f, b] = await Promise.all([cam("front"), cam("back")]);
          return f.stats.recorder?.state === "recording" &&
              b.stats.recorder?.state === "recording"
            ? f
            : undefined;
        }, 40_000);
        assert.equal(resumed.stats.recorder!.cause, null);
        const after = await segments();
        assert.ok(
          after.some((s) => s.path.startsWith("front/") && s.start_ms > filledAt),
          "a new segment after the pause",
        );
        assert.deepEqual(
          (await api<{ problems: string[] }>("/api/health")).problems.filter((p) =>
            p.includes("Recording")
          ),
          [],
        );
        assert.equal(await eyrie.stop(), 0);
        stopped = true;
        const logs = eyrie.logs();
        assert.match(logs, /"msg":"recording paused: the disk is at its free-space floor"/);
        assert.match(logs, /"msg":"recording resumes: free space is back above the floor"/);
        assert.doesNotMatch(logs, /"level":"error","actor":"eyrie"/, "no actor crashed");
      } finally {
        if (!stopped) await eyrie.stop();
      }
    } finally {
      await Deno.remove(filler).catch(() => {});
      const umount = await new Deno.Command("umount", { args: [mnt] }).output();
      assert.ok(umount.success, new TextDecoder().decode(umount.stderr));
    }
  },
});

if (skip !== "") console.log(`disk-full fault test skipped: ${skip}`);
