/**
 * Placement: which Worker runs which actor of a camera, as data. The tree in
 * children.ts wraps a child factory in {@linkcode onHost} to give its actor a
 * host name; the actors of one camera with the same host name share one
 * Worker (one V8 isolate, 10–15 MB, instead of one each), and the host names
 * in {@linkcode PROCESS_HOSTS} name one Worker for every camera of the
 * process. What a crash of a shared Worker does to its neighbours is written
 * in actors/runtime/host.ts and docs/architecture.md.
 *
 * @module
 */
import type { ChildFactory } from "./camera_node.ts";

/** The Worker module a camera's shared Workers run (it can load every actor module). */
export const HOST_WORKER = new URL("./host_worker.ts", import.meta.url);

/** The shared Worker of a camera's capture and encoding (one per camera). */
export const MEDIA = "media";
/** The shared Worker of the byte movers, the detectors and the JPEG feeds (one for all cameras). */
export const IO = "io";

/**
 * Host names whose Worker is the process's, shared by every camera: the
 * actors that only move bytes or look at small frames, which wait on rings
 * and never block their thread. A camera's own capture and encoding stays in
 * a Worker of the camera, so nothing one camera's GStreamer does can stall
 * another camera's frames.
 */
export const PROCESS_HOSTS: ReadonlySet<string> = new Set([IO]);

/** The prefix of the process's shared Workers' names ("cameras/io"). */
export const PROCESS_HOST_PREFIX = "cameras";

/**
 * How actors are placed, from `EYRIE_PLACEMENT`: `separate` gives every
 * actor a Worker of its own, as before placement existed (to measure what
 * sharing saves, or to set a suspect actor apart); `camera` gives every
 * camera its own `io` Worker, as before {@linkcode PROCESS_HOSTS}; anything
 * else (or no permission to read it) is `shared`.
 */
export type Placement = "shared" | "camera" | "separate";

export function placement(): Placement {
  try {
    const p = Deno.env.get("EYRIE_PLACEMENT");
    return p === "separate" || p === "camera" ? p : "shared";
  } catch {
    return "shared";
  }
}

/** `factory`'s actors (and those of a group's children) run in the camera's Worker `host`. */
export function onHost(host: string, factory: ChildFactory): ChildFactory {
  return (node, ctx) => factory(node, { ...ctx, host });
}
