/**
 * The recorder actor's place in a camera subtree: under `outputs`, beside
 * the live path, reading the AU ring as {@linkcode READER}.recorder. No
 * recorder when recording is disabled or the camera's mode is "off". H.264
 * and MJPEG cameras record, each in its configured container.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { RECORDER_WORKER, type RecorderProtocol } from "./protocol.ts";
import { containerProblem } from "./container.ts";

export const recorderChild: ChildFactory = (node, ctx) => {
  const recordings = ctx.recordings;
  if (recordings === undefined || node.config.recording.mode === "off") return null;
  // `config check` refuses a container that cannot hold the codec; a config built in code may not.
  const problem = containerProblem(node.config.recording.container, node.config.codec);
  if (problem !== null) {
    ctx.log({
      ts: new Date().toISOString(),
      level: "warn",
      actor: `${node.id}/recorder`,
      msg: `not recording: ${problem}`,
    });
    return null;
  }
  recordings.attach(node);
  return {
    id: "recorder",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: async () => {
      const init = await recordings.prepare(node);
      const actor = await spawnActor<RecorderProtocol>({
        id: `${node.id}/recorder`,
        url: RECORDER_WORKER,
        host: node.hosts.get(ctx.host),
        init,
        log: ctx.log,
        onEvent: (e) => recordings.handle(node, e),
      });
      recordings.started(node, actor);
      return actor;
    },
  };
};
