/**
 * The actors of one camera's subtree, in data-flow order. Every actor is
 * coupled to the others only through the camera's rings, which belong to
 * the camera node and outlive any actor, so every supervisor here is
 * one_for_one: a crash restarts that actor alone, and its readers see a gap
 * (the encoder's next access unit is a keyframe) instead of a restart.
 * Groups give a part of the tree its own restart window:
 *
 * ```
 * <camera> (one_for_one)
 * ├── camera          source → raw ring, small ring (a source offline is a state, not a crash)
 * ├── encoder         raw ring → AU ring
 * ├── sub-encoder     raw ring → sub AU ring, scaled ([camera.sub] only)
 * ├── audio           microphone, tone or the camera's track → Opus → audio ring (offline is a
 * │                   state of its own: the video never waits on it)
 * └── outputs (one_for_one)
 *     ├── recorder    AU ring → segments
 *     ├── forward     AU ring → mTLS to other eyries (one per [[camera.forward]])
 *     ├── live (one_for_one)
 *     │   ├── packetizer  AU ring → RTP ring (SSRC and sequence continue across restarts)
 *     │   ├── rtp (one_for_one): 0, 1, … RTP ring → UDP, one per [[camera.rtp]]
 *     │   ├── publish (one_for_one): 0, … RTP ring → a Janus mountpoint, one per [[camera.publish]]
 *     │   ├── viewer-packetizer  AU ring or viewer AU ring → viewer RTP ring (passthrough cameras)
 *     │   ├── sub-packetizer  sub AU ring → sub RTP ring ([camera.sub] only)
 *     │   └── viewer      RTP ring (viewer RTP ring when there is one) and sub RTP ring → WebRTC, only while someone
 *     │                   watches (viewer/demand.ts)
 *     └── detector    small ring → events
 * ```
 *
 * A factory returns null when its actor does not apply to a camera (no
 * [[camera.rtp]], recording off, …); empty groups disappear.
 *
 * Placement ({@linkcode onHost}): a camera runs in two Workers, not one per
 * actor. `media` holds the camera and the encoder (GStreamer, frames in and
 * out), one per camera; `io` the actors that move bytes or look at small
 * frames (packetizer, RTP outputs, recorder, forwards, detector, and the JPEG
 * feed while someone watches), one for every camera of the process
 * (placement.ts: PROCESS_HOSTS); the viewer keeps a Worker of its own
 * (werift's heap, an event loop that lags under many viewers, and a 30 s
 * heartbeat that the others must not inherit), and runs only while someone
 * watches. Supervision does not change: each actor is its own child with its
 * own restart policy; only a crash of the Worker itself (an uncaught error, a
 * hang) takes its neighbours down with it — for `io`, the byte movers of
 * every camera, never a camera's capture or encoding.
 *
 * @module
 */
import type { ChildFactory } from "./camera_node.ts";
import { groupChild, INDEPENDENT } from "./group.ts";
import { IO, MEDIA, onHost } from "./placement.ts";
import { cameraChild } from "../camera/spec.ts";
import { encoderChild } from "../encoder/spec.ts";
import { packetizerChild, subPacketizerChild, viewerPacketizerChild } from "../packetizer/spec.ts";
import { subEncoderChild } from "../encoder/sub.ts";
import { rtpOutputsChild } from "../rtp_output/spec.ts";
import { publishersChild } from "../publish/spec.ts";
import { detectorChild } from "../detector/spec.ts";
import { forwardsChild } from "../forward/spec.ts";
import { recorderChild } from "../recorder/spec.ts";
import { audioChild } from "../audio/spec.ts";

export { IO, MEDIA };

/** Where a camera's JPEG feed (snapshots, MJPEG streams) runs while someone watches. */
export const JPEG_FEED_HOST = IO;

/** The live path: packetize once, then every live consumer. */
export const LIVE_CHILDREN: ChildFactory[] = [
  onHost(IO, packetizerChild),
  onHost(IO, rtpOutputsChild),
  onHost(IO, publishersChild),
  onHost(IO, viewerPacketizerChild),
  onHost(IO, subPacketizerChild),
  // The viewer joins here at the first WHEP offer and leaves when nobody watches (viewer/demand.ts).
];

/** Everything that consumes the camera's output, independently. */
export const OUTPUT_CHILDREN: ChildFactory[] = [
  onHost(IO, recorderChild),
  groupChild("live", INDEPENDENT, LIVE_CHILDREN),
  onHost(IO, detectorChild),
  onHost(IO, forwardsChild),
];

export const CAMERA_CHILDREN: readonly ChildFactory[] = [
  onHost(MEDIA, cameraChild),
  onHost(MEDIA, encoderChild),
  onHost(MEDIA, subEncoderChild),
  onHost(MEDIA, audioChild),
  groupChild("outputs", INDEPENDENT, OUTPUT_CHILDREN),
];
