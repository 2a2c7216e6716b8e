/**
 * Placement: which Worker runs which actor of a camera, as data. The tree in
 * children.ts wraps a child factory in {@linkcode onHost} to give its actor a
 * host name; the actors of one camera with the same host name share one
 * Worker (one V8 isolate, 10–15 MB, instead of one each). What a crash of a
 * shared Worker does to its neighbours is written in actors/runtime/host.ts
 * and docs/architecture.md.
 *
 * @module
 */
import type { ChildFactory } from "./camera_node.ts";

/** The Worker module a camera's shared Workers run (it can load every actor module). */
export const HOST_WORKER = new URL("./host_worker.ts", import.meta.url);

/**
 * `EYRIE_PLACEMENT=separate` gives every actor a Worker of its own, as before
 * placement existed: to measure what sharing saves, or to set a suspect actor
 * apart. Anything else (or no permission to read it) keeps the placement.
 */
export function placementSeparate(): boolean {
  try {
    return Deno.env.get("EYRIE_PLACEMENT") === "separate";
  } catch {
    return false;
  }
}

/** `factory`'s actors (and those of a group's children) run in the camera's Worker `host`. */
export function onHost(host: string, factory: ChildFactory): ChildFactory {
  return (node, ctx) => factory(node, { ...ctx, host });
}
