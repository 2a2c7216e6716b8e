/**
 * The Worker side of an actor: {@linkcode runActor} connects an
 * {@linkcode Actor} to the envelope of protocol.ts and reports every way a
 * Worker can die (an uncaught error, an unhandled rejection, a failed start)
 * as `crashed` before it closes. Loaded by a host Worker instead
 * (hosting.ts), it registers the actor there.
 *
 * @module
 */
import type { StopReason } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import { type ActorProtocol, type FromActor, serializeError, type ToActor } from "./protocol.ts";
import { ActorRunner, isActorEnded } from "./_runner.ts";
import { currentRegistrar } from "./_registry.ts";

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

/**
 * Runs `make()`'s actor. Call once, at the top level of the actor's module.
 * In a Worker of its own, the actor takes over the Worker; in a host Worker
 * that imported the module (see hosting.ts), the host keeps the factory and
 * runs one actor per `start` it receives.
 */
export function runActor<P extends ActorProtocol>(make: () => Actor<P>): void {
  const host = currentRegistrar();
  if (host !== undefined) {
    host(make as unknown as () => Actor<ActorProtocol>);
    return;
  }
  const scope = self as unknown as WorkerScope;
  const runner = new ActorRunner(
    make as unknown as () => Actor<ActorProtocol>,
    (m) => scope.postMessage(m),
    // Closing lets the posted message out first; the supervisor terminates
    // the Worker anyway once it has read it.
    () => scope.close(),
  );
  // Whatever escapes the actor's handlers ends the Worker, and so the actor.
  const uncaught = (reason: unknown) => {
    if (!isActorEnded(reason)) runner.crash(serializeError(reason));
  };
  scope.addEventListener("error", (e) => {
    e.preventDefault();
    uncaught((e as ErrorEvent).error ?? (e as ErrorEvent).message);
  });
  scope.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    uncaught((e as PromiseRejectionEvent).reason);
  });
  scope.onmessage = (e) => void runner.handle(e.data);
}
