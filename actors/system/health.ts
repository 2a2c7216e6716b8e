/**
 * Health as the API reports it: flattened actor states and the reasons the
 * process is not fully ok.
 *
 * @module
 */
import type { ActorState, LinkStatus } from "../defs.ts";
import type { ChildStatus } from "../supervisor/mod.ts";

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

/**
 * The problems of a camera's links to the world outside that are offline:
 * its RTP outputs (`rtp[N]`), forwards (`forward[N]`), publishers
 * (`publish[N]`) and webhooks (in the detector's stats), one sentence each
 * with the cause and the next try.
 */
export function linkProblems(
  camera: string,
  stats: ReadonlyMap<string, unknown>,
  nowMs: number,
): string[] {
  const out: string[] = [];
  const say = (what: string, s: LinkStatus) => {
    if (s.state !== "offline") return;
    const next = s.retryAt === null
      ? ""
      : ` (next try in ${Math.max(0, Math.round((s.retryAt - nowMs) / 1000))} s)`;
    out.push(`camera ${camera}: ${what} is offline: ${s.cause}${next}`);
  };
  for (const [key, value] of stats) {
    const m = /^(rtp|forward|publish)\[(\d+)\]$/.exec(key);
    if (m !== null && isLink(value)) {
      const what = { rtp: "RTP output", forward: "forward", publish: "publish" }[m[1]];
      say(`${what} ${m[2]}`, value);
    }
  }
  const hooks = (stats.get("detector") as { webhooks?: unknown[] } | undefined)?.webhooks ?? [];
  hooks.forEach((h, i) => {
    if (isLink(h)) say(`webhook ${i}`, h);
  });
  return out;
}

function isLink(v: unknown): v is LinkStatus {
  return typeof v === "object" && v !== null && "state" in v && "cause" in v && "retryAt" in v;
}
