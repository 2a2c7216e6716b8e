/**
 * The forward actors' place in a camera subtree: under outputs, one per
 * `[[camera.forward]]` in their own one_for_one group, each with its own
 * reader of the access-unit ring (READER.tlsSender + index).
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { groupChild, INDEPENDENT } from "../system/group.ts";
import { READER } from "../system/rings.ts";
import { FORWARD_WORKER, type ForwardProtocol } from "./protocol.ts";

/** The child for `[[camera.forward]]` number `index`. */
export function forwardChild(index: number): ChildFactory {
  return (node, ctx) => ({
    id: String(index),
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: () =>
      spawnActor<ForwardProtocol>({
        id: `${node.id}/forward/${index}`,
        url: FORWARD_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          cameraId: node.id,
          index,
          config: node.config.forward[index],
          au: node.rings.au,
          reader: READER.tlsSender + index,
        },
        log: ctx.log,
        onEvent: (e) => {
          switch (e.type) {
            case "stats":
              node.stats.set(`forward[${index}]`, e.stats);
              return;
            case "keyframe":
              node.requestKeyframe();
              return;
          }
        },
      }),
  });
}

/** The "forward" group of a camera with `[[camera.forward]]`; null without any. */
export const forwardsChild: ChildFactory = (node, ctx) =>
  groupChild("forward", INDEPENDENT, node.config.forward.map((_, i) => forwardChild(i)))(node, ctx);
