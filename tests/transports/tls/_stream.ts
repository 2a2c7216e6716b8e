/** Helpers for the network tests of the access-unit transport. */
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import type { AccessUnit, AuReceiver, ReceivedAccessUnit } from "../../../transports/tls/mod.ts";
import { within } from "../../certs/_run.ts";

/** Every wait on the network is bounded by this; loopback delivers in milliseconds. */
export const NETWORK_TIMEOUT_MS = 10_000;

/** `count` H.264-like access units of `bytes` bytes, a keyframe every `gop`, each filled with its index. */
export function syntheticStream(count: number, bytes: number, gop = 30): AccessUnit[] {
  return Array.from({ length: count }, (_, i) => ({
    flags: i % gop === 0 ? FrameFlags.KEYFRAME : 0,
    format: FrameFormat.H264,
    ptsNs: i * 33_333_333,
    captureNs: 5_000_000_000 + i * 33_333_333,
    data: new Uint8Array(bytes).fill(i & 0xff),
  }));
}

/** Takes `count` access units from `source`, failing after {@linkcode NETWORK_TIMEOUT_MS}. */
export function take(
  source: AsyncIterable<ReceivedAccessUnit>,
  count: number,
): Promise<ReceivedAccessUnit[]> {
  const iterator = source[Symbol.asyncIterator]();
  const got: ReceivedAccessUnit[] = [];
  const loop = async () => {
    while (got.length < count) {
      const next = await iterator.next();
      if (next.done) break;
      got.push(next.value);
    }
    return got;
  };
  return within(loop(), NETWORK_TIMEOUT_MS, () => `${count} access units (got ${got.length})`);
}

/** Everything `receiver` gets until its last connection ended and its queue is empty (bounded). */
export function drain(receiver: AuReceiver): Promise<ReceivedAccessUnit[]> {
  const iterator = receiver[Symbol.asyncIterator]();
  const got: ReceivedAccessUnit[] = [];
  const loop = async () => {
    for (;;) {
      const { active, queued } = receiver.stats;
      if (queued > 0) {
        const next = await iterator.next();
        if (next.done) break;
        got.push(next.value);
      } else if (active === 0) {
        break;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    return got;
  };
  return within(loop(), NETWORK_TIMEOUT_MS, () => `the stream to end (got ${got.length} AUs)`);
}
