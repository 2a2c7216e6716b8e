/**
 * The whole of a running eyrie on the main thread: the root supervisor with
 * one subtree per camera, the event stream, and health.
 *
 * @module
 */
import {
  type CameraConfig,
  type Config,
  type ExitReason,
  type QualityPreset,
  VERSION,
} from "../defs.ts";
import { createLogger, filterSink, type Logger, type LogSink } from "../log/logger.ts";
import { EventStream, Supervisor, type SupervisorEvent } from "../supervisor/mod.ts";
import { CameraNode, type ChildFactory } from "./camera_node.ts";
import { ROOT_FLAGS, SHUTDOWN_MS } from "./flags.ts";
import {
  type ActorHealth,
  actorProblems,
  flattenTree,
  type Health,
  linkProblems,
} from "./health.ts";
import { cameraProblem, type CameraStatus, cameraStatus } from "./camera_status.ts";
import { CAMERA_CHILDREN } from "./children.ts";
import { ActorHosts } from "../runtime/host.ts";
import { HOST_WORKER, PROCESS_HOST_PREFIX } from "./placement.ts";
import { appliedConfig, planReload, type ReloadPlan, type ReloadResult } from "./reload.ts";
import { type DiskSpace, diskSpace } from "./disk.ts";
import { withQuality } from "./quality.ts";
import { Recordings } from "../recorder/service.ts";
import { RtspService, type StreamAuthorizer } from "../rtsp/spec.ts";

export interface SystemOptions {
  config: Config;
  log: LogSink;
  /** The actors of each camera subtree, in data-flow order. Default: {@linkcode CAMERA_CHILDREN}. */
  children?: readonly ChildFactory[];
  /**
   * Reads the config again for {@linkcode System.reload} (SIGHUP, the
   * console); throws with the reason when the new config is bad. Without
   * it, eyrie runs on built-in defaults and a reload is refused.
   */
  load?: () => Promise<Config>;
  /**
   * Who may watch a camera over RTSP (ui/auth/stream_access.ts). Without it
   * the RTSP server lets everyone watch: fine on loopback, which is what
   * `eyrie run` refuses otherwise.
   */
  streamAccess?: StreamAuthorizer;
}

export class System {
  readonly events = new EventStream<SupervisorEvent>();
  readonly cameras = new Map<string, CameraNode>();
  readonly log: Logger;
  readonly startedAt = Date.now();
  /** The recording index and its upkeep; null when recording is disabled. */
  readonly recordings: Recordings | null;
  /** The RTSP server ([rtsp]); null without one. */
  readonly rtsp: RtspService | null;
  /** Camera actors log through this; records below the configured level are dropped here. */
  readonly #sink: LogSink;
  readonly #children: readonly ChildFactory[];
  readonly #load: (() => Promise<Config>) | undefined;
  readonly #healthChecks: (() => string[])[] = [];
  /** The Workers every camera shares (placement.ts: PROCESS_HOSTS). */
  readonly #processHosts = new ActorHosts(HOST_WORKER, PROCESS_HOST_PREFIX);
  #config: Config;
  #root: Supervisor | undefined;
  #reloading: Promise<unknown> = Promise.resolve();

  private constructor(options: SystemOptions, recordings: Recordings | null) {
    this.recordings = recordings;
    this.#config = options.config;
    this.#sink = filterSink(options.log, options.config.log.level);
    this.#children = options.children ?? CAMERA_CHILDREN;
    this.#load = options.load;
    this.log = createLogger("eyrie", this.#sink, options.config.log.level);
    this.events.subscribe((e) => logEvent(this.log, e));
    this.rtsp = options.config.rtsp === null ? null : new RtspService({
      config: options.config.rtsp,
      log: this.#sink,
      cameras: () => this.cameras.values(),
      authorize: options.streamAccess,
      server: `eyrie/${VERSION}`,
    });
    for (const cam of options.config.camera) this.cameras.set(cam.id, this.#node(cam));
  }

  /** Starts every camera's subtree. A camera that cannot start yet is retried; the rest run. */
  static async start(options: SystemOptions): Promise<System> {
    const level = options.config.log.level;
    const recordings = options.config.recording.enabled
      ? await Recordings.open({
        config: options.config,
        log: createLogger("recordings", filterSink(options.log, level), level),
      })
      : null;
    const system = new System(options, recordings);
    if (recordings !== null) system.addHealthCheck(() => recordings.problems());
    const rtsp = system.rtsp;
    if (rtsp !== null) {
      system.addHealthCheck(() => {
        const s = rtsp.stats;
        return s?.state === "offline" ? [`RTSP server offline: ${s.cause}`] : [];
      });
    }
    system.#root = await Supervisor.start({
      id: "eyrie",
      flags: ROOT_FLAGS,
      // The cameras, then the process-level services that serve them all.
      children: [
        ...[...system.cameras.values()].map((c) => c.spec(system.#children)),
        ...(rtsp === null ? [] : [rtsp.spec()]),
      ],
      events: system.events,
      retryFailedStarts: true,
    });
    return system;
  }

  /** The config that runs now (after reloads, restart-only settings stay as started). */
  get config(): Config {
    return this.#config;
  }

  /** The root of the supervision tree (for status and metrics). */
  get root(): Supervisor | undefined {
    return this.#root;
  }

  /**
   * Reads the config again and applies it: removed cameras stop, changed
   * ones restart their subtree, added ones start, unchanged ones keep
   * running untouched. A config that cannot be read or validated is refused
   * with the reason and nothing changes. Reloads run one at a time.
   */
  reload(): Promise<ReloadResult> {
    const run = this.#reloading.then(() => this.#reload());
    this.#reloading = run.catch(() => {});
    return run;
  }

  async #reload(): Promise<ReloadResult> {
    if (this.#load === undefined) {
      return this.#refused(
        "eyrie runs on built-in defaults; start it with --config FILE to reload",
      );
    }
    let next: Config;
    try {
      next = await this.#load();
    } catch (e) {
      return this.#refused(e instanceof Error ? e.message : String(e));
    }
    const root = this.#root;
    if (root === undefined) return this.#refused("eyrie is not running");
    const plan = planReload(this.#config, next);
    try {
      await this.#apply(root, next, plan);
    } catch (e) {
      // Only a supervisor that is stopping refuses; what was applied so far stays applied.
      return this.#refused(`reload stopped part way: ${(e as Error).message}`);
    }
    this.log.info("config reloaded", {
      added: plan.added.join(","),
      removed: plan.removed.join(","),
      changed: plan.changed.join(","),
      unchanged: plan.unchanged.join(","),
      restart_needed: plan.restartNeeded.join(","),
    });
    return { ok: true, ...plan };
  }

  async #apply(root: Supervisor, next: Config, plan: ReloadPlan): Promise<void> {
    const byId = new Map(next.camera.map((c) => [c.id, c]));
    for (const id of plan.removed) {
      await root.terminateChild(id, "removed");
      this.cameras.delete(id);
    }
    for (const id of plan.changed) {
      const node = this.#node(byId.get(id)!);
      this.cameras.set(id, node);
      await root.replaceChild(node.spec(this.#children), "config_changed");
    }
    for (const id of plan.added) {
      const node = this.#node(byId.get(id)!);
      this.cameras.set(id, node);
      await root.startChild(node.spec(this.#children));
    }
    this.#config = appliedConfig(this.#config, next);
    // Keep the map in the config's order, as /api/cameras lists it.
    const order = next.camera.map((c) => this.cameras.get(c.id)!);
    this.cameras.clear();
    for (const node of order) this.cameras.set(node.id, node);
    this.rtsp?.camerasChanged();
  }

  /**
   * Switches a camera to a quality preset now: its subtree restarts with the
   * preset's size, rate and bitrate (viewers reconnect). Lasts until the next
   * reload or restart; the config file stays the source of truth.
   */
  setQuality(id: string, preset: QualityPreset): Promise<CameraConfig> {
    const run = this.#reloading.then(async () => {
      const node = this.cameras.get(id);
      const root = this.#root;
      if (node === undefined || root === undefined) throw new RangeError(`No camera "${id}"`);
      const cam = withQuality(node.config, preset);
      const next = this.#node(cam);
      this.cameras.set(id, next);
      this.rtsp?.camerasChanged();
      await root.replaceChild(next.spec(this.#children), "config_changed");
      this.#config = {
        ...this.#config,
        camera: this.#config.camera.map((c) => (c.id === id ? cam : c)),
      };
      this.log.info("quality changed", {
        camera: id,
        preset,
        width: cam.width,
        height: cam.height,
        fps: cam.fps,
      });
      return cam;
    });
    this.#reloading = run.catch(() => {});
    return run;
  }

  #refused(reason: string): ReloadResult {
    this.log.error("config reload refused; the running config stays", { reason });
    return { ok: false, reason };
  }

  #node(cam: Config["camera"][number]): CameraNode {
    const node = new CameraNode(cam, {
      log: this.#sink,
      events: this.events,
      dataDir: this.#config.data_dir,
      recordings: this.recordings ?? undefined,
      processHosts: this.#processHosts,
    });
    node.parametersKnown.subscribe(() => this.rtsp?.camerasChanged());
    node.audioPresence.subscribe(() => this.rtsp?.camerasChanged());
    return node;
  }

  /** Resolves when the root supervisor ends (stopped, or gave up). */
  get exited(): Promise<ExitReason> {
    return this.#root!.exited;
  }

  /** Stops every camera, last first, within {@linkcode SHUTDOWN_MS}. */
  async stop(): Promise<void> {
    await this.#root?.stop("shutdown", SHUTDOWN_MS);
    await this.recordings?.close();
  }

  /** Adds a source of health problems (one sentence each) beyond the actors' states. */
  addHealthCheck(check: () => string[]): void {
    this.#healthChecks.push(check);
  }

  /** Free space where eyrie writes: the data dir, and the recordings dir when it is elsewhere. */
  disks(): DiskSpace[] {
    const { data_dir, recording } = this.#config;
    const dirs = recording.enabled && recording.dir !== data_dir
      ? [data_dir, recording.dir]
      : [data_dir];
    return dirs.map(diskSpace).filter((d): d is DiskSpace => d !== undefined);
  }

  /** Every actor of the tree, flattened ("front/encoder"), with its state. */
  actors(): ActorHealth[] {
    return this.#root === undefined ? [] : flattenTree(this.#root.status());
  }

  /** Whether camera `id` is live, and if not why not (undefined for no such camera). */
  cameraStatus(
    id: string,
    actors: readonly ActorHealth[] = this.actors(),
  ): CameraStatus | undefined {
    const node = this.cameras.get(id);
    return node === undefined ? undefined : cameraStatus(id, actors, node.source);
  }

  health(): Health {
    const actors = this.actors();
    // The floor is where recording stops; without recording there is none to reach.
    const recording = this.#config.recording;
    const floor = recording.enabled ? recording.min_free_bytes : 0;
    const disks = this.disks();
    const now = Date.now();
    const ofCamera = (a: ActorHealth) => this.cameras.has(a.id.split("/")[0]);
    const problems = [
      // A camera's actors speak through its status: one sentence per camera, with the cause.
      ...[...this.cameras.keys()].map((id) =>
        cameraProblem(id, this.cameraStatus(id, actors)!, now)
      )
        .filter((p): p is string => p !== null),
      ...[...this.cameras.values()].flatMap((n) => linkProblems(n.id, n.stats, now)),
      ...actorProblems(actors.filter((a) => !ofCamera(a))),
      // The floor holds recording: the recordings service says so (addHealthCheck), from the
      // reading retention acts on; a second reading here flapped against it.
      ...this.#healthChecks.flatMap((c) => c()),
    ];
    return {
      status: problems.length === 0 ? "ok" : "degraded",
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      version: VERSION,
      actors,
      disk: disks.map((d) => ({ path: d.path, free_bytes: d.freeBytes, min_free_bytes: floor })),
      problems,
    };
  }
}

function logEvent(log: Logger, e: SupervisorEvent): void {
  const child = (c: string) => (e.supervisor === "eyrie" ? c : `${e.supervisor}/${c}`);
  switch (e.type) {
    case "child_started":
      return log.debug("started", { actor: child(e.child) });
    case "child_stopped":
      return log.debug("stopped", { actor: child(e.child), exit: e.exit.kind });
    case "start_failed":
      return log.error("failed to start", { actor: child(e.child), error: e.message });
    case "child_exited":
      return e.exit.kind === "crashed"
        ? log.error("crashed", { actor: child(e.child), error: e.exit.error.message })
        : log.warn("exited", { actor: child(e.child), exit: e.exit.kind });
    case "restarting":
      return log.warn("restarting", {
        actors: e.children.map(child).join(","),
        cause: e.cause,
        delay_ms: e.delayMs,
        attempt: e.attempt,
      });
    case "gave_up":
      return log.error("gave up", { supervisor: e.supervisor, cause: e.cause });
    case "isolated":
      return log.error("isolated after too many restarts; trying again later", {
        actor: child(e.child),
        cause: e.cause,
        restarts: e.restarts,
        period_s: Math.round(e.periodMs / 1000),
        retry_in_ms: e.retryInMs,
      });
  }
}
