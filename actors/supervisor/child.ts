/**
 * What a supervisor supervises: actors and other supervisors alike.
 *
 * @module
 */
import type { ActorState, ExitReason, StopReason } from "../defs.ts";

/** A running child, as its supervisor sees it. */
export interface Child {
  readonly id: string;
  /** Resolves once, with how the child ended, whoever ended it. */
  readonly exited: Promise<ExitReason>;
  /** Stops gracefully; past `shutdownMs` the child is killed. Resolves with how it ended. */
  stop(reason: StopReason, shutdownMs: number): Promise<ExitReason>;
  status(): ChildStatus;
}

/** A node of the supervision tree, for health and the console. */
export interface ChildStatus {
  id: string;
  kind: "actor" | "supervisor";
  state: ActorState;
  /** Restarts of this child by its supervisor since eyrie started. */
  restarts?: number;
  /** Why it last ended, when it did. */
  lastExit?: ExitReason;
  /** A restart is waiting out its backoff: it starts in this many ms. */
  retryInMs?: number;
  children?: ChildStatus[];
}

/**
 * When a child is restarted (OTP):
 * - `permanent`: always;
 * - `transient`: only when it crashed or was killed, not after a normal exit;
 * - `temporary`: never.
 */
export type RestartPolicy = "permanent" | "transient" | "temporary";

export const RESTART_POLICIES: readonly RestartPolicy[] = ["permanent", "transient", "temporary"];

/** How to start one child and how to treat it. */
export interface ChildSpec {
  id: string;
  /** Starts the child; resolves once it runs, rejects if it cannot start. */
  start: () => Promise<Child>;
  restart: RestartPolicy;
  /** Time a graceful stop may take before the child is killed. */
  shutdownMs: number;
}

/** Whether `policy` restarts a child that ended with `exit`. */
export function wantsRestart(policy: RestartPolicy, exit: ExitReason): boolean {
  switch (policy) {
    case "permanent":
      return true;
    case "transient":
      return exit.kind !== "normal";
    case "temporary":
      return false;
  }
}
