/**
 * The Worker side of a shared Worker: {@linkcode serveHost} runs any number
 * of actors in one Worker, one {@linkcode ActorRunner} per slot, so they
 * share one V8 isolate (10–15 MB each) and one copy of the modules they have
 * in common.
 *
 * Each actor still ends on its own: a failed start or stop, a handler that
 * throws, `ctx.crash()` or `ctx.exit()` end that actor and leave its
 * neighbours running. A crashed actor is stopped before its crash is
 * reported, so none of its loops outlive it (see RunnerOptions in
 * _runner.ts); one that will not stop ends the Worker. What nobody can be blamed for — an error thrown from a
 * timer callback, an unhandled rejection — ends the Worker: the host reports
 * it on {@linkcode HOST_SLOT} and closes, and the supervisor's side reports
 * every actor it hosted as crashed with that cause.
 *
 * Actor modules are imported on the first `start` that names them, one at a
 * time, from the loaders the host module lists (static specifiers, so that
 * `deno compile` finds them): a host loads only what it runs. The import
 * tells the host which factory belongs to which module, so an actor module
 * calls runActor() once and imports no other actor module.
 *
 * @module
 */
import { ActorRunner, isActorEnded } from "./_runner.ts";
import { setRegistrar } from "./_registry.ts";
import {
  type ActorProtocol,
  type FromHost,
  HOST_SLOT,
  serializeError,
  type ToHost,
} from "./protocol.ts";
import type { Actor } from "./worker.ts";

/** Loaders of the actor modules a host may run, by the href of their `*_WORKER` URL. */
export type HostedModules = Readonly<Record<string, () => Promise<unknown>>>;

interface HostScope {
  postMessage(message: FromHost): void;
  close(): void;
  onmessage: ((e: MessageEvent<ToHost>) => void) | null;
  addEventListener(type: string, listener: (e: Event) => void): void;
}

/** Serves this Worker as a host for the actor modules in `modules`. Call once, at the top level. */
export function serveHost(modules: HostedModules): void {
  const scope = self as unknown as HostScope;
  const factories = new Map<string, () => Actor<ActorProtocol>>();
  const runners = new Map<number, Promise<ActorRunner | null>>();
  let registered: (() => Actor<ActorProtocol>) | undefined;
  let loading: Promise<unknown> = Promise.resolve();
  let closed = false;
  setRegistrar((make) => (registered = make));

  /** The factory of the actor module at `url`, importing it (one import at a time) when new. */
  const factory = (url: string): Promise<() => Actor<ActorProtocol>> => {
    const run = loading.then(async () => {
      const known = factories.get(url);
      if (known !== undefined) return known;
      const load = modules[url];
      if (load === undefined) throw new TypeError(`This host Worker cannot run "${url}"`);
      registered = undefined;
      await load();
      const make = registered as (() => Actor<ActorProtocol>) | undefined;
      if (make === undefined) throw new TypeError(`"${url}" did not call runActor()`);
      factories.set(url, make);
      return make;
    });
    loading = run.catch(() => {});
    return run;
  };

  const fail = (reason: unknown) => {
    if (isActorEnded(reason) || closed) return;
    closed = true;
    scope.postMessage({ slot: HOST_SLOT, m: { type: "crashed", error: serializeError(reason) } });
    scope.close();
  };
  scope.addEventListener("error", (e) => {
    e.preventDefault();
    fail((e as ErrorEvent).error ?? (e as ErrorEvent).message);
  });
  scope.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    fail((e as PromiseRejectionEvent).reason);
  });

  scope.onmessage = async (e) => {
    const { slot, url, m } = e.data;
    if (closed) return;
    if (m.type === "ping") {
      // The thread answers: liveness is the Worker's, whichever actor asks.
      scope.postMessage({ slot, m: { type: "pong", n: m.n } });
      return;
    }
    if (m.type === "start" && !runners.has(slot)) {
      const post = (out: FromHost["m"]) => {
        if (!closed) scope.postMessage({ slot, m: out });
      };
      // Messages that come while the module loads wait for it, in order.
      runners.set(
        slot,
        factory(url ?? "").then(
          (make) => new ActorRunner(make, post, () => runners.delete(slot), { stuck: fail }),
          (error) => {
            runners.delete(slot);
            post({ type: "crashed", error: serializeError(error) });
            return null;
          },
        ),
      );
    }
    const runner = await runners.get(slot);
    await runner?.handle(m);
  };
}
