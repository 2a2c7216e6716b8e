/**
 * Health as the API reports it: flattened actor states and the reasons the
 * process is not fully ok.
 *
 * @module
 */
import type { ActorState } from "../defs.ts";
import type { ChildStatus } from "../supervisor/mod.ts";
import type { DiskSpace } from "./disk.ts";

export interface ActorHealth {
  /** Path in the tree, e.g. "front/encoder". */
  id: string;
  state: ActorState;
  restarts: number;
  /** Why it last crashed or could not start, while it is not running. */
  last_error?: string;
  /** A restart waits out its backoff: it starts in about this many seconds. */
  retry_in_s?: number;
}

export interface Health {
  /** ok: everything runs; degraded: something is restarting or down. */
  status: "ok" | "degraded";
  uptime_s: number;
  version: string;
  actors: ActorHealth[];
  /** Free space where eyrie writes, against the recording floor (recording.min_free). */
  disk: { path: string; free_bytes: number; min_free_bytes: number }[];
  /** Why the status is not ok, one sentence each. */
  problems: string[];
}

/** Flattens a status tree to "parent/child" ids, depth first, in start order. */
export function flattenTree(node: ChildStatus, prefix = ""): ActorHealth[] {
  const out: ActorHealth[] = [];
  for (const child of node.children ?? []) {
    const id = prefix === "" ? child.id : `${prefix}/${child.id}`;
    const a: ActorHealth = { id, state: child.state, restarts: child.restarts ?? 0 };
    const exit = child.lastExit;
    if (child.state !== "running" && exit !== undefined && exit.kind !== "normal") {
      a.last_error = exit.kind === "crashed"
        ? exit.error.message
        : `killed after ${exit.afterMs} ms`;
    }
    if (child.retryInMs !== undefined) a.retry_in_s = Math.ceil(child.retryInMs / 1000);
    out.push(a);
    if (child.children !== undefined) out.push(...flattenTree(child, id));
  }
  return out;
}

/** The problems a set of actor states shows. */
export function actorProblems(actors: readonly ActorHealth[]): string[] {
  return actors
    .filter((a) => a.state !== "running")
    .map((a) => `${a.id} is ${a.state}${a.restarts > 0 ? ` (${a.restarts} restarts)` : ""}`);
}

/** The problems of dirs whose free space is below the floor (recording stops there). */
export function diskProblems(disks: readonly DiskSpace[], floorBytes: number): string[] {
  return disks
    .filter((d) => d.freeBytes < floorBytes)
    .map((d) =>
      `disk floor reached: ${d.path} has ${mib(d.freeBytes)} free, below the ${
        mib(floorBytes)
      } of recording.min_free`
    );
}

function mib(bytes: number): string {
  return `${Math.floor(bytes / 2 ** 20)} MiB`;
}
