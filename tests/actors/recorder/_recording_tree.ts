// Real camera subtrees (camera, encoder and recorder Workers over real rings)
// with one Recordings service, in this process, for tests that need to see
// the recorder from the inside: triggers, pause, retention, the disk floor.
import { join } from "node:path";
import type { Config, LogRecord } from "../../../actors/defs.ts";
import { CameraNode } from "../../../actors/system/mod.ts";
import { EventStream, Supervisor, type SupervisorEvent } from "../../../actors/supervisor/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { recorderChild } from "../../../actors/recorder/spec.ts";
import { audioChild } from "../../../actors/audio/spec.ts";
import { type RecorderStats, Recordings } from "../../../actors/recorder/mod.ts";
import { createLogger } from "../../../actors/log/logger.ts";
import { checkConfig } from "../../../ui/config/mod.ts";
import { TEST_FLAGS } from "../_camera_tree.ts";
import { containerOf } from "../../../actors/recorder/container.ts";

export interface RecordingTree extends AsyncDisposable {
  config: Config;
  recordings: Recordings;
  nodes: Map<string, CameraNode>;
  logs: LogRecord[];
  /** The recorder's latest stats for a camera. */
  stats(camera: string): RecorderStats | null;
  /** Stops every subtree: recorders close their segments; the index stays open. */
  stopCameras(): Promise<void>;
  /** Stops every subtree, then the service. */
  stop(): Promise<void>;
}

/**
 * Starts `cameras` (TOML-like tables; 320x240 test patterns unless they say
 * otherwise) recording into `dir`, with segments of `segmentS` seconds (tests
 * go below the config's 10 s minimum to see many segments in a short run).
 */
export async function startRecording(options: {
  dir: string;
  cameras: Record<string, unknown>[];
  recording?: Record<string, unknown>;
  segmentS?: number;
  freeBytes?: (dir: string) => Promise<number>;
  checkEveryMs?: number;
  /** Runs each camera's audio actor too (the cameras record their sound); default no sound. */
  sound?: boolean;
}): Promise<RecordingTree> {
  const config = checkConfig({
    data_dir: join(options.dir, "data"),
    log: { level: "debug" },
    recording: { dir: join(options.dir, "rec"), ...options.recording },
    camera: options.cameras.map((c) => ({
      source: "test",
      width: 320,
      height: 240,
      fps: 30,
      ...(options.sound ? {} : { audio: "none" }),
      ...c,
    })),
  }, "");
  if (options.segmentS !== undefined) config.recording.segment_s = options.segmentS;
  const logs: LogRecord[] = [];
  const sink = (r: LogRecord) => logs.push(r);
  const recordings = await Recordings.open({
    config,
    log: createLogger("recordings", sink, "debug"),
    freeBytes: options.freeBytes,
    checkEveryMs: options.checkEveryMs,
  });
  const events = new EventStream<SupervisorEvent>();
  const nodes = new Map<string, CameraNode>();
  const sups: Supervisor[] = [];
  for (const cam of config.camera) {
    const node = new CameraNode(cam, { log: sink, events, dataDir: config.data_dir, recordings });
    nodes.set(cam.id, node);
    sups.push(
      await Supervisor.start({
        id: cam.id,
        flags: TEST_FLAGS,
        children: [cameraChild, encoderChild, ...(options.sound ? [audioChild] : []), recorderChild]
          .map((f) => f(node, node.ctx))
          .filter((s) => s !== null),
        events,
        retryFailedStarts: true,
      }),
    );
  }
  let camerasStopped: Promise<unknown> | null = null;
  const stopCameras = async () => {
    camerasStopped ??= Promise.all(sups.map((s) => s.stop("shutdown", 5000)));
    await camerasStopped;
  };
  const stop = async () => {
    await stopCameras();
    await recordings.close();
  };
  return {
    config,
    recordings,
    nodes,
    logs,
    stats: (camera) => (nodes.get(camera)?.stats.get("recorder") as RecorderStats) ?? null,
    stopCameras,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Bytes of every file under `dir` (segments, thumbnails, anything else). */
export async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        try {
          total += (await Deno.stat(p)).size;
        } catch { /* deleted meanwhile */ }
      }
    }
  };
  try {
    await walk(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return total;
}

/** Every segment file under the recordings dir, as relative paths, sorted. */
export async function segmentFiles(recDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for await (const e of Deno.readDir(join(recDir, rel))) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (containerOf(e.name) !== null) out.push(p);
    }
  };
  try {
    await walk("");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}
