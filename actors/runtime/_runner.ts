/**
 * One actor's side of the envelope, inside whatever Worker runs it: its own
 * (runActor) or a shared one (serveHost). It turns `ToActor` messages into
 * calls of the actor's handlers and reports how the actor ends — `done`, or
 * `crashed` for everything it can be blamed for: a failed start or stop, a
 * handler that throws, `ctx.crash()`. Errors nobody can be blamed for (a
 * throw in a timer callback, a stray rejection) belong to the Worker; its
 * owner handles them.
 *
 * @module
 */
import type { SerializedError } from "../defs.ts";
import { createLogger } from "../log/logger.ts";
import { usePipelineLedger } from "../../ffi/gst/ledger.ts";
import { type ActorProtocol, type FromActor, serializeError, type ToActor } from "./protocol.ts";
import type { Actor, ActorContext } from "./worker.ts";

/**
 * What `ctx.crash()` throws to unwind its caller once the crash is reported.
 * The Worker's error handlers recognise it and do not report it again.
 */
export class ActorEnded extends Error {
  override name = "ActorEnded";
}

/** Whether an uncaught error or rejection is the unwinding of a crash already reported. */
export function isActorEnded(reason: unknown): boolean {
  return reason instanceof ActorEnded;
}

/**
 * How long an injected `hang` blocks the Worker's thread: far past any
 * heartbeat's timeout, so the supervisor finds it and terminates the Worker,
 * whose thread ends once the wait does.
 */
export const INJECTED_HANG_MS = 60_000;

/** How long a crashed actor in a shared Worker may take to stop before the Worker is ended. */
export const CRASH_CLEANUP_MS = 5_000;

export interface RunnerOptions {
  /**
   * Set in a shared Worker. There an actor that crashes would leave its loops
   * and timers running among its neighbours (nothing terminates them), and
   * its restarted self would find its predecessor still reading and writing
   * the same rings. So the runner stops a crashed actor first (its own
   * `stop("restart")`, at most {@linkcode CRASH_CLEANUP_MS}) and reports the
   * crash after. A stop that does not end in time calls `stuck`, which ends
   * the Worker and every actor in it.
   */
  readonly stuck?: (error: Error) => void;
}

export class ActorRunner {
  readonly #make: () => Actor<ActorProtocol>;
  readonly #post: (m: FromActor) => void;
  readonly #onEnd: () => void;
  readonly #stuck: ((error: Error) => void) | undefined;
  #actor: Actor<ActorProtocol> | undefined;
  #ended = false;
  #stopping = false;
  #id = "actor";

  /**
   * `post` sends to the supervisor's side; `onEnd` runs once when the actor
   * is over (after its last message was posted).
   */
  constructor(
    make: () => Actor<ActorProtocol>,
    post: (m: FromActor) => void,
    onEnd: () => void,
    options: RunnerOptions = {},
  ) {
    this.#make = make;
    this.#post = post;
    this.#onEnd = onEnd;
    this.#stuck = options.stuck;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Reports the actor crashed with `error` and ends it (no-op once ended). */
  crash(error: SerializedError): void {
    this.#end({ type: "crashed", error });
  }

  async handle(m: ToActor): Promise<void> {
    if (this.#ended) return;
    switch (m.type) {
      case "ping":
        this.#send({ type: "pong", n: m.n });
        return;
      case "start": {
        this.#id = m.id;
        if (m.ledger !== undefined) usePipelineLedger(m.ledger);
        const ctx: ActorContext<ActorProtocol> = {
          id: m.id,
          log: createLogger(m.id, (record) => this.#send({ type: "log", record }), "debug"),
          emit: (event) => this.#send({ type: "event", event }),
          crash: (error) => {
            this.#end({ type: "crashed", error: serializeError(error) });
            throw new ActorEnded(`Actor ${m.id} crashed`, { cause: error });
          },
          exit: () => this.#end({ type: "done" }),
        };
        try {
          this.#actor = this.#make();
          await this.#actor.start(m.init, ctx);
          this.#send({ type: "started" });
        } catch (error) {
          this.#end({ type: "crashed", error: serializeError(error) });
        }
        return;
      }
      case "stop":
        this.#stopping = true;
        try {
          await this.#actor?.stop(m.reason);
          this.#end({ type: "done" });
        } catch (error) {
          this.#end({ type: "crashed", error: serializeError(error) });
        }
        return;
      case "cast":
        try {
          this.#actor?.cast(m.msg as { type: string });
        } catch (error) {
          if (!isActorEnded(error)) this.#end({ type: "crashed", error: serializeError(error) });
        }
        return;
      case "fault":
        if (m.how === "throw") {
          // As a handler that throws: this actor's crash, not its neighbours'.
          this.#end({
            type: "crashed",
            error: serializeError(new Error(`Injected fault in ${this.#id}`)),
          });
        } else {
          // Blocks the Worker's thread, past any heartbeat. Bounded: Deno cannot end a
          // Worker whose thread never returns, so a hang for good would keep the thread.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, INJECTED_HANG_MS);
        }
        return;
      case "call": {
        const handler = this.#actor?.calls[m.name];
        if (handler === undefined) {
          this.#send({
            type: "reply",
            rid: m.rid,
            ok: false,
            error: { name: "TypeError", message: `Actor ${this.#id} has no call "${m.name}"` },
          });
          return;
        }
        try {
          const value = await handler(m.args);
          this.#send({ type: "reply", rid: m.rid, ok: true, value });
        } catch (error) {
          this.#send({ type: "reply", rid: m.rid, ok: false, error: serializeError(error) });
        }
        return;
      }
    }
  }

  #send(m: FromActor): void {
    if (!this.#ended) this.#post(m);
  }

  #end(m: FromActor): void {
    if (this.#ended) return;
    this.#ended = true;
    const actor = this.#actor;
    if (
      m.type === "crashed" && this.#stuck !== undefined && actor !== undefined && !this.#stopping
    ) {
      void this.#cleanUp(actor, m);
      return;
    }
    this.#post(m);
    this.#onEnd();
  }

  /** Stops a crashed actor in a shared Worker, then reports its crash (see RunnerOptions). */
  async #cleanUp(actor: Actor<ActorProtocol>, m: FromActor & { type: "crashed" }): Promise<void> {
    this.#stopping = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = await Promise.race([
      // A stop that throws has still run: what it could release is released.
      Promise.resolve().then(() => actor.stop("restart")).then(() => true, () => true),
      new Promise<boolean>((
        resolve,
      ) => (timer = setTimeout(() => resolve(false), CRASH_CLEANUP_MS))),
    ]);
    clearTimeout(timer);
    if (!stopped) {
      this.#stuck!(
        new Error(
          `Actor ${this.#id} crashed (${m.error.message}) and did not stop within ${CRASH_CLEANUP_MS} ms`,
        ),
      );
      return;
    }
    this.#post(m);
    this.#onEnd();
  }
}
