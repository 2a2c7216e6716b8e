/**
 * How the supervisor's side reaches one actor: through a Worker of its own,
 * or through a slot of a shared Worker (host.ts). An {@linkcode ActorProcess}
 * talks to a port and never to the Worker, so both look the same to it.
 *
 * @module
 */
import type { ExitReason } from "../defs.ts";
import type { FromActor, ToActor } from "./protocol.ts";
import { WorkerLeftovers } from "./_leftovers.ts";

/** What a port tells the actor's process. */
export interface PortOwner {
  /** A message from the actor. */
  receive(m: FromActor): void;
  /** The Worker under the actor ended (crashed, or terminated for a neighbour): the actor with it. */
  lost(reason: ExitReason): void;
}

export interface ActorPort {
  /** Sends to the actor; throws when the message cannot be posted (not cloneable). */
  post(m: ToActor): void;
  /** The actor ended on its own terms (`done`, or a crash it reported): let go of it. */
  release(): void;
  /**
   * The actor must end now whatever it is doing (silent past its heartbeat,
   * no answer to start or stop, killed): end the Worker that runs it. In a
   * shared Worker that ends its neighbours too; they are told `neighbours`.
   */
  kill(neighbours: ExitReason): void;
}

/** A Worker that runs one actor. */
export function ownWorker(url: URL, name: string, owner: PortOwner): ActorPort {
  const worker = new Worker(url, { type: "module", name });
  const leftovers = new WorkerLeftovers(name);
  const end = () => {
    worker.terminate();
    leftovers.stop((record) => owner.receive({ type: "log", record }));
  };
  worker.onmessage = (e: MessageEvent<FromActor>) => owner.receive(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    end();
    owner.lost({
      kind: "crashed",
      error: { name: "Error", message: e.message || "uncaught error in the Worker" },
    });
  };
  worker.onmessageerror = () => {
    end();
    owner.lost({
      kind: "crashed",
      error: { name: "DataCloneError", message: "a message from the Worker could not be read" },
    });
  };
  return {
    post: (m) => worker.postMessage(m.type === "start" ? { ...m, ledger: leftovers.ledger } : m),
    release: end,
    kill: end,
  };
}
