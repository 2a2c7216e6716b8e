/**
 * The actors of one camera's subtree. The subtree is rest_for_one over
 * camera → encoder → outputs: a crash restarts what reads from the crashed
 * actor. Consumers of the same ring sit in groups so they do not restart
 * each other:
 *
 * ```
 * <camera> (rest_for_one)
 * ├── camera          raw ring, small ring
 * ├── encoder         raw ring → AU ring
 * └── outputs (one_for_one)
 *     ├── recorder    AU ring → segments            (issue: recording)
 *     ├── forward     AU ring → mTLS to other eyries (one per [[camera.forward]])
 *     ├── live (rest_for_one)
 *     │   ├── packetizer  AU ring → RTP ring
 *     │   ├── rtp (one_for_one): 0, 1, … RTP ring → UDP, one per [[camera.rtp]]
 *     │   └── viewer      RTP ring → WebRTC          (issue: live view)
 *     └── detector    small ring → events          (issue: detection)
 * ```
 *
 * A factory returns null when its actor does not apply to a camera (no
 * [[camera.rtp]], recording off, …); empty groups disappear.
 *
 * Placement ({@linkcode onHost}): a camera runs in three Workers, not one per
 * actor. `media` holds the camera and the encoder (GStreamer, frames in and
 * out); `io` the actors that move bytes or look at small frames (packetizer,
 * RTP outputs, recorder, forwards, detector, and the JPEG feed while someone
 * watches); the viewer keeps a Worker of its own (werift's heap, an event
 * loop that lags under many viewers, and a 30 s heartbeat that the others
 * must not inherit). Supervision does not change: each actor is its own
 * child with its own restart policy; only a crash of the Worker itself
 * (an uncaught error, a hang) takes its neighbours down with it.
 *
 * @module
 */
import type { ChildFactory } from "./camera_node.ts";
import { CHAIN, groupChild, INDEPENDENT } from "./group.ts";
import { onHost } from "./placement.ts";
import { cameraChild } from "../camera/spec.ts";
import { encoderChild } from "../encoder/spec.ts";
import { packetizerChild } from "../packetizer/spec.ts";
import { rtpOutputsChild } from "../rtp_output/spec.ts";
import { detectorChild } from "../detector/spec.ts";
import { forwardsChild } from "../forward/spec.ts";
import { recorderChild } from "../recorder/spec.ts";
import { viewerChild } from "../viewer/spec.ts";

/** The shared Worker of the camera and encoder actors. */
export const MEDIA = "media";
/** The shared Worker of the byte movers, the detector and the JPEG feed. */
export const IO = "io";

/** Where a camera's JPEG feed (snapshots, MJPEG streams) runs while someone watches. */
export const JPEG_FEED_HOST = IO;

/** The live path: packetize once, then every live consumer. */
export const LIVE_CHILDREN: ChildFactory[] = [
  onHost(IO, packetizerChild),
  onHost(IO, rtpOutputsChild),
  viewerChild,
];

/** Everything that consumes the camera's output, independently. */
export const OUTPUT_CHILDREN: ChildFactory[] = [
  onHost(IO, recorderChild),
  groupChild("live", CHAIN, LIVE_CHILDREN),
  onHost(IO, detectorChild),
  onHost(IO, forwardsChild),
];

export const CAMERA_CHILDREN: readonly ChildFactory[] = [
  onHost(MEDIA, cameraChild),
  onHost(MEDIA, encoderChild),
  groupChild("outputs", INDEPENDENT, OUTPUT_CHILDREN),
];
