import type { DroppedResult, DropReason, FrameResult } from "./depacketizer.ts";

// The result objects a depacketizer hands out, one of each per depacketizer
// and overwritten by the next result, so a frame allocates nothing.
export class ResultSlots {
  readonly frame: { kind: "frame"; data: Uint8Array; timestamp: number; keyframe: boolean } = {
    kind: "frame",
    data: new Uint8Array(0),
    timestamp: 0,
    keyframe: false,
  };
  readonly dropped: { kind: "dropped"; reason: DropReason; timestamp: number } = {
    kind: "dropped",
    reason: "loss",
    timestamp: 0,
  };

  emitFrame(data: Uint8Array, timestamp: number, keyframe: boolean): FrameResult {
    const f = this.frame;
    f.data = data;
    f.timestamp = timestamp;
    f.keyframe = keyframe;
    return f;
  }

  emitDropped(reason: DropReason, timestamp: number): DroppedResult {
    const d = this.dropped;
    d.reason = reason;
    d.timestamp = timestamp;
    return d;
  }
}
