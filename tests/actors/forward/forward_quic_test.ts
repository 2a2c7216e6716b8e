/**
 * `[[camera.forward]]` with `transport = "quic"` end to end, with real
 * processes and two installations: `eyrie run` on the camera device sends a
 * test camera's H.264 as RTP in QUIC datagrams to the hub's `eyrie receive
 * --transport quic` (a client certificate from the hub's CA proved inside
 * the connection, the hub's CA trusted through `ca`, the hub pinned);
 * ffprobe decodes what arrived. A second forward presents a client
 * certificate of the camera's own CA: the hub refuses it, and both ends say
 * why.
 */
import assert from "node:assert/strict";
import { issueCert } from "../../../certs/mod.ts";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import {
  assertDecoded,
  assertSent,
  cameraConfig,
  refusedForward,
  startReceiver,
  twoSites,
} from "./_two_sites.ts";

/** Five seconds of video: the refused forward reports long before the receiver is done. */
const COUNT = 150;

Deno.test("a camera forwards over QUIC to eyrie receive --transport quic, and a client of another CA is refused at both ends", async () => {
  await using cfg = await tempConfig("");
  const sites = await twoSites(cfg.dir);
  // A client certificate the hub never issued: the camera's own CA made it.
  await issueCert(sites.camCerts, { kind: "client", name: "stranger" });

  const out = `${cfg.dir}/front.h264`;
  const receiver = await startReceiver(sites, ["--transport", "quic"], out, COUNT);
  const forward = (cert: string) =>
    `[[camera.forward]]\ntransport = "quic"\nhost = "127.0.0.1"\nport = ${receiver.port}\nremote = "hub"\ncert = "${cert}"\nca = "hub-ca.crt"\n`;
  await Deno.writeTextFile(cfg.file, cameraConfig(forward("garage") + forward("stranger")), {
    append: true,
  });
  const eyrie = await startEyrie(cfg.file);
  try {
    // While the receiver runs: the stranger is refused by the hub, which says why to both.
    const refused = await refusedForward(eyrie.url, 1, "refused this sender");
    assert.match(
      refused.lastError!,
      /^127\.0\.0\.1:\d+ refused this sender: The certificate "[^"]*CN=stranger" is not signed by a trusted eyrie CA$/,
    );
    assert.equal(refused.state, "offline");
    assert.equal(refused.cause, refused.lastError);
    assert.equal(refused.sent, 0);
    assert.equal(refused.connects, 0);
    assert.match(
      eyrie.logs(),
      /"msg":"forward 1 to 127\.0\.0\.1:\d+: offline".*refused this sender/,
    );

    const status = await receiver.done();
    const stderr = receiver.stderr();
    assert.equal(status.code, 0, stderr);
    assert.match(stderr, /sender connected: garage/);
    assert.match(
      stderr,
      /refused a connection: The certificate "[^"]*CN=stranger" is not signed by a trusted eyrie CA/,
    );
    assert.match(stderr, /QUIC on UDP, RTP in datagrams/);
    assert.match(stderr, new RegExp(`${COUNT} H\\.264 access units \\(\\d+ bytes\\) written`));
    assert.equal((await receiver.lines()).at(-1)!.written, COUNT);
    await assertDecoded(out, COUNT);
    await assertSent(eyrie.url, COUNT);
  } finally {
    await eyrie.stop();
  }
});
