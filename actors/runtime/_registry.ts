/**
 * How {@linkcode runActor} finds out that its module was loaded by a host
 * Worker (serveHost) rather than as a Worker of its own: the host installs a
 * registrar before it imports an actor module, and runActor hands its factory
 * to it instead of taking over the Worker. One per JS realm, like every
 * module's state.
 *
 * @module
 */
import type { ActorProtocol } from "./protocol.ts";
import type { Actor } from "./worker.ts";

export type Registrar = (make: () => Actor<ActorProtocol>) => void;

let registrar: Registrar | undefined;

/** Called by a host Worker, before it imports any actor module. */
export function setRegistrar(r: Registrar): void {
  registrar = r;
}

/** The host's registrar, when this realm is a host Worker. */
export function currentRegistrar(): Registrar | undefined {
  return registrar;
}
