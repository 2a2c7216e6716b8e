/**
 * Actors as Deno Workers: the envelope (protocol.ts), the Worker side
 * ({@linkcode runActor}) and the supervisor side ({@linkcode spawnActor}).
 *
 * @module
 */
export {
  type ActorProtocol,
  type CallShape,
  deserializeError,
  type FromActor,
  serializeError,
  type ToActor,
} from "./protocol.ts";
export { type Actor, type ActorContext, runActor } from "./worker.ts";
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
