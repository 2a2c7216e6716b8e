/**
 * The encoder actor's place in a camera subtree.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { READER } from "../system/rings.ts";
import { ENCODER_WORKER, type EncoderProtocol } from "./protocol.ts";

export const encoderChild: ChildFactory = (node, ctx) => ({
  id: "encoder",
  restart: "permanent",
  shutdownMs: ACTOR_SHUTDOWN_MS,
  start: async () => {
    const actor = await spawnActor<EncoderProtocol>({
      id: `${node.id}/encoder`,
      url: ENCODER_WORKER,
      host: node.hosts.get(ctx.host),
      init: {
        camera: node.config,
        raw: node.rings.raw,
        au: node.rings.au,
        reader: READER.encoder,
        mode: node.streamMode,
        ...(node.rings.viewerAu !== undefined ? { viewerAu: node.rings.viewerAu } : {}),
      },
      log: ctx.log,
      onEvent: (e) => {
        if (e.type === "stats") node.stats.set("encoder", e.stats);
        else if (e.type === "fallback") node.lastFallback = e;
      },
    });
    node.encoder = actor;
    return actor;
  },
});
