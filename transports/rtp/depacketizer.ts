/** Why a depacketizer gave up a frame. */
export type DropReason =
  /** Packets of the frame were lost (a sequence gap). */
  | "loss"
  /** A packet of the frame could not be parsed, or contradicts the others. */
  | "malformed"
  /** The frame uses a feature this depacketizer does not implement. */
  | "unsupported"
  /** The frame grew past the size bound. */
  | "too_large"
  /** The frame ended without its last packet (no marker before the next timestamp). */
  | "incomplete"
  /** H.264 after a loss: frames are dropped until the next IDR. */
  | "awaiting_keyframe"
  /** The packet came after a later one, or twice (formats that do not reorder: Opus). */
  | "late";

/** "Need more packets": the value every depacketizer returns while no frame is ready. */
export interface NeedMore {
  readonly kind: "more";
}

/** A rebuilt frame: a JPEG file or an Annex-B access unit. */
export interface FrameResult {
  readonly kind: "frame";
  /** Valid until the next `push()` or `pull()`; copy it to keep it. */
  readonly data: Uint8Array;
  readonly timestamp: number;
  readonly keyframe: boolean;
}

/** A frame that was given up, and why. */
export interface DroppedResult {
  readonly kind: "dropped";
  readonly reason: DropReason;
  readonly timestamp: number;
}

/** What `push()` and `pull()` of a depacketizer return. */
export type DepacketizeResult = NeedMore | FrameResult | DroppedResult;

/** The one "need more packets" value. */
export const NEED_MORE: NeedMore = Object.freeze({ kind: "more" });

/** Counters every depacketizer keeps. */
export interface DepacketizerStats {
  packets: number;
  frames: number;
  dropped: number;
  /** Sequence numbers never seen. */
  lost: number;
  /** Packets that came too late to reorder, or twice. */
  late: number;
  /** Packets that were not valid RTP, or not of this payload format. */
  malformed: number;
}

/** Fresh zeroed counters. */
export function emptyDepacketizerStats(): DepacketizerStats {
  return { packets: 0, frames: 0, dropped: 0, lost: 0, late: 0, malformed: 0 };
}
