/**
 * A camera's shared Worker (see placement.ts): runs any of the actors below,
 * importing each module on the first start that names it. The specifiers are
 * static so that `deno compile` embeds them.
 *
 * @module
 */
import { serveHost } from "../runtime/hosting.ts";
import { CAMERA_WORKER } from "../camera/protocol.ts";
import { ENCODER_WORKER } from "../encoder/protocol.ts";
import { PACKETIZER_WORKER } from "../packetizer/protocol.ts";
import { RTP_OUTPUT_WORKER } from "../rtp_output/protocol.ts";
import { RECORDER_WORKER } from "../recorder/protocol.ts";
import { FORWARD_WORKER } from "../forward/protocol.ts";
import { DETECTOR_WORKER } from "../detector/protocol.ts";
import { VIEWER_WORKER } from "../viewer/protocol.ts";
import { JPEG_WORKER } from "../jpeg/protocol.ts";
import { AUDIO_WORKER } from "../audio/protocol.ts";

serveHost({
  [CAMERA_WORKER.href]: () => import("../camera/worker.ts"),
  [ENCODER_WORKER.href]: () => import("../encoder/worker.ts"),
  [PACKETIZER_WORKER.href]: () => import("../packetizer/worker.ts"),
  [RTP_OUTPUT_WORKER.href]: () => import("../rtp_output/worker.ts"),
  [RECORDER_WORKER.href]: () => import("../recorder/worker.ts"),
  [FORWARD_WORKER.href]: () => import("../forward/worker.ts"),
  [DETECTOR_WORKER.href]: () => import("../detector/worker.ts"),
  [VIEWER_WORKER.href]: () => import("../viewer/worker.ts"),
  [JPEG_WORKER.href]: () => import("../jpeg/worker.ts"),
  [AUDIO_WORKER.href]: () => import("../audio/worker.ts"),
});
