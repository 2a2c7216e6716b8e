/**
 * The supervision policy of eyrie's tree, in one place.
 *
 *   eyrie (one_for_one, isolating)
 *   └── <camera id> (one_for_one): camera, encoder, outputs … in data-flow order
 *
 * @module
 */
import type { SupervisorFlags } from "../supervisor/mod.ts";

/**
 * One camera: its actors are coupled only through the camera's rings, which
 * outlive them (a restarted writer continues the sequence, readers see a
 * gap), so a crash restarts that actor alone: a crashed encoder comes back
 * without cutting the viewers, the recorder or the detector off. Ten
 * restarts a minute (a shared Worker that fails restarts each actor it ran:
 * the media Worker's failure is two), backing off from 0.5 s to 10 s; past
 * that the camera subtree gives up and the root restarts it whole.
 */
export const CAMERA_FLAGS: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 10,
  periodMs: 60_000,
  backoff: { initialMs: 500, maxMs: 10_000, jitter: 0.2 },
};

/**
 * The root: cameras are independent. A camera subtree that keeps giving up
 * is restarted with backoff up to a minute apart; one that gives up more
 * than 5 times in 10 minutes is isolated — shown as failed with its cause
 * and tried again every minute, forever — and never takes the other cameras
 * or the process down: restarting eyrie would not cure it. A source that is
 * offline never gets here at all: the camera actor keeps running and shows
 * it as offline (actors/camera/worker.ts).
 */
export const ROOT_FLAGS: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 5,
  periodMs: 600_000,
  backoff: { initialMs: 1_000, maxMs: 60_000, jitter: 0.2 },
  onIntensity: "isolate",
};

/** How long one actor may take to stop before it is killed. */
export const ACTOR_SHUTDOWN_MS = 2_000;
/** SIGINT/SIGTERM: everything stops within this. */
export const SHUTDOWN_MS = 5_000;
