/**
 * The camera actor's place in a camera subtree.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { CAMERA_WORKER, type CameraProtocol, FIRST_FRAME_MS, WATCHDOG_MS } from "./protocol.ts";

export const cameraChild: ChildFactory = (node, ctx) => ({
  id: "camera",
  restart: "permanent",
  shutdownMs: ACTOR_SHUTDOWN_MS,
  start: async () => {
    return await spawnActor<CameraProtocol>({
      id: `${node.id}/camera`,
      url: CAMERA_WORKER,
      host: node.hosts.get(ctx.host),
      init: {
        camera: node.config,
        raw: node.rings.raw,
        small: node.rings.small,
        au: node.rings.au,
        mode: node.streamMode,
        watchdogMs: WATCHDOG_MS,
        firstFrameMs: FIRST_FRAME_MS,
        ...(node.config.sub !== null ? { subDemand: node.subDemand } : {}),
      },
      log: ctx.log,
      onEvent: (e) => {
        switch (e.type) {
          case "stats":
            node.stats.set("camera", e.stats);
            return;
          case "source":
            node.source = e.state;
            return;
          case "warning":
            return;
        }
      },
    });
  },
});
