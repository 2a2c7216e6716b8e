import assert from "node:assert/strict";
import { chooseTransport, formatTransport } from "../../../transports/rtsp/mod.ts";

Deno.test("chooseTransport() takes the first spec eyrie serves, as clients offer them", () => {
  assert.deepEqual(chooseTransport("RTP/AVP;unicast;client_port=50000-50001"), {
    ok: true,
    transport: { lower: "udp", rtp: 50000, rtcp: 50001 },
  });
  assert.deepEqual(chooseTransport("RTP/AVP/TCP;unicast;interleaved=0-1"), {
    ok: true,
    transport: { lower: "tcp", channels: [0, 1] },
  });
  // GStreamer offers several; the first served one wins.
  assert.deepEqual(
    chooseTransport(
      'RTP/SAVP;unicast;client_port=1-2, RTP/AVP;multicast, RTP/AVP/UDP;unicast;client_port=6000;mode="PLAY,RECORD"',
    ),
    { ok: true, transport: { lower: "udp", rtp: 6000, rtcp: 6001 } },
  );
  assert.deepEqual(chooseTransport("RTP/AVP/TCP;unicast"), {
    ok: true,
    transport: { lower: "tcp", channels: null },
  });
});

Deno.test("chooseTransport() says why nothing offered is served", () => {
  const cases: [string | undefined, RegExp][] = [
    [undefined, /needs a Transport header/],
    ["RTP/AVP;multicast", /multicast/],
    ["RTP/AVP;unicast;destination=10.0.0.9;client_port=5000-5001", /destination/],
    ["RTP/AVP;unicast", /client_port/],
    ["RTP/AVP;unicast;client_port=0-1", /no port pair/],
    ["RTP/AVP;unicast;client_port=65535", /no port for RTCP/],
    ["RTP/AVP/TCP;interleaved=255", /no channel for RTCP/],
    ['RTP/AVP;unicast;client_port=5000-5001;mode="RECORD"', /only PLAY/],
    ["RAW/RAW/UDP;unicast", /is not served/],
    [Array(9).fill("RTP/AVP;multicast").join(","), /more than 8/],
  ];
  for (const [header, reason] of cases) {
    const c = chooseTransport(header);
    assert.equal(c.ok, false, String(header));
    if (!c.ok) assert.match(c.reason, reason);
  }
});

Deno.test("formatTransport() answers with the server's ports or channels and the SSRC", () => {
  assert.equal(
    formatTransport({
      lower: "udp",
      rtp: 5000,
      rtcp: 5001,
      serverRtp: 6970,
      serverRtcp: 6971,
      ssrc: 0xabc,
    }),
    'RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=00000ABC;mode="PLAY"',
  );
  assert.equal(
    formatTransport({ lower: "tcp", channels: [2, 3], ssrc: 0xdeadbeef }),
    'RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=DEADBEEF;mode="PLAY"',
  );
});
