/**
 * Opus RTP streams (RFC 7587) with what the depacketizer must make of them:
 * one table drives the unit tests and seeds the fuzzer.
 */
import { writeRtpHeader } from "../../../../transports/rtp/header.ts";
import { OPUS_PAYLOAD_TYPE } from "../../../../transports/rtp/opus/packetize.ts";

/** An Opus packet of `n` bytes whose bytes tell it apart (TOC 0x78: 20 ms SILK+CELT hybrid). */
export function opusPayload(n: number, tag: number): Uint8Array {
  const p = new Uint8Array(n);
  p[0] = 0x78;
  for (let i = 1; i < n; i++) p[i] = (tag + i) & 0xff;
  return p;
}

export function rtp(
  seq: number,
  timestamp: number,
  payload: Uint8Array,
  ssrc = 0x1234,
): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  // Written by hand, not with packetizeOpus: the cases include payloads it refuses to make.
  writeRtpHeader(out, {
    sequenceNumber: seq & 0xffff,
    timestamp: timestamp >>> 0,
    ssrc,
    marker: false,
    payloadType: OPUS_PAYLOAD_TYPE,
  });
  out.set(payload, 12);
  return out;
}

export interface OpusCase {
  name: string;
  packets: Uint8Array[];
  /** Per packet: the samples it lands at and whether it is discont, or the reason it is dropped. */
  expect: ({ samples: number; discont: boolean } | "late" | "malformed")[];
}

const P = (i: number) => opusPayload(60 + (i % 7), i);

export const OPUS_CASES: OpusCase[] = [
  {
    name: "a steady stream, 20 ms apart",
    packets: [0, 1, 2, 3].map((i) => rtp(100 + i, 5000 + 960 * i, P(i))),
    expect: [0, 960, 1920, 2880].map((samples) => ({ samples, discont: false })),
  },
  {
    name: "sequence and timestamp wrap",
    packets: [0, 1, 2].map((i) => rtp(0xfffe + i, 0xffff_fc40 + 960 * i, P(i))),
    expect: [0, 960, 1920].map((samples) => ({ samples, discont: false })),
  },
  {
    name: "a lost packet leaves a gap and marks the next one",
    packets: [rtp(10, 0, P(0)), rtp(11, 960, P(1)), rtp(13, 2880, P(3))],
    expect: [{ samples: 0, discont: false }, { samples: 960, discont: false }, {
      samples: 2880,
      discont: true,
    }],
  },
  {
    name: "a late packet and a duplicate are dropped",
    packets: [rtp(10, 0, P(0)), rtp(12, 1920, P(2)), rtp(11, 960, P(1)), rtp(12, 1920, P(2))],
    expect: [{ samples: 0, discont: false }, { samples: 1920, discont: true }, "late", "late"],
  },
  {
    name: "a new SSRC continues the timeline, marked",
    packets: [rtp(10, 0, P(0)), rtp(500, 777, P(1), 0x99)],
    expect: [{ samples: 0, discont: false }, { samples: 960, discont: true }],
  },
  {
    name: "not RTP, an empty payload, another payload type",
    packets: [
      new Uint8Array([1, 2, 3]),
      rtp(1, 0, new Uint8Array(0)),
      (() => {
        const p = rtp(2, 960, P(2));
        p[1] = 96;
        return p;
      })(),
    ],
    expect: ["malformed", "malformed", "malformed"],
  },
];
