/**
 * Fuzzing SDP: the WHEP offer any viewer posts (checkOffer, which narrows
 * it before werift sees it) and the Host header that picks the answer's
 * ICE candidates. checkOffer() throws only OfferError, with a reason from
 * its closed union; what it returns is no larger than what came in (plus
 * line ends) and checks again to itself.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { isIP } from "node:net";
import { checkOffer, iceHostsFor, MAX_SDP_BYTES, OfferError } from "../../actors/viewer/mod.ts";
import { CHROMIUM_VIDEO, offer } from "../actors/viewer/_offers.ts";
import { hostileBytes } from "./_bytes.ts";
import { fuzz } from "./_runs.ts";

const PROBLEMS = new Set([
  "too_large",
  "not_sdp",
  "no_video",
  "several_video",
  "unsupported_media",
  "not_webrtc",
  "not_receiving",
  "no_ice_credentials",
  "no_fingerprint",
  "no_rtcp_mux",
  "no_h264",
]);

const OFFERS = [
  offer(),
  offer({ audio: true }),
  offer({ video: CHROMIUM_VIDEO.slice(2, 3) }),
  offer({ video: [[96, "VP8/90000", ""]] }),
  offer({ direction: "sendrecv", extra: ["a=ice-lite"] }),
];

/** Lines that change an offer's meaning: other media, formats, directions, broken values. */
const LINES = [
  "m=video 9 UDP/TLS/RTP/SAVPF 102",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "m=video 9 RTP/AVP 96",
  "m=video",
  "a=rtpmap:102 H264/90000",
  "a=rtpmap:102",
  "a=rtpmap:999999999999 H264/90000",
  "a=fmtp:102 packetization-mode=1;profile-level-id=640c1f",
  "a=fmtp:102 profile-level-id=zzzzzz;packetization-mode=1",
  "a=fmtp:102 ;;;==;",
  "a=rtcp-fb:* transport-cc",
  "a=sendonly",
  "a=inactive",
  "a=rtcp-mux",
  "a=ice-ufrag:",
  "a=fingerprint:",
  "v=0",
  "",
  " ",
  "x",
  "a=" + "b".repeat(3000),
];

/** Offers edited line by line: lines dropped, repeated, swapped or added. */
const edited = fc.tuple(
  fc.constantFrom(...OFFERS),
  fc.array(
    fc.tuple(fc.constantFrom("drop", "repeat", "swap", "add", "cut"), fc.nat(), fc.nat()),
    { maxLength: 6 },
  ),
  fc.constantFrom("\r\n", "\n", "\r"),
).map(([text, edits, eol]) => {
  const lines = text.split("\r\n");
  for (const [kind, a, b] of edits) {
    const i = a % lines.length;
    if (kind === "drop") lines.splice(i, 1);
    else if (kind === "repeat") lines.splice(i, 0, lines[i]);
    else if (kind === "swap") {
      [lines[i], lines[b % lines.length]] = [lines[b % lines.length], lines[i]];
    } else if (kind === "add") lines.splice(i, 0, LINES[b % LINES.length]);
    else lines[i] = lines[i].slice(0, b % (lines[i].length + 1));
    if (lines.length === 0) lines.push("");
  }
  return lines.join(eol);
});

const bytes = hostileBytes(OFFERS.map((o) => new TextEncoder().encode(o)), 4096).map((b) =>
  new TextDecoder().decode(b)
);

Deno.test("fuzz: checkOffer() of any text is a narrowed offer that checks again to itself, or an OfferError", () => {
  let accepted = 0;
  const input = fc.oneof(edited, bytes, fc.string({ unit: "binary", maxLength: 500 }));
  fuzz("whep offer", input, (text) => {
    let checked;
    try {
      checked = checkOffer(text);
    } catch (e) {
      if (!(e instanceof OfferError)) throw e;
      assert.ok(PROBLEMS.has(e.problem), e.problem);
      assert.match(e.message, /^[A-Z"]/);
      return;
    }
    accepted++;
    assert.ok(checked.sdp.length <= text.length * 2 + 2 && checked.sdp.length <= MAX_SDP_BYTES * 2);
    assert.match(checked.profileLevelId, /^[0-9a-f]{6}$/);
    assert.deepEqual(checkOffer(checked.sdp), checked);
  }, 20_000);
  assert.ok(accepted > 1000, `only ${accepted} accepted`);
});

Deno.test("fuzz: any Host header picks ICE candidates that are IP addresses, or all interfaces", () => {
  const listen = fc.constantFrom("0.0.0.0", "::", "", "127.0.0.1", "localhost", "cam.lan", "::1");
  const header = fc.oneof(
    fc.constant(null),
    fc.string({ maxLength: 60 }),
    fc.constantFrom("[::1]:8443", "1.2.3.4:99999", "[zz]:1", ":", "[]", "a:b:c", "10.0.0.1"),
  );
  fuzz("ice hosts from Host", fc.tuple(listen, header), ([l, h]) => {
    const hosts = iceHostsFor(l, h);
    if (hosts !== "all") { for (const a of hosts) assert.notEqual(isIP(a), 0, a); }
  }, 5_000);
});
