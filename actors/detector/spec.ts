/**
 * The detector actor's place in a camera subtree, and the main thread's side
 * of its events: each is stored (with its snapshot) in the data dir's event
 * store, streamed to live listeners, sent to the camera's webhooks; each
 * trigger goes to the recorder through `node.triggers`.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { CameraNode, ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { READER } from "../system/rings.ts";
import { EventHub } from "../events/hub.ts";
import type { EventLimits } from "../events/store.ts";
import { WebhookSender } from "../events/webhook.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { DETECTOR_WORKER, type DetectorEvent, type DetectorProtocol } from "./protocol.ts";

/** Whether a camera runs a detector: motion on, or a model configured. */
export function wantsDetector(node: CameraNode): boolean {
  const det = node.config.detection;
  return det.motion || det.model !== "";
}

export const detectorChild: ChildFactory = (node, ctx) => {
  if (!wantsDetector(node)) return null;
  const det = node.config.detection;
  const log = createLogger(`${node.id}/detector`, ctx.log);
  const hub = EventHub.for(ctx.dataDir);
  const limits: EventLimits = {
    maxEvents: det.max_events,
    maxSnapshotBytes: det.max_snapshot_bytes,
  };
  // One sender per subtree start, shared by every restart of the actor, so
  // a restart does not cut deliveries in progress.
  const webhooks = det.webhooks.length > 0 ? new WebhookSender(det.webhooks, { log }) : null;
  const to = { node, hub, limits, webhooks, log, storeFailures: 0 };
  const receive = (e: DetectorEvent) => onDetectorEvent(e, to);
  return {
    id: "detector",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: async () =>
      await spawnActor<DetectorProtocol>({
        id: `${node.id}/detector`,
        url: DETECTOR_WORKER,
        host: node.hosts.get(ctx.host),
        init: { camera: node.config, small: node.rings.small, reader: READER.detector },
        log: ctx.log,
        onEvent: receive,
      }),
  };
};

function onDetectorEvent(
  e: DetectorEvent,
  to: {
    node: CameraNode;
    hub: EventHub;
    limits: EventLimits;
    webhooks: WebhookSender | null;
    log: Logger;
    /** Events that could not be stored (an unwritable data dir): logged first, then every 100th. */
    storeFailures: number;
  },
): void {
  switch (e.type) {
    case "stats":
      to.node.stats.set("detector", {
        ...e.stats,
        webhooks: to.webhooks?.stats() ?? [],
      });
      return;
    case "trigger":
      to.node.triggers.emit({ atNs: e.atNs, kind: e.kind });
      return;
    case "event": {
      let stored;
      try {
        stored = to.hub.record(to.node.id, e.event, { snapshot: e.snapshot, limits: to.limits });
      } catch (error) {
        if (to.storeFailures++ % 100 === 0) {
          to.log.error("cannot store an event", {
            type: e.event.type,
            error: (error as Error).message,
            failures: to.storeFailures,
          });
        }
        return;
      }
      to.webhooks?.deliver(stored);
      return;
    }
  }
}
