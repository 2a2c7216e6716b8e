/**
 * What a config reload changes: a pure comparison of the running config
 * with the new one. Cameras are compared whole (with the global recording
 * settings they inherit), so any change restarts that camera's subtree and
 * nothing else. Settings that only a restart can apply are named, not
 * applied.
 *
 * @module
 */
import type { CameraConfig, Config } from "../defs.ts";

/** The outcome of one reload, for the logs, the API and the console. */
export type ReloadResult =
  | {
    ok: true;
    /** Camera ids, in the new config's order. */
    added: string[];
    removed: string[];
    changed: string[];
    unchanged: string[];
    /** Top-level settings that changed but apply only after a restart of eyrie. */
    restartNeeded: string[];
  }
  | { ok: false; reason: string };

/** The plan of a reload that can be applied. */
export type ReloadPlan = Omit<Extract<ReloadResult, { ok: true }>, "ok">;

/** Settings the running process cannot change under itself (sockets, paths, the logger). */
export const RESTART_ONLY = ["data_dir", "console", "tls", "log", "rtsp", "mqtt"] as const;

/** Compares the running config with `next`. */
export function planReload(running: Config, next: Config): ReloadPlan {
  const before = new Map(running.camera.map((c) => [c.id, fingerprint(running, c)]));
  const after = new Set(next.camera.map((c) => c.id));
  const plan: ReloadPlan = {
    added: [],
    removed: [],
    changed: [],
    unchanged: [],
    restartNeeded: [],
  };
  for (const cam of next.camera) {
    const old = before.get(cam.id);
    if (old === undefined) plan.added.push(cam.id);
    else if (old === fingerprint(next, cam)) plan.unchanged.push(cam.id);
    else plan.changed.push(cam.id);
  }
  plan.removed = running.camera.map((c) => c.id).filter((id) => !after.has(id));
  plan.restartNeeded = RESTART_ONLY.filter((k) =>
    JSON.stringify(running[k]) !== JSON.stringify(next[k])
  );
  return plan;
}

/** The config that runs after applying `next`: its cameras, the running restart-only settings. */
export function appliedConfig(running: Config, next: Config): Config {
  return {
    ...next,
    data_dir: running.data_dir,
    console: running.console,
    tls: running.tls,
    log: running.log,
    rtsp: running.rtsp,
    mqtt: running.mqtt,
  };
}

/** Everything a camera's subtree is built from: its section and the global recording settings. */
function fingerprint(config: Config, cam: CameraConfig): string {
  return JSON.stringify({ cam, recording: config.recording });
}
