/**
 * Live view over WebRTC (WHEP): one viewer actor per H.264 camera, every
 * session of that camera inside it. The pure parts (offer checks, fan-out,
 * adaptive bitrate, session health, keyframe limits, ICE addresses) are
 * exported for the HTTP routes and the tests.
 *
 * @module
 */
export {
  answerWithFec,
  type CheckedOffer,
  checkOffer,
  type FecPayloadTypes,
  MAX_SDP_BYTES,
  OfferError,
  type OfferProblem,
} from "./offer.ts";
export { type IceHosts, iceHostsFor } from "./ice.ts";
export { type EndReason } from "./health.ts";
export {
  type OfferReply,
  type SessionStats,
  type TrickleReply,
  type ViewerProtocol,
  type ViewerStats,
} from "./protocol.ts";
export { viewerChild, viewerOf } from "./spec.ts";
export { viewerDemand, type ViewerState } from "./demand.ts";
