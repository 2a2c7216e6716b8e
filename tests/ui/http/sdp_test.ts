/** GET /api/cameras/:id/sdp on a System whose cameras run no actors (the route reads config and parameters). */
import assert from "node:assert/strict";
import { System } from "../../../actors/system/mod.ts";
import { createApp } from "../../../ui/http/app.ts";
import { checkConfig } from "../../../ui/config/mod.ts";
import { findParameterSets } from "../../../transports/rtp/mod.ts";
import { h264 } from "../../transports/rtp/_media.ts";

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

async function withApp(fn: (app: ReturnType<typeof createApp>, system: System) => Promise<void>) {
  // A data dir of its own: the app opens eyrie.db there (never the machine's /var/lib/eyrie).
  const dataDir = await Deno.makeTempDir({ prefix: "eyrie-sdp-" });
  const config = checkConfig({
    data_dir: dataDir,
    camera: [
      {
        id: "front",
        codec: "h264",
        fps: 25,
        rtp: [
          { host: "127.0.0.1", port: 5004 },
          { host: "239.1.2.3", port: 6000, ttl: 4 },
          { host: "localhost", port: 5006 },
          { host: "eyrie-no-such-host.invalid", port: 5008 },
        ],
      },
      { id: "door", codec: "mjpeg", rtp: [{ host: "::1", port: 7000 }] },
      { id: "plain" },
    ],
  }, "");
  const system = await System.start({ config, log: () => {}, children: [] });
  try {
    await fn(createApp(system), system);
  } finally {
    await system.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("the SDP endpoint refuses with reasons: unknown camera, no output, bad or missing output number", async () => {
  await withApp(async (app) => {
    const cases: [string, number, RegExp][] = [
      ["/api/cameras/nope/sdp", 404, /No camera "nope"/],
      ["/api/cameras/plain/sdp", 404, /no \[\[camera\.rtp\]\] output/],
      [
        "/api/cameras/front/sdp?output=x",
        400,
        /^output: must be an output number, from 0$/,
      ],
      ["/api/cameras/front/sdp?output=-1", 400, /^output: must be an output number/],
      ["/api/cameras/front/sdp?output=4", 404, /has 4 RTP outputs \(output=0 to 3\), not 4/],
      ["/api/cameras/door/sdp?output=1", 404, /has 1 RTP output \(output=0\), not 1/],
      ["/api/cameras/front/sdp?output=3", 502, /Cannot resolve host "eyrie-no-such-host\.invalid"/],
    ];
    for (const [path, status, reason] of cases) {
      const res = await app.request(path);
      assert.equal(res.status, status, path);
      assert.match((await res.json()).error, reason, path);
    }
  });
});

Deno.test("an H.264 SDP waits for the first keyframe (503, Retry-After), then carries its SPS/PPS", async () => {
  await withApp(async (app, system) => {
    const early = await app.request("/api/cameras/front/sdp");
    assert.equal(early.status, 503);
    assert.equal(early.headers.get("retry-after"), "1");
    assert.match((await early.json()).error, /not sent a keyframe yet/);

    const idr = (await h264(1)).files[0];
    const ps = findParameterSets(idr)!;
    system.cameras.get("front")!.streamParameters = {
      sps: base64(ps.sps),
      pps: base64(ps.pps),
      profileLevelId: "",
    };
    const res = await app.request("/api/cameras/front/sdp");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/sdp");
    assert.match(res.headers.get("content-disposition") ?? "", /filename="front-0\.sdp"/);
    const sdp = await res.text();
    assert.match(sdp, /^c=IN IP4 127\.0\.0\.1\r$/m);
    assert.match(sdp, /^m=video 5004 RTP\/AVP 96\r$/m);
    assert.match(sdp, /^a=rtpmap:96 H264\/90000\r$/m);
    const hex = [...ps.sps.subarray(1, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
    assert.match(
      sdp,
      new RegExp(
        `^a=fmtp:96 packetization-mode=1;profile-level-id=${hex};sprop-parameter-sets=${
          base64(ps.sps).replace(/\+/g, "\\+")
        },${base64(ps.pps).replace(/\+/g, "\\+")}\r$`,
        "m",
      ),
    );
    assert.match(sdp, /^a=framerate:25\r$/m);

    const group = await (await app.request("/api/cameras/front/sdp?output=1")).text();
    assert.match(group, /^c=IN IP4 239\.1\.2\.3\/4\r$/m, "multicast with its TTL");
    assert.match(group, /^m=video 6000 /m);
    const named = await (await app.request("/api/cameras/front/sdp?output=2")).text();
    assert.match(named, /^c=IN IP(4 127\.0\.0\.1|6 ::1)\r$/m, "localhost resolved to an address");
  });
});

Deno.test("a JPEG SDP is ready at once: payload type 26 over IPv6", async () => {
  await withApp(async (app) => {
    const res = await app.request("/api/cameras/door/sdp?output=0");
    assert.equal(res.status, 200);
    const sdp = await res.text();
    assert.match(sdp, /^c=IN IP6 ::1\r$/m);
    assert.match(sdp, /^m=video 7000 RTP\/AVP 26\r$/m);
    assert.match(sdp, /^a=rtpmap:26 JPEG\/90000\r$/m);
  });
});
