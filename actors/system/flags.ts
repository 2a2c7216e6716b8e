/**
 * The supervision policy of eyrie's tree, in one place.
 *
 *   eyrie (one_for_one)
 *   └── <camera id> (rest_for_one): camera, encoder, … in data-flow order
 *
 * @module
 */
import type { SupervisorFlags } from "../supervisor/mod.ts";

/**
 * One camera: a crash restarts that actor and every actor after it (the ones
 * reading what it writes). Five restarts a minute, backing off from 0.5 s to
 * 10 s, then the camera subtree gives up and the root restarts it whole.
 */
export const CAMERA_FLAGS: SupervisorFlags = {
  strategy: "rest_for_one",
  intensity: 5,
  periodMs: 60_000,
  backoff: { initialMs: 500, maxMs: 10_000 },
};

/**
 * The root: cameras are independent. A camera subtree that keeps giving up is
 * restarted with backoff up to a minute apart; past 10 restarts in 10 minutes
 * the root gives up and eyrie exits 1, so systemd restarts the process.
 */
export const ROOT_FLAGS: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 10,
  periodMs: 600_000,
  backoff: { initialMs: 1_000, maxMs: 60_000 },
};

/** How long one actor may take to stop before it is killed. */
export const ACTOR_SHUTDOWN_MS = 2_000;
/** SIGINT/SIGTERM: everything stops within this. */
export const SHUTDOWN_MS = 5_000;
