/**
 * The WHEP endpoints of a real `eyrie run`, driven with fetch and curl:
 * answers, Location, DELETE, PATCH, and every refusal with its status and
 * reason. (Chromium playing the answers: tests/ui/console/browser_test.ts.)
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { run } from "../../actors/_camera_tree.ts";
import { offer } from "../../actors/viewer/_offers.ts";
import { viewerReady } from "./_whep.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
max_viewers = 2
[[camera]]
id = "mjpeg"
source = "test"
width = 320
height = 240
fps = 5
codec = "mjpeg"
`;

function post(url: string, body: string, type = "application/sdp"): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": type }, body });
}

async function error(res: Response): Promise<string> {
  const body = await res.json();
  assert.equal(typeof body.error, "string");
  return body.error;
}

Deno.test("WHEP: answers, Location, viewer limit, DELETE, PATCH and refusals with reasons", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  try {
    await viewerReady(eyrie.url, "front");
    const whep = `${eyrie.url}/api/cameras/front/whep`;

    // An answer: ICE lite, one loopback host candidate, DTLS client, the offered H.264 only.
    const first = await post(whep, offer({ audio: true }));
    assert.equal(first.status, 201);
    assert.equal(first.headers.get("content-type"), "application/sdp");
    assert.equal(first.headers.get("accept-patch"), "application/trickle-ice-sdpfrag");
    const location = first.headers.get("location")!;
    assert.match(location, /^\/api\/cameras\/front\/whep\/[0-9a-f-]{36}$/);
    const answer = await first.text();
    assert.match(answer, /^a=ice-lite\r$/m);
    const candidates = answer.match(/^a=candidate:.*$/gm) ?? [];
    assert.ok(
      candidates.length >= 1 && candidates.every((c) => / 127\.0\.0\.1 \d+ typ host/.test(c)),
    );
    assert.match(answer, /^m=video 9 UDP\/TLS\/RTP\/SAVPF 108\r$/m);
    assert.match(answer, /^a=sendonly\r$/m);
    assert.match(answer, /^a=fmtp:108 .*packetization-mode=1/m);
    const [video, audio] = answer.split(/^m=audio /m);
    assert.doesNotMatch(video, /transport-cc/, "the browser estimates bandwidth and sends REMB");
    // A test camera has sound (a tone): the audio section is answered sendonly Opus.
    assert.match(audio, /^a=sendonly\r$/m, "the audio section is answered, sendonly");
    assert.match(audio, /^a=rtpmap:\d+ opus\/48000\/2\r$/m);

    // max_viewers = 2: the third is refused while two sessions exist.
    const second = await post(whep, offer());
    assert.equal(second.status, 201);
    await second.body?.cancel();
    const third = await post(whep, offer());
    assert.equal(third.status, 503);
    assert.match(await error(third), /at most 2 viewers/);

    // PATCH: candidates are accepted (ICE lite needs none), an ICE restart is not.
    const frag =
      "a=ice-ufrag:Vzyu\r\na=ice-pwd:a4dBw4RkTjY1wnQPX+BiYuyk\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\n" +
      "a=mid:0\r\na=candidate:1 1 udp 2113937151 127.0.0.1 40000 typ host\r\n";
    const patch = (body: string, type = "application/trickle-ice-sdpfrag", at = location) =>
      fetch(`${eyrie.url}${at}`, { method: "PATCH", headers: { "content-type": type }, body });
    assert.equal((await patch(frag)).status, 204);
    const restart = await patch(frag.replace("Vzyu", "Abcd"));
    assert.equal(restart.status, 422);
    assert.match(await error(restart), /ICE restart/);
    const wrongType = await patch(frag, "text/plain");
    assert.equal(wrongType.status, 415);
    await wrongType.body?.cancel();

    // DELETE ends the session and frees its place.
    const del = await fetch(`${eyrie.url}${location}`, { method: "DELETE" });
    assert.equal(del.status, 200);
    await del.body?.cancel();
    const again = await fetch(`${eyrie.url}${location}`, { method: "DELETE" });
    assert.equal(again.status, 404);
    await again.body?.cancel();
    const gone = await patch(frag);
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    const fourth = await post(whep, offer());
    assert.equal(fourth.status, 201);
    await fourth.body?.cancel();

    // Refusals, each with its status and a reason.
    const cases: Array<[string, Promise<Response>, number, RegExp]> = [
      ["wrong type", post(whep, offer(), "text/plain"), 415, /application\/sdp/],
      ["not SDP", post(whep, "hello"), 400, /v=0/],
      ["no H.264", post(whep, offer({ video: [[96, "VP8/90000", ""]] })), 400, /H\.264/],
      ["sendonly", post(whep, offer({ direction: "sendonly" })), 400, /does not receive/],
      ["no camera", post(`${eyrie.url}/api/cameras/back/whep`, offer()), 404, /No camera "back"/],
      ["MJPEG", post(`${eyrie.url}/api/cameras/mjpeg/whep`, offer()), 409, /codec = "h264"/],
    ];
    for (const [what, res, status, reason] of cases) {
      const r = await res;
      assert.equal(r.status, status, what);
      assert.match(await error(r), reason, what);
    }

    // curl, a client we did not write: a 65 KB offer is refused before it is read whole.
    const big = `${cfg.dir}/big.sdp`;
    await Deno.writeTextFile(big, offer({ extra: [`a=x-pad:${"p".repeat(65 * 1024)}`] }));
    const curl = await run("curl", [
      "-sS",
      "-o",
      "-",
      "-w",
      "\n%{http_code}",
      "-H",
      "content-type: application/sdp",
      "--data-binary",
      `@${big}`,
      whep,
    ]);
    const [body, code] = curl.out.trim().split("\n");
    assert.equal(code, "413");
    assert.match(JSON.parse(body).error, /larger than 65536 bytes/);

    // The viewer actor reports every second.
    let viewer;
    for (let i = 0; i < 30 && viewer?.started !== 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      viewer = (await (await fetch(`${eyrie.url}/api/cameras/front`)).json()).stats.viewer;
    }
    assert.equal(viewer.started, 3);
    assert.equal(viewer.ended.closed, 1);
    assert.equal(viewer.connecting, 2, "the other two never connect: nobody runs ICE for them");
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
