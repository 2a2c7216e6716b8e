import assert from "node:assert/strict";
import { OfferError } from "../../../actors/viewer/offer.ts";
import { checkTalkOffer } from "../../../actors/viewer/talk_offer.ts";

/** A talk offer shaped like Chromium's for one microphone track (sendonly Opus and friends). */
function talkOffer(change: (lines: string[]) => string[] = (l) => l): string {
  return change([
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:abcd",
    "a=ice-pwd:abcdefghijklmnopqrstuvwx",
    "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB",
    "a=setup:actpass",
    "a=mid:0",
    "a=sendonly",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:13 CN/8000",
    "a=rtpmap:110 telephone-event/48000",
    "a=rtpmap:126 telephone-event/8000",
  ]).join("\r\n") + "\r\n";
}

Deno.test("checkTalkOffer() keeps Opus alone and its payload type from a Chromium microphone offer", () => {
  const c = checkTalkOffer(talkOffer());
  assert.equal(c.payloadType, 111);
  assert.match(c.sdp, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 111\r$/m);
  assert.doesNotMatch(c.sdp, /PCMU|G722|red\/|telephone-event/);
  assert.match(c.sdp, /a=fmtp:111 minptime=10;useinbandfec=1/);
});

const BAD: [string, (l: string[]) => string[], string][] = [
  ["a video section", (l) => [...l, "m=video 9 UDP/TLS/RTP/SAVPF 96"], "unsupported_media"],
  ["no media", (l) => l.slice(0, 5), "unsupported_media"],
  [
    "an audio section that only receives",
    (l) => l.map((x) => x === "a=sendonly" ? "a=recvonly" : x),
    "not_receiving",
  ],
  ["plain RTP", (l) => l.map((x) => x.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP")), "not_webrtc"],
  ["no ICE credentials", (l) => l.filter((x) => !x.startsWith("a=ice-")), "no_ice_credentials"],
  ["no fingerprint", (l) => l.filter((x) => !x.startsWith("a=fingerprint")), "no_fingerprint"],
  ["no rtcp-mux", (l) => l.filter((x) => x !== "a=rtcp-mux"), "no_rtcp_mux"],
  ["no Opus", (l) => l.map((x) => x.replace("opus/48000/2", "PCMU/8000")), "no_opus"],
  ["not SDP", () => ["hello"], "not_sdp"],
];

for (const [what, change, problem] of BAD) {
  Deno.test(`checkTalkOffer() refuses ${what} (${problem})`, () => {
    assert.throws(
      () => checkTalkOffer(talkOffer(change)),
      (e) => e instanceof OfferError && e.problem === problem && e.message.length > 10,
    );
  });
}
