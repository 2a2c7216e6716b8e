/** Runs a real camera subtree (camera + encoder Workers over real rings) for tests. */
import type { CameraConfig } from "../../actors/defs.ts";
import { CameraNode, type ChildFactory } from "../../actors/system/mod.ts";
import {
  EventStream,
  Supervisor,
  type SupervisorEvent,
  type SupervisorFlags,
} from "../../actors/supervisor/mod.ts";
import { RingReader } from "../../actors/ring/mod.ts";
import { cameraChild } from "../../actors/camera/spec.ts";
import { encoderChild } from "../../actors/encoder/spec.ts";
import { checkConfig } from "../../ui/config/mod.ts";
import type { LogRecord } from "../../actors/defs.ts";

/** A camera config from TOML-like fields, with every default filled in. */
export function cameraConfig(fields: Record<string, unknown>): CameraConfig {
  return checkConfig({ camera: [{ id: "cam", ...fields }] }, "").camera[0];
}

/** Quick restarts for tests: the policy shape is the real one. */
export const TEST_FLAGS: SupervisorFlags = {
  strategy: "rest_for_one",
  intensity: 20,
  periodMs: 60_000,
  backoff: { initialMs: 100, maxMs: 400 },
};

export interface Tree extends AsyncDisposable {
  node: CameraNode;
  sup: Supervisor;
  events: SupervisorEvent[];
  logs: LogRecord[];
}

export async function startTree(
  cam: CameraConfig,
  children: ChildFactory[] = [cameraChild, encoderChild],
): Promise<Tree> {
  const stream = new EventStream<SupervisorEvent>();
  const events: SupervisorEvent[] = [];
  const logs: LogRecord[] = [];
  stream.subscribe((e) => events.push(e));
  const node = new CameraNode(cam, { log: (r) => logs.push(r), events: stream, dataDir: "/tmp" });
  const sup = await Supervisor.start({
    id: cam.id,
    flags: TEST_FLAGS,
    children: children.map((f) => f(node, node.ctx)).filter((s) => s !== null),
    events: stream,
    retryFailedStarts: true,
  });
  return {
    node,
    sup,
    events,
    logs,
    [Symbol.asyncDispose]: async () => {
      await sup.stop("shutdown", 5000);
    },
  };
}

/** Reads `count` access units (from a keyframe on) into one Annex-B / MJPEG byte stream. */
export async function readAccessUnits(
  au: SharedArrayBuffer,
  count: number,
  options: { reader?: number; timeoutMs?: number } = {},
): Promise<
  { bytes: Uint8Array; units: { size: number; flags: number; pts: number; captureNs: number }[] }
> {
  const r = new RingReader(au, options.reader ?? 5, { start: "keyframe" });
  const chunks: Uint8Array[] = [];
  const units: { size: number; flags: number; pts: number; captureNs: number }[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    while (units.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`Only ${units.length} of ${count} access units arrived`);
      }
      if (!r.next()) {
        await r.wait(100);
        continue;
      }
      const copy = new Uint8Array(r.size);
      if (r.copyTo(copy) < 0) continue;
      chunks.push(copy);
      units.push({ size: r.size, flags: r.flags, pts: r.pts, captureNs: r.captureNs });
    }
  } finally {
    r.close();
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, units };
}

/** Waits until `check()` is true, polling. */
export async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs a command, returns its exit code and output. */
export async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  })
    .output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout) + d.decode(o.stderr) };
}
