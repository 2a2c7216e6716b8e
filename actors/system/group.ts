/**
 * A nested supervisor inside a camera subtree, for consumers that must not
 * restart each other: e.g. the recorder and the live path both read the
 * access-unit ring, so a crash of one leaves the other alone.
 *
 * @module
 */
import { type ChildSpec, Supervisor, type SupervisorFlags } from "../supervisor/mod.ts";
import type { ChildFactory } from "./camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "./flags.ts";

/** Independent consumers: one crashing restarts only itself. */
export const INDEPENDENT: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 5,
  periodMs: 60_000,
  backoff: { initialMs: 500, maxMs: 10_000 },
};

/** A chain (packetizer → transports): a crash restarts what comes after it. */
export const CHAIN: SupervisorFlags = { ...INDEPENDENT, strategy: "rest_for_one" };

/** A child that is a supervisor of `factories`; null when none of them applies to the camera. */
export function groupChild(
  id: string,
  flags: SupervisorFlags,
  factories: readonly ChildFactory[],
): ChildFactory {
  return (node, ctx) => {
    const specs = factories.map((f) => f(node, ctx)).filter((s): s is ChildSpec => s !== null);
    if (specs.length === 0) return null;
    return {
      id,
      restart: "permanent",
      shutdownMs: ACTOR_SHUTDOWN_MS * (specs.length + 1),
      start: () =>
        Supervisor.start({ id: `${node.id}/${id}`, flags, children: specs, events: ctx.events }),
    };
  };
}
