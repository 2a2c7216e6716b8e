/**
 * The supervisor's side of an actor: {@linkcode spawnActor} starts a Worker
 * (or takes a slot in a shared one, see host.ts), sends it `start` and
 * resolves once it runs. The returned {@linkcode ActorProcess} is a
 * supervised {@linkcode Child}: it reports how the actor ended on `exited`,
 * whatever the cause — a crash the actor reported, an error its Worker could
 * not report, silence past the heartbeat timeout (a hung or vanished
 * Worker), or a kill after `shutdownMs`.
 *
 * @module
 */
import type { ExitReason, SerializedError, StopReason } from "../defs.ts";
import type { LogSink } from "../log/logger.ts";
import type { Child, ChildStatus } from "../supervisor/child.ts";
import { type ActorPort, ownWorker } from "./_port.ts";
import type { ActorHost } from "./host.ts";
import {
  type ActorProtocol,
  deserializeError,
  type FromActor,
  type InjectedFault,
  serializeError,
  type ToActor,
} from "./protocol.ts";

/** An actor that did not start. `cause` is what it reported. */
export class ActorStartError extends Error {
  override name = "ActorStartError";
  readonly actorId: string;
  constructor(actorId: string, cause: SerializedError) {
    super(`Actor ${actorId} failed to start: ${cause.message}`, { cause: deserializeError(cause) });
    this.actorId = actorId;
  }
}

/** A call to an actor that is gone, or that did not answer in time. */
export class ActorCallError extends Error {
  override name = "ActorCallError";
}

export interface SpawnOptions<P extends ActorProtocol> {
  /** Id in the tree, e.g. "front/encoder". */
  id: string;
  /** The Worker module. Static `new URL("./x.ts", import.meta.url)` so `deno compile` finds it. */
  url: URL;
  /**
   * A shared Worker to run in instead of a Worker of its own (placement).
   * The host must list `url` among the modules it can load.
   */
  host?: ActorHost;
  init: P["init"];
  /** Records the Worker logs. */
  log: LogSink;
  onEvent?: (event: P["event"]) => void;
  /** How long `start` may take. Default 15 s (probing an encoder can take seconds on a Pi). */
  startTimeoutMs?: number;
  /** Liveness: a ping every `intervalMs`; no pong within `timeoutMs` counts as a crash. */
  heartbeat?: { intervalMs: number; timeoutMs: number };
}

export const DEFAULT_START_TIMEOUT_MS = 15_000;
export const DEFAULT_HEARTBEAT = { intervalMs: 2_000, timeoutMs: 10_000 };
/** Calls that take longer are answered with an error: an actor must never hang its caller. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

type Pending = {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
};

/** How an ending reaches the actor's Worker. */
type Ending =
  /** The actor ended on its own terms: let go of it. */
  | "release"
  /** It must end now: terminate its Worker (and so its neighbours in a shared one). */
  | "kill"
  /** Its Worker already ended under it. */
  | "lost";

/** A running actor. */
export class ActorProcess<P extends ActorProtocol> implements Child {
  readonly id: string;
  readonly exited: Promise<ExitReason>;
  /** The shared Worker it runs in, or undefined for a Worker of its own. */
  readonly host: ActorHost | undefined;
  readonly #port: ActorPort;
  readonly #onEvent: ((event: P["event"]) => void) | undefined;
  readonly #log: LogSink;
  readonly #calls = new Map<number, Pending>();
  #resolveExit!: (r: ExitReason) => void;
  #started: { resolve(): void; reject(e: Error): void } | undefined;
  #stopped: (() => void) | undefined;
  #exit: ExitReason | undefined;
  #rid = 0;
  #pingSent = 0;
  #lastHeard = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  readonly startedAt = Date.now();

  constructor(options: SpawnOptions<P>) {
    this.id = options.id;
    this.#onEvent = options.onEvent;
    this.#log = options.log;
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
    const owner = {
      receive: (m: FromActor) => this.#receive(m),
      lost: (reason: ExitReason) => this.#finish(reason, "lost"),
    };
    this.host = options.host;
    this.#port = options.host === undefined
      ? ownWorker(options.url, options.id, owner)
      : options.host.attach(options.url, owner);
    const hb = options.heartbeat ?? DEFAULT_HEARTBEAT;
    this.#lastHeard = performance.now();
    this.#heartbeat = setInterval(() => {
      // Until `started`, the start timeout governs: loading a Worker's modules takes a while.
      if (this.#started !== undefined) return;
      const now = performance.now();
      if (now - this.#lastHeard > hb.timeoutMs) {
        this.#finish({
          kind: "crashed",
          error: {
            name: "ActorUnresponsiveError",
            message: `no answer to a heartbeat for ${Math.round(now - this.#lastHeard)} ms`,
          },
        }, "kill");
        return;
      }
      // Any message since the last beat shows the Worker alive (stats come every second): no
      // ping then, which spares this thread and the Worker a wake-up each for every actor.
      if (now - this.#lastHeard < hb.intervalMs) return;
      this.#post({ type: "ping", n: ++this.#pingSent });
    }, hb.intervalMs);
  }

  /** Sends `start` and waits for `started`. */
  start(init: unknown, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = {
          name: "TimeoutError",
          message: `no answer to start within ${timeoutMs} ms`,
        };
        this.#finish({ kind: "crashed", error }, "kill");
      }, timeoutMs);
      this.#started = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#post({ type: "start", id: this.id, init });
    });
  }

  /** How the actor ended, or undefined while it runs. */
  get exit(): ExitReason | undefined {
    return this.#exit;
  }

  status(): ChildStatus {
    return { id: this.id, kind: "actor", state: this.#exit === undefined ? "running" : "stopped" };
  }

  /** A typed request; rejects with {@linkcode ActorCallError} when the actor is gone or slow. */
  call<K extends keyof P["calls"] & string>(
    name: K,
    args: P["calls"][K]["args"],
    options: { timeoutMs?: number } = {},
  ): Promise<P["calls"][K]["reply"]> {
    if (this.#exit !== undefined) {
      return Promise.reject(new ActorCallError(`Actor ${this.id} is not running`));
    }
    const rid = ++this.#rid;
    const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#calls.delete(rid);
        reject(
          new ActorCallError(`Actor ${this.id} did not answer "${name}" within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#calls.set(rid, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#post({ type: "call", rid, name, args });
    });
  }

  /** A one-way message; dropped when the actor is not running. */
  cast(msg: P["cast"]): void {
    if (this.#exit === undefined) this.#post({ type: "cast", msg });
  }

  /** Asks the actor to stop; terminates the Worker if it has not finished within `shutdownMs`. */
  async stop(reason: StopReason, shutdownMs: number): Promise<ExitReason> {
    if (this.#exit !== undefined) return this.#exit;
    const done = new Promise<void>((resolve) => (this.#stopped = resolve));
    this.#post({ type: "stop", reason });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), shutdownMs);
    });
    const late = await Promise.race([
      done.then(() => false),
      this.exited.then(() => false),
      timedOut,
    ]);
    clearTimeout(timer);
    if (late) this.#finish({ kind: "killed", afterMs: shutdownMs }, "kill");
    return await this.exited;
  }

  /** Injects a fault into the running Worker (the fault suite's hook; see InjectedFault). */
  injectFault(how: InjectedFault): void {
    if (this.#exit === undefined) this.#post({ type: "fault", how });
  }

  /** Terminates the Worker at once (a shared one with every actor in it). */
  kill(): void {
    this.#finish({ kind: "killed", afterMs: 0 }, "kill");
  }

  #post(m: ToActor): void {
    try {
      this.#port.post(m);
    } catch (error) {
      this.#finish({ kind: "crashed", error: serializeError(error) }, "kill");
    }
  }

  #receive(m: FromActor): void {
    // Whatever the Worker says shows it alive, a pong or anything else.
    this.#lastHeard = performance.now();
    switch (m.type) {
      case "pong":
        return;
      case "started":
        this.#started?.resolve();
        this.#started = undefined;
        return;
      case "done":
        this.#stopped?.();
        this.#finish({ kind: "normal" }, "release");
        return;
      case "crashed":
        this.#finish({ kind: "crashed", error: m.error }, "release");
        return;
      case "reply": {
        const pending = this.#calls.get(m.rid);
        if (pending === undefined) return; // answered after its timeout
        this.#calls.delete(m.rid);
        clearTimeout(pending.timer);
        if (m.ok) pending.resolve(m.value);
        else pending.reject(deserializeError(m.error));
        return;
      }
      case "event":
        this.#onEvent?.(m.event as P["event"]);
        return;
      case "log":
        this.#log(m.record);
        return;
    }
  }

  /** What the other actors of a shared Worker are told when this one's end terminates it. */
  #neighbours(reason: ExitReason): ExitReason {
    const host = this.host?.name ?? "";
    const why = reason.kind === "crashed"
      ? reason.error.name === "ActorUnresponsiveError"
        ? reason.error.message // the thread is hung: nobody in particular is to blame
        : `${this.id}: ${reason.error.message}`
      : reason.kind === "killed" && reason.afterMs > 0
      ? `${this.id} did not stop within ${reason.afterMs} ms`
      : `${this.id} was killed`;
    return {
      kind: "crashed",
      error: { name: "ActorHostError", message: `Shared Worker ${host} was terminated: ${why}` },
    };
  }

  #finish(reason: ExitReason, ending: Ending): void {
    if (this.#exit !== undefined) return;
    this.#exit = reason;
    clearInterval(this.#heartbeat);
    if (ending === "release") this.#port.release();
    else if (ending === "kill") this.#port.kill(this.#neighbours(reason));
    for (const p of this.#calls.values()) {
      clearTimeout(p.timer);
      p.reject(new ActorCallError(`Actor ${this.id} ended (${reason.kind})`));
    }
    this.#calls.clear();
    if (this.#started !== undefined) {
      const cause: SerializedError = reason.kind === "crashed"
        ? reason.error
        : { name: "Error", message: `ended (${reason.kind}) before it started` };
      this.#started.reject(new ActorStartError(this.id, cause));
      this.#started = undefined;
    }
    this.#resolveExit(reason);
  }
}

/** Starts an actor's Worker and resolves once it runs; rejects with {@linkcode ActorStartError}. */
export async function spawnActor<P extends ActorProtocol>(
  options: SpawnOptions<P>,
): Promise<ActorProcess<P>> {
  const actor = new ActorProcess<P>(options);
  await actor.start(options.init, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  return actor;
}
