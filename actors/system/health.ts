/**
 * Health as the API reports it: flattened actor states and the reasons the
 * process is not fully ok.
 *
 * @module
 */
import type { ActorState } from "../defs.ts";
import type { ChildStatus } from "../supervisor/mod.ts";

export interface ActorHealth {
  /** Path in the tree, e.g. "front/encoder". */
  id: string;
  state: ActorState;
  restarts: number;
}

export interface Health {
  /** ok: everything runs; degraded: something is restarting or down. */
  status: "ok" | "degraded";
  uptime_s: number;
  version: string;
  actors: ActorHealth[];
  /** Why the status is not ok, one sentence each. */
  problems: string[];
}

/** Flattens a status tree to "parent/child" ids, depth first, in start order. */
export function flattenTree(node: ChildStatus, prefix = ""): ActorHealth[] {
  const out: ActorHealth[] = [];
  for (const child of node.children ?? []) {
    const id = prefix === "" ? child.id : `${prefix}/${child.id}`;
    out.push({ id, state: child.state, restarts: child.restarts ?? 0 });
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
