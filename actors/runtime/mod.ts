/**
 * Actors as Deno Workers: the envelope (protocol.ts), the Worker side
 * ({@linkcode runActor}, or {@linkcode serveHost} for a Worker shared by
 * several actors) and the supervisor's side ({@linkcode spawnActor},
 * {@linkcode ActorHost}).
 *
 * @module
 */
export {
  type ActorProtocol,
  type CallShape,
  deserializeError,
  type FromActor,
  type FromHost,
  HOST_SLOT,
  serializeError,
  type ToActor,
  type ToHost,
} from "./protocol.ts";
export { type Actor, type ActorContext, runActor } from "./worker.ts";
export { type HostedModules, serveHost } from "./hosting.ts";
export { ActorHost, ActorHosts } from "./host.ts";
export {
  ActorCallError,
  ActorProcess,
  ActorStartError,
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_HEARTBEAT,
  DEFAULT_START_TIMEOUT_MS,
  spawnActor,
  type SpawnOptions,
} from "./actor.ts";
