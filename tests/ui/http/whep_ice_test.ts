/**
 * WHEP of a real `eyrie run` with `[webrtc] ice_servers` (coturn on
 * loopback as STUN and TURN server): a full ICE agent's answer, the servers
 * in `Link` headers of the answer and of `OPTIONS`, trickle ICE in both
 * directions over `PATCH`, and the bound on a fragment's candidates.
 * (Chromium playing through the relay: tests/ui/console/turn_browser_test.ts.)
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { offer } from "../../actors/viewer/_offers.ts";
import { viewerReady } from "./_whep.ts";
import { coturnInstalled, startCoturn } from "../../_coturn.ts";
import { MAX_TRICKLE_CANDIDATES } from "../../../ui/http/whep.ts";

Deno.test({
  name: "WHEP with ICE servers: full ICE answer, Link headers, trickle both ways over PATCH",
  ignore: !coturnInstalled(),
  async fn() {
    await using turn = await startCoturn({ user: "bob", password: "pw" });
    await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[webrtc]
ice_servers = ["stun:127.0.0.1:${turn.port}", "turn:bob:pw@127.0.0.1:${turn.port}?transport=udp"]
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
`);
    const eyrie = await startEyrie(cfg.file);
    try {
      await viewerReady(eyrie.url, "front");
      const whep = `${eyrie.url}/api/cameras/front/whep`;
      const links = [
        `<stun:127.0.0.1:${turn.port}>; rel="ice-server"`,
        `<turn:127.0.0.1:${turn.port}?transport=udp>; rel="ice-server"; username="bob"; ` +
        `credential="pw"; credential-type="password"`,
      ].join(", ");
      const options = await fetch(whep, { method: "OPTIONS" });
      assert.equal(options.status, 204);
      assert.equal(options.headers.get("link"), links);

      const res = await fetch(whep, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: offer(),
      });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("link"), links);
      const answer = await res.text();
      assert.doesNotMatch(answer, /a=ice-lite/);
      const relay = answer.match(/^a=candidate:.* typ relay .*$/m);
      assert.ok(relay !== null, `a relay candidate from coturn in:\n${answer}`);
      const location = res.headers.get("location")!;

      // The browser's candidates in, eyrie's (the answer's, relay included) back.
      const ufrag = /a=ice-ufrag:(.*)/.exec(offer())![1].trim();
      const frag = `a=ice-ufrag:${ufrag}\r\na=ice-pwd:x\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\n` +
        "a=mid:0\r\na=candidate:1 1 udp 2113937151 127.0.0.1 40000 typ host\r\n";
      const patch = (body: string) =>
        fetch(`${eyrie.url}${location}`, {
          method: "PATCH",
          headers: { "content-type": "application/trickle-ice-sdpfrag" },
          body,
        });
      const back = await patch(frag);
      assert.equal(back.status, 200);
      assert.equal(back.headers.get("content-type"), "application/trickle-ice-sdpfrag");
      const text = await back.text();
      assert.ok(text.includes(`a=${relay[0].slice(2)}`), "the relay candidate comes back");
      assert.match(text, /a=end-of-candidates\r\n$/);

      const tooMany = await patch(
        frag + "a=candidate:2 1 udp 1 127.0.0.1 40001 typ host\r\n".repeat(MAX_TRICKLE_CANDIDATES),
      );
      assert.equal(tooMany.status, 413);
      assert.match((await tooMany.json()).error, /At most 64 candidates/);
    } finally {
      await eyrie.stop();
    }
  },
});
