import assert from "node:assert/strict";
import {
  answerWithFec,
  checkOffer,
  MAX_SDP_BYTES,
  OfferError,
  type OfferProblem,
} from "../../../actors/viewer/mod.ts";
import { CHROMIUM_FEC, CHROMIUM_VIDEO, offer } from "./_offers.ts";

function problem(text: string): OfferProblem {
  try {
    checkOffer(text);
  } catch (e) {
    assert.ok(e instanceof OfferError, String(e));
    assert.ok(e.message.length > 10, "a reason in a sentence");
    return e.problem;
  }
  assert.fail("the offer was accepted");
}

Deno.test("checkOffer() keeps Chromium's constrained-baseline H.264 with packetization-mode=1 and nothing else", () => {
  const checked = checkOffer(offer());
  assert.equal(checked.payloadType, 108);
  assert.equal(checked.profileLevelId, "42e01f");
  assert.equal(checked.audio, false);
  const lines = checked.sdp.split("\r\n");
  assert.ok(lines.includes("m=video 9 UDP/TLS/RTP/SAVPF 108"));
  const perFormat = lines.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l));
  assert.ok(perFormat.every((l) => l.includes(":108 ")), perFormat.join("\n"));
  assert.ok(lines.includes("a=rtcp-fb:108 goog-remb"));
  assert.ok(lines.includes("a=rtcp-fb:108 nack pli"));
  assert.ok(
    !lines.includes("a=rtcp-fb:108 transport-cc"),
    "no send-side BWE: the browser sends REMB",
  );
  assert.ok(lines.includes("a=ice-ufrag:Vzyu") && lines.includes("a=setup:actpass"));
  assert.ok(checked.sdp.endsWith("\r\n"));
});

Deno.test("checkOffer() falls back to baseline, then main profile, and leaves an audio section alone", () => {
  const base = checkOffer(offer({
    video: [
      [100, "H264/90000", "packetization-mode=1;profile-level-id=4d001f"],
      [101, "H264/90000", "packetization-mode=1;profile-level-id=42001f"],
    ],
  }));
  assert.equal(base.payloadType, 101);
  const main = checkOffer(offer({
    video: [[100, "H264/90000", "packetization-mode=1;profile-level-id=4D0028"]],
    audio: true,
  }));
  assert.equal(main.payloadType, 100);
  assert.equal(main.profileLevelId, "4d0028");
  assert.equal(main.audio, true);
  assert.ok(main.sdp.includes("m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n"));
  assert.ok(main.sdp.includes("a=rtcp-fb:111 transport-cc"), "only the video section is narrowed");
});

Deno.test("checkOffer() refuses each kind of unusable offer with its own reason", () => {
  const cases: Array<[string, OfferProblem]> = [
    ["x".repeat(MAX_SDP_BYTES + 1), "too_large"],
    ["", "not_sdp"],
    ["hello", "not_sdp"],
    [offer().replace("s=-", "s -"), "not_sdp"],
    [offer().replace(/m=video[^]*$/, ""), "no_video"],
    [
      offer({ extra: ["m=video 9 UDP/TLS/RTP/SAVPF 108", "a=rtpmap:108 H264/90000"] }),
      "several_video",
    ],
    [offer({ extra: ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel"] }), "unsupported_media"],
    [offer({ proto: "RTP/AVP" }), "not_webrtc"],
    [offer({ direction: "sendonly" }), "not_receiving"],
    [offer({ direction: "inactive" }), "not_receiving"],
    [offer({ ice: false }), "no_ice_credentials"],
    [offer({ fingerprint: false }), "no_fingerprint"],
    [offer({ rtcpMux: false }), "no_rtcp_mux"],
    [offer({ video: [[96, "VP8/90000", ""]] }), "no_h264"],
    [
      offer({ video: [[104, "H264/90000", "packetization-mode=0;profile-level-id=42e01f"]] }),
      "no_h264",
    ],
    [offer({ video: [[104, "H264/90000", "profile-level-id=42e01f"]] }), "no_h264"],
    [
      offer({ video: [[41, "H264/90000", "packetization-mode=1;profile-level-id=f4001f"]] }),
      "no_h264",
    ],
    [offer({ video: [[41, "H264/90000", "packetization-mode=1;profile-level-id=zz"]] }), "no_h264"],
  ];
  for (const [text, want] of cases) assert.equal(problem(text), want, text.slice(0, 60));
});

Deno.test("checkOffer() accepts bare LF line ends and a session-level fingerprint", () => {
  const text = offer().replace(/\r\n/g, "\n");
  const moved = text.replace(/^(a=fingerprint:.*)\n/m, "").replace(
    "t=0 0\n",
    () => "t=0 0\n" + /^a=fingerprint:.*$/m.exec(text)![0] + "\n",
  );
  assert.equal(checkOffer(moved).payloadType, 108);
});

Deno.test("checkOffer() finds Chromium's RED and ULPFEC and keeps them out of werift's narrowed offer", () => {
  const checked = checkOffer(offer({ video: [...CHROMIUM_VIDEO, ...CHROMIUM_FEC] }));
  assert.deepEqual(checked.fec, { red: 123, ulpfec: 125 });
  assert.ok(checked.sdp.includes("m=video 9 UDP/TLS/RTP/SAVPF 108\r\n"));
  assert.ok(!/red|ulpfec/.test(checked.sdp));
  assert.equal(checkOffer(offer()).fec, null, "none offered");
  const redOnly = offer({ video: [...CHROMIUM_VIDEO, CHROMIUM_FEC[0]] });
  assert.equal(checkOffer(redOnly).fec, null, "RED without ULPFEC is no FEC");
});

Deno.test("answerWithFec() adds RED and ULPFEC to the answer's video section only", () => {
  const answer = [
    "v=0",
    "m=video 9 UDP/TLS/RTP/SAVPF 108",
    "a=mid:0",
    "a=rtpmap:108 H264/90000",
    "a=rtcp-fb:108 nack",
    "a=fmtp:108 packetization-mode=1",
    "a=ssrc:1 cname:x",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "a=rtpmap:111 opus/48000/2",
    "",
  ].join("\r\n");
  const out = answerWithFec(answer, { red: 123, ulpfec: 125 }).split("\r\n");
  assert.deepEqual(out.slice(1, 10), [
    "m=video 9 UDP/TLS/RTP/SAVPF 108 123 125",
    "a=mid:0",
    "a=rtpmap:108 H264/90000",
    "a=rtcp-fb:108 nack",
    "a=fmtp:108 packetization-mode=1",
    "a=rtpmap:123 red/90000",
    "a=rtpmap:125 ulpfec/90000",
    "a=ssrc:1 cname:x",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  ]);
  assert.equal(out.at(-1), "", "the CRLF at the end kept");
  assert.throws(() => answerWithFec("v=0\r\n", { red: 1, ulpfec: 2 }), /no m=video section/);
});
