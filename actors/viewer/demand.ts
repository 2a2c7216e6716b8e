/**
 * Live view on demand. A camera's viewer actor is a Worker of its own (an
 * isolate of ~15 MB, and werift's heap from the first offer on), so it runs
 * only while someone watches: the first WHEP offer starts it, as a child of
 * the supervisor that holds the camera's packetizer (beside the ring it
 * reads; `<camera>/outputs/live/viewer` in the usual tree), and offers that
 * come while it starts wait for that same start. Once the camera has had no
 * session, no connecting session and no waiting offer for `viewer_idle_s`
 * (and the actor has reported so after the last offer was answered), the
 * actor is stopped and its child removed, until the next offer. While it
 * runs it is supervised like any actor: a crash restarts it in place.
 *
 * A restart of the live path (or of the camera) ends the viewer with it, as
 * it always did; the next offer starts a new one.
 *
 * @module
 */
import type { ActorProcess } from "../runtime/actor.ts";
import type { ChildStatus } from "../supervisor/child.ts";
import { Supervisor } from "../supervisor/supervisor.ts";
import type { CameraNode } from "../system/camera_node.ts";
import type { ViewerProtocol, ViewerStats } from "./protocol.ts";
import { viewerChild, viewerOf } from "./spec.ts";

/** Where the viewer actor stands: `idle` is no actor (nobody watches), not a fault. */
export type ViewerState = "idle" | "starting" | "running" | "restarting" | "stopping";

/** The live path (the packetizer) of a camera that is starting is waited for this long. */
const LIVE_PATH_WAIT_MS = 15_000;
/** The id of the child whose supervisor the viewer joins, and the viewer's own. */
const PACKETIZER = "packetizer";
const VIEWER = "viewer";

/** The running supervisor in `sup`'s tree that holds a child `id`. */
function holderOf(sup: Supervisor | undefined, id: string): Supervisor | undefined {
  if (sup === undefined) return undefined;
  const children = sup.status().children ?? [];
  if (children.some((c) => c.id === id)) return sup;
  for (const c of children) {
    const child = c.kind === "supervisor" ? sup.child(c.id) : undefined;
    const found = child instanceof Supervisor ? holderOf(child, id) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

function slotOf(sup: Supervisor | undefined): ChildStatus | undefined {
  return sup?.status().children?.find((c) => c.id === VIEWER);
}

export class ViewerDemand {
  readonly #node: CameraNode;
  #starting: Promise<ActorProcess<ViewerProtocol> | string> | undefined;
  #stopping: Promise<void> | undefined;
  /** Offers being answered now. */
  #inUse = 0;
  #lastUse = 0;
  /** The viewer's stats when the last offer was answered: idle needs a newer report. */
  #statsAtUse: unknown;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(node: CameraNode) {
    this.#node = node;
  }

  get state(): ViewerState {
    if (this.#stopping !== undefined) return "stopping";
    if (this.#starting !== undefined) return "starting";
    if (viewerOf(this.#node) !== undefined) return "running";
    return slotOf(holderOf(this.#node.supervisor, VIEWER)) === undefined ? "idle" : "restarting";
  }

  /**
   * The running viewer actor, started if need be; or why there is none (the
   * live path is not running, the viewer is restarting after a crash, it
   * could not start). Every acquire that got an actor is paired with one
   * {@linkcode release} once the offer is answered.
   */
  async acquire(): Promise<ActorProcess<ViewerProtocol> | string> {
    this.#inUse++;
    this.#lastUse = performance.now();
    let got: ActorProcess<ViewerProtocol> | string = "not started";
    try {
      // An offer that comes while the idle viewer stops waits for the stop, then starts anew.
      await this.#stopping;
      got = viewerOf(this.#node) ?? await (this.#starting ??= this.#start().finally(() => {
        this.#starting = undefined;
      }));
      return got;
    } finally {
      if (typeof got === "string") this.#inUse--;
    }
  }

  /** Ends what {@linkcode acquire} began. */
  release(): void {
    this.#inUse--;
    this.#lastUse = performance.now();
    this.#statsAtUse = this.#node.stats.get(VIEWER);
  }

  async #start(): Promise<ActorProcess<ViewerProtocol> | string> {
    const id = this.#node.id;
    const deadline = performance.now() + LIVE_PATH_WAIT_MS;
    // Waiting helps only while the camera's subtree runs and has a live path that may be
    // (re)starting; a camera whose subtree is down (restarting, failed, never started) or
    // has no live path is answered now.
    const up = () => {
      const cam = this.#node.supervisor;
      return cam?.status().state === "running" &&
        (holderOf(cam, "outputs") !== undefined || holderOf(cam, "live") !== undefined);
    };
    let sup = holderOf(this.#node.supervisor, PACKETIZER);
    while (sup === undefined && up() && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      sup = holderOf(this.#node.supervisor, PACKETIZER);
    }
    if (sup === undefined) return `the live path of camera "${id}" is not running`;
    if (slotOf(sup) !== undefined) {
      return viewerOf(this.#node) ?? `the live view of camera "${id}" is restarting`;
    }
    const spec = viewerChild(this.#node, this.#node.ctx);
    if (spec === null) return `camera "${id}" has no live view`;
    try {
      await sup.startChild(spec);
    } catch (error) {
      return `the live view of camera "${id}" could not start: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
    const viewer = viewerOf(this.#node);
    if (viewer === undefined) return `the live view of camera "${id}" ended as it started`;
    this.#watch(sup);
    return viewer;
  }

  /** Stops the viewer once it has been idle for the camera's `viewer_idle_s`. */
  #watch(sup: Supervisor): void {
    clearInterval(this.#timer);
    const idleMs = this.#node.config.viewer_idle_s * 1000;
    const timer = this.#timer = setInterval(() => {
      if (this.#stopping !== undefined) return;
      // The live path restarted or stopped (and the viewer with it): nothing left to stop.
      if (slotOf(sup) === undefined) return clearInterval(timer);
      const stats = this.#node.stats.get(VIEWER) as ViewerStats | undefined;
      const watched = stats !== undefined &&
        (stats.viewers + stats.connecting + stats.waiting > 0 ||
          (stats.talk?.holder ?? null) !== null);
      if (this.#inUse > 0 || watched) {
        this.#lastUse = performance.now();
        return;
      }
      // Only a report sent after the last answer can tell that its session is gone.
      if (stats === undefined || stats === this.#statsAtUse) return;
      if (performance.now() - this.#lastUse < idleMs) return;
      clearInterval(timer);
      this.#stopping = sup.terminateChild(VIEWER, "shutdown")
        .then(() => {}, () => {})
        .finally(() => {
          this.#node.stats.delete(VIEWER);
          this.#stopping = undefined;
        });
    }, Math.min(1_000, idleMs / 4));
    sup.exited.then(() => clearInterval(timer));
  }
}

const demands = new WeakMap<CameraNode, ViewerDemand>();

/** The camera's live view on demand (a new one after the camera's node was replaced). */
export function viewerDemand(node: CameraNode): ViewerDemand {
  let d = demands.get(node);
  if (d === undefined) demands.set(node, d = new ViewerDemand(node));
  return d;
}
