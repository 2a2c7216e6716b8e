/**
 * The Worker side of an actor: {@linkcode runActor} connects an
 * {@linkcode Actor} to the envelope of protocol.ts and reports every way a
 * Worker can die (an uncaught error, an unhandled rejection, a failed start)
 * as `crashed` before it closes.
 *
 * @module
 */
import type { StopReason } from "../defs.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { type ActorProtocol, type FromActor, serializeError, type ToActor } from "./protocol.ts";

/** What an actor can do besides answering messages. */
export interface ActorContext<P extends ActorProtocol> {
  /** The actor's id in the supervision tree, e.g. "front/encoder". */
  readonly id: string;
  readonly log: Logger;
  /** Sends an event to the supervisor's side. */
  emit(event: P["event"]): void;
  /** Ends the actor as crashed: the supervisor decides what happens next. */
  crash(error: unknown): never;
  /** Ends the actor normally (a transient actor whose work is done). */
  exit(): void;
}

/** The handlers of one actor. */
export interface Actor<P extends ActorProtocol> {
  /** Starts the work. Throwing (or rejecting) reports a crash. */
  start(init: P["init"], ctx: ActorContext<P>): void | Promise<void>;
  /** Stops the work and releases what it holds; `done` follows. */
  stop(reason: StopReason): void | Promise<void>;
  cast(msg: P["cast"]): void;
  calls: {
    [K in keyof P["calls"]]: (args: P["calls"][K]["args"]) => Promise<P["calls"][K]["reply"]>;
  };
}

interface WorkerScope {
  postMessage(message: FromActor): void;
  close(): void;
  onmessage: ((e: MessageEvent<ToActor>) => void) | null;
  addEventListener(type: string, listener: (e: Event) => void): void;
}

/** Runs `make()`'s actor in this Worker. Call once, at the Worker's top level. */
export function runActor<P extends ActorProtocol>(make: () => Actor<P>): void {
  const scope = self as unknown as WorkerScope;
  let actor: Actor<P> | undefined;
  let ended = false;
  let id = "actor";

  const post = (m: FromActor) => {
    if (!ended) scope.postMessage(m);
  };
  const end = (m: FromActor) => {
    post(m);
    ended = true;
    // Closing lets the posted message out first; the supervisor terminates
    // the Worker anyway once it has read it.
    scope.close();
  };
  const crash = (error: unknown): never => {
    end({ type: "crashed", error: serializeError(error) });
    throw error;
  };

  scope.addEventListener("error", (e) => {
    e.preventDefault();
    end({
      type: "crashed",
      error: serializeError((e as ErrorEvent).error ?? (e as ErrorEvent).message),
    });
  });
  scope.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    end({ type: "crashed", error: serializeError((e as PromiseRejectionEvent).reason) });
  });

  scope.onmessage = async (e) => {
    const m = e.data;
    if (ended) return;
    switch (m.type) {
      case "ping":
        post({ type: "pong", n: m.n });
        return;
      case "start": {
        id = m.id;
        const log = createLogger(id, (record) => post({ type: "log", record }), "debug");
        const ctx: ActorContext<P> = {
          id,
          log,
          emit: (event) => post({ type: "event", event }),
          crash,
          exit: () => end({ type: "done" }),
        };
        try {
          actor = make();
          await actor.start(m.init as P["init"], ctx);
          post({ type: "started" });
        } catch (error) {
          if (!ended) end({ type: "crashed", error: serializeError(error) });
        }
        return;
      }
      case "stop":
        try {
          await actor?.stop(m.reason);
          end({ type: "done" });
        } catch (error) {
          end({ type: "crashed", error: serializeError(error) });
        }
        return;
      case "cast":
        actor?.cast(m.msg as P["cast"]);
        return;
      case "fault":
        if (m.how === "throw") {
          setTimeout(() => {
            throw new Error(`Injected fault in ${id}`);
          });
        } else {
          // Blocks this thread until the supervisor terminates the Worker.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
        }
        return;
      case "call": {
        const handler = actor?.calls[m.name as keyof P["calls"]];
        if (handler === undefined) {
          post({
            type: "reply",
            rid: m.rid,
            ok: false,
            error: { name: "TypeError", message: `Actor ${id} has no call "${m.name}"` },
          });
          return;
        }
        try {
          const value = await handler(m.args as P["calls"][keyof P["calls"]]["args"]);
          post({ type: "reply", rid: m.rid, ok: true, value });
        } catch (error) {
          post({ type: "reply", rid: m.rid, ok: false, error: serializeError(error) });
        }
        return;
      }
    }
  };
}
