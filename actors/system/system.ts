/**
 * The whole of a running eyrie on the main thread: the root supervisor with
 * one subtree per camera, the event stream, and health.
 *
 * @module
 */
import type { Config, ExitReason } from "../defs.ts";
import { createLogger, filterSink, type Logger, type LogSink } from "../../ui/log/logger.ts";
import { EventStream, Supervisor, type SupervisorEvent } from "../supervisor/mod.ts";
import { VERSION } from "../../ui/cli/version.ts";
import { CameraNode, type ChildFactory } from "./camera_node.ts";
import { ROOT_FLAGS, SHUTDOWN_MS } from "./flags.ts";
import { actorProblems, flattenTree, type Health } from "./health.ts";
import { CAMERA_CHILDREN } from "./children.ts";
import { Recordings } from "../recorder/service.ts";

export interface SystemOptions {
  config: Config;
  log: LogSink;
  /** The actors of each camera subtree, in data-flow order. Default: {@linkcode CAMERA_CHILDREN}. */
  children?: readonly ChildFactory[];
}

export class System {
  readonly config: Config;
  readonly events = new EventStream<SupervisorEvent>();
  readonly cameras = new Map<string, CameraNode>();
  readonly log: Logger;
  readonly startedAt = Date.now();
  /** The recording index and its upkeep; null when recording is disabled. */
  readonly recordings: Recordings | null;
  #root: Supervisor | undefined;
  readonly #healthChecks: (() => string[])[] = [];

  private constructor(options: SystemOptions, recordings: Recordings | null) {
    this.recordings = recordings;
    this.config = options.config;
    const sink = filterSink(options.log, options.config.log.level);
    this.log = createLogger("eyrie", sink, options.config.log.level);
    this.events.subscribe((e) => logEvent(this.log, e));
    for (const cam of options.config.camera) {
      this.cameras.set(
        cam.id,
        new CameraNode(cam, {
          log: options.log,
          events: this.events,
          dataDir: options.config.data_dir,
          recordings: recordings ?? undefined,
        }),
      );
    }
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
    const children = options.children ?? CAMERA_CHILDREN;
    system.#root = await Supervisor.start({
      id: "eyrie",
      flags: ROOT_FLAGS,
      children: [...system.cameras.values()].map((c) => c.spec(children)),
      events: system.events,
      retryFailedStarts: true,
    });
    return system;
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

  health(): Health {
    const actors = this.#root === undefined ? [] : flattenTree(this.#root.status());
    const problems = [...actorProblems(actors), ...this.#healthChecks.flatMap((c) => c())];
    return {
      status: problems.length === 0 ? "ok" : "degraded",
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      version: VERSION,
      actors,
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
  }
}
