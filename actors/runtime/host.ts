/**
 * The supervisor's side of a shared Worker. An {@linkcode ActorHost} is one
 * Worker that runs several actors (hosting.ts on the Worker side); each actor
 * in it is still an {@linkcode ActorProcess} of its own — its own `exited`,
 * stop, calls and heartbeat — reached through a slot of the host.
 *
 * What one actor does to its neighbours:
 * - it ends on its own terms (stops, exits, crashes in a way it reports:
 *   a failed start or stop, a handler that throws, `ctx.crash()`): only
 *   that actor ends, the others keep running;
 * - the Worker fails under it (an error thrown from a timer callback, an
 *   unhandled rejection, an error the Worker could not report): every actor
 *   of the host is reported crashed with that cause;
 * - it must be killed (silent past its heartbeat — a hung thread hangs them
 *   all —, no answer to start within its timeout, no `done` within
 *   `shutdownMs`): the Worker is terminated, the actor ends as it would
 *   alone, and every neighbour is reported crashed, naming why.
 *
 * The Worker is terminated when its last actor is gone. A host that ended
 * takes no new actors: {@linkcode ActorHosts} makes a fresh one.
 *
 * @module
 */
import type { ExitReason, SerializedError } from "../defs.ts";
import type { ActorPort, PortOwner } from "./_port.ts";
import { type FromHost, HOST_SLOT, type ToHost } from "./protocol.ts";
import { WorkerLeftovers } from "./_leftovers.ts";

/** A Worker shared by several actors. */
export class ActorHost {
  /** The Worker's name, e.g. "front/io". */
  readonly name: string;
  readonly #worker: Worker;
  readonly #members = new Map<number, PortOwner>();
  readonly #leftovers: WorkerLeftovers;
  #nextSlot = 0;
  #ended = false;

  /** Starts the Worker from `url`, a module that calls serveHost(). */
  constructor(name: string, url: URL) {
    this.name = name;
    this.#leftovers = new WorkerLeftovers(name);
    this.#worker = new Worker(url, { type: "module", name });
    this.#worker.onmessage = (e: MessageEvent<FromHost>) => {
      const { slot, m } = e.data;
      if (slot === HOST_SLOT && m.type === "crashed") {
        this.#fail(() => ({ kind: "crashed", error: this.#blame(m.error) }));
      } else {
        this.#members.get(slot)?.receive(m);
      }
    };
    this.#worker.onerror = (e) => {
      e.preventDefault();
      const error = { name: "Error", message: e.message || "uncaught error in the Worker" };
      this.#fail(() => ({ kind: "crashed", error: this.#blame(error) }));
    };
    this.#worker.onmessageerror = () => {
      const error = {
        name: "DataCloneError",
        message: "a message from the Worker could not be read",
      };
      this.#fail(() => ({ kind: "crashed", error: this.#blame(error) }));
    };
  }

  /** False once the Worker ended (its last actor left, or it failed). */
  get alive(): boolean {
    return !this.#ended;
  }

  /** Actors running in it now. */
  get size(): number {
    return this.#members.size;
  }

  /** A slot for one actor whose Worker module is `url`; throws once the host has ended. */
  attach(url: URL, owner: PortOwner): ActorPort {
    if (this.#ended) throw new TypeError(`The shared Worker ${this.name} has ended`);
    const slot = this.#nextSlot++;
    this.#members.set(slot, owner);
    const href = url.href;
    return {
      post: (m) => {
        if (this.#ended) return;
        const envelope: ToHost = m.type === "start"
          ? { slot, url: href, m: { ...m, ledger: this.#leftovers.ledger } }
          : { slot, m };
        this.#worker.postMessage(envelope);
      },
      release: () => {
        this.#members.delete(slot);
        if (this.#members.size === 0) this.#end(owner);
      },
      kill: (neighbours) => {
        this.#members.delete(slot);
        this.#fail(() => neighbours, owner);
      },
    };
  }

  /** The cause as every actor of the host reports it. */
  #blame(error: SerializedError): SerializedError {
    return { ...error, message: `Shared Worker ${this.name}: ${error.message}` };
  }

  /** Terminates the Worker and stops what it leaves; `logTo` says so in its log. */
  #end(logTo: PortOwner | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#worker.terminate();
    const to = logTo ?? this.#members.values().next().value;
    this.#leftovers.stop((record) => to?.receive({ type: "log", record }));
  }

  /** Ends the Worker and every actor still in it, each with `reason()`. */
  #fail(reason: () => ExitReason, logTo?: PortOwner): void {
    this.#end(logTo);
    const members = [...this.#members.values()];
    this.#members.clear();
    for (const m of members) m.lost(reason());
  }
}

/**
 * The shared Workers of one camera, by host name. `get(name)` returns the
 * running host of that name, or starts a new one when there is none (or
 * the last one ended). Names in `shared.names` are another ActorHosts'
 * (the process's, whose Workers serve every camera): `get` asks it instead.
 */
export class ActorHosts {
  readonly #url: URL;
  readonly #prefix: string;
  readonly #separate: boolean;
  readonly #shared: { names: ReadonlySet<string>; hosts: ActorHosts } | undefined;
  readonly #hosts = new Map<string, ActorHost>();

  /**
   * `url` is the host Worker module; hosts are named `<prefix>/<name>`.
   * With `separate`, every actor gets a Worker of its own (EYRIE_PLACEMENT=separate).
   */
  constructor(
    url: URL,
    prefix: string,
    options: {
      separate?: boolean;
      shared?: { names: ReadonlySet<string>; hosts: ActorHosts };
    } = {},
  ) {
    this.#url = url;
    this.#prefix = prefix;
    this.#separate = options.separate ?? false;
    this.#shared = options.shared;
  }

  /** The host named `name`, or undefined for "a Worker of its own" (no name, or placement off). */
  get(name: string | undefined): ActorHost | undefined {
    if (name === undefined || this.#separate) return undefined;
    if (this.#shared?.names.has(name)) return this.#shared.hosts.get(name);
    let host = this.#hosts.get(name);
    if (host === undefined || !host.alive) {
      host = new ActorHost(`${this.#prefix}/${name}`, this.#url);
      this.#hosts.set(name, host);
    }
    return host;
  }
}
