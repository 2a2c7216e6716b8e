// A real camera subtree (camera + detector Workers over real rings) with its
// own data dir, for the detector actor's tests.
import type { CameraConfig, LogRecord } from "../../../actors/defs.ts";
import { CameraNode } from "../../../actors/system/mod.ts";
import { EventStream, Supervisor, type SupervisorEvent } from "../../../actors/supervisor/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { detectorChild } from "../../../actors/detector/spec.ts";
import { EventHub, type StoredEvent } from "../../../actors/events/mod.ts";
import { spawnActor } from "../../../actors/runtime/actor.ts";
import { CAMERA_WORKER, type CameraProtocol } from "../../../actors/camera/protocol.ts";
import { DETECTOR_WORKER, type DetectorProtocol } from "../../../actors/detector/protocol.ts";
import { READER } from "../../../actors/system/mod.ts";
import { cameraConfig, TEST_FLAGS } from "../_camera_tree.ts";

export interface DetectorTree extends AsyncDisposable {
  node: CameraNode;
  sup: Supervisor;
  hub: EventHub;
  events: SupervisorEvent[];
  logs: LogRecord[];
  triggers: { atNs: number; kind: string }[];
  /** Stored events of this camera, oldest first. */
  stored(): StoredEvent[];
}

/**
 * Starts the camera and detector Workers once with a generous start timeout,
 * then stops them. Under `deno test` a Worker's modules are type-checked
 * when it first loads them; after a change, on a loaded machine, that check
 * can outlast the actors' 15 s start timeout, and several trees starting at
 * once would each check (and time out) in parallel. One warm-up checks once.
 */
export async function warmUpWorkers(): Promise<void> {
  const cam = detectingCamera({ source: "test", pattern: "smpte75" });
  const node = new CameraNode(cam, {
    log: () => {},
    events: new EventStream<SupervisorEvent>(),
    dataDir: "/nonexistent",
  });
  const startTimeoutMs = 180_000;
  const camera = await spawnActor<CameraProtocol>({
    id: "warm/camera",
    url: CAMERA_WORKER,
    init: {
      camera: cam,
      raw: node.rings.raw,
      small: node.rings.small,
      au: node.rings.au,
      mode: node.streamMode,
      watchdogMs: 60_000,
      firstFrameMs: 60_000,
    },
    log: () => {},
    startTimeoutMs,
  });
  const detector = await spawnActor<DetectorProtocol>({
    id: "warm/detector",
    url: DETECTOR_WORKER,
    init: { camera: cam, small: node.rings.small, reader: READER.detector },
    log: () => {},
    startTimeoutMs,
  });
  await detector.stop("shutdown", 5000);
  await camera.stop("shutdown", 5000);
}

/** A camera config with detection settings, at sizes that keep tests quick. */
export function detectingCamera(
  fields: Record<string, unknown>,
  detection: Record<string, unknown> = {},
): CameraConfig {
  return cameraConfig({
    width: 320,
    height: 240,
    fps: 10,
    ...fields,
    detection: { motion_fps: 10, ...detection },
  });
}

/** Starts camera → detector for `cam` (its id replaced by `id`) with `dataDir`. */
export async function startDetectorTree(
  id: string,
  cam: CameraConfig,
  dataDir: string,
): Promise<DetectorTree> {
  const stream = new EventStream<SupervisorEvent>();
  const events: SupervisorEvent[] = [];
  const logs: LogRecord[] = [];
  const triggers: { atNs: number; kind: string }[] = [];
  stream.subscribe((e) => events.push(e));
  const node = new CameraNode({ ...cam, id }, {
    log: (r) => logs.push(r),
    events: stream,
    dataDir,
  });
  node.triggers.subscribe((t) => triggers.push(t));
  const sup = await Supervisor.start({
    id,
    flags: TEST_FLAGS,
    children: [cameraChild, detectorChild].map((f) => f(node, node.ctx)).filter((s) => s !== null),
    events: stream,
    retryFailedStarts: true,
  });
  const hub = EventHub.for(dataDir);
  return {
    node,
    sup,
    hub,
    events,
    logs,
    triggers,
    stored: () => hub.store.list({ camera: id, limit: 500 }).events.reverse(),
    [Symbol.asyncDispose]: async () => {
      await sup.stop("shutdown", 5000);
    },
  };
}

/** The detector's latest stats of a tree. */
export function detectorStats(tree: DetectorTree): Record<string, unknown> | undefined {
  return tree.node.stats.get("detector") as Record<string, unknown> | undefined;
}

/** Generates an MJPEG AVI at 320x240, 10 fps: `frames` of smpte75, then `frames` of it brightened. */
export async function brightnessClip(file: string, frames: number): Promise<void> {
  const part = (brightness: number) =>
    `videotestsrc pattern=smpte75 num-buffers=${frames} ! video/x-raw,width=320,height=240,framerate=10/1 ! videobalance brightness=${brightness} ! c.`;
  const args = [
    "-q",
    ...`concat name=c ! videoconvert ! jpegenc ! avimux ! filesink location=${file}`.split(" "),
    ...part(0).split(" "),
    ...part(0.3).split(" "),
  ];
  const out = await new Deno.Command("gst-launch-1.0", { args, stdout: "null", stderr: "piped" })
    .output();
  if (out.code !== 0) {
    throw new Error(`gst-launch-1.0 failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}
