/**
 * A nested supervisor inside a camera subtree: a group of actors with its
 * own restart window, so a crash loop in one group (the live path) spends
 * that group's intensity before the camera's.
 *
 * @module
 */
import { type ChildSpec, Supervisor, type SupervisorFlags } from "../supervisor/mod.ts";
import type { ChildFactory } from "./camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "./flags.ts";

/**
 * Consumers that share nothing but rings: one crashing restarts only itself.
 * This holds for a chain too (packetizer → RTP outputs, viewers): the RTP
 * ring outlives the packetizer and its sequence numbers and SSRC continue
 * across its restarts, so the viewers' sessions survive it.
 */
export const INDEPENDENT: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 5,
  periodMs: 60_000,
  backoff: { initialMs: 500, maxMs: 10_000, jitter: 0.2 },
};

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
