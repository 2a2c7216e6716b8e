/**
 * Fuzzing RED + ULPFEC (transports/rtp/fec): any group of media packets (1–48, any header
 * extensions, CSRCs, padding bit, marker, timestamp and payload size up to 1200 bytes), at any
 * protection, sent as the viewer sends it, and any one of its media packets lost: the receiver
 * written from the RFCs (tests/transports/rtp/fec/_decoder.ts) rebuilds it byte for byte.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ULPFEC_MAX_MEDIA } from "../../transports/rtp/fec/mod.ts";
import { receive, send } from "../transports/rtp/fec/_wire.ts";
import { fuzz } from "./_runs.ts";

Deno.test("fuzz: any one lost packet of any group is rebuilt byte for byte", () => {
  const mediaSpec = fc.record({
    extWords: fc.integer({ min: 0, max: 4 }),
    csrcs: fc.integer({ min: 0, max: 15 }),
    payload: fc.integer({ min: 0, max: 1200 }),
    marker: fc.boolean(),
    padding: fc.boolean(),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
    fill: fc.integer({ min: 0, max: 255 }),
  });
  const arb = fc.record({
    first: fc.integer({ min: 0, max: 0xffff }),
    specs: fc.array(mediaSpec, { minLength: 1, maxLength: ULPFEC_MAX_MEDIA }),
    protection: fc.double({ min: 0.01, max: 1, noNaN: true }),
    lostAt: fc.nat(),
  });
  fuzz("red+ulpfec single loss", arb, ({ first, specs, protection, lostAt }) => {
    const { media, wire } = send(first, specs, protection);
    const lost = lostAt % media.length;
    const got = receive(wire, new Set([lost]));
    assert.equal(got.size, media.length);
    assert.deepEqual(got.get((first + lost) & 0xffff), media[lost]);
    return media.length;
  }, 300);
});
