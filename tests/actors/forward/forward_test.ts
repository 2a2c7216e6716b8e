/**
 * `[[camera.forward]]` end to end, with real processes and two
 * installations: `eyrie run` on the camera device sends a test camera's
 * H.264 to the hub's `eyrie receive --tls` over mutual TLS (a client
 * certificate from the hub's CA, the hub's CA trusted through `ca`, the hub
 * pinned); ffprobe decodes what arrived. A second forward pinned to another
 * certificate of the hub's CA is refused by eyrie's own sender and says why.
 */
import assert from "node:assert/strict";
import { acceptPin, issueCert } from "../../../certs/mod.ts";
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

Deno.test("a camera forwards over mTLS to eyrie receive --tls, and a pin mismatch is refused by the sender", async () => {
  await using cfg = await tempConfig("");
  const sites = await twoSites(cfg.dir);
  const decoy = await issueCert(sites.hubCerts, { kind: "server", name: "decoy" });
  await acceptPin(sites.camCerts, "wrong", decoy.fingerprint256);

  const out = `${cfg.dir}/front.h264`;
  const receiver = await startReceiver(sites, ["--tls"], out, COUNT);
  const forward = (remote: string) =>
    `[[camera.forward]]\nhost = "127.0.0.1"\nport = ${receiver.port}\nremote = "${remote}"\ncert = "garage"\nca = "hub-ca.crt"\n`;
  await Deno.writeTextFile(cfg.file, cameraConfig(forward("hub") + forward("wrong")), {
    append: true,
  });
  const eyrie = await startEyrie(cfg.file);
  try {
    // While the receiver runs: the forward pinned to the decoy is refused by eyrie's own sender.
    const refused = await refusedForward(eyrie.url, 1, "matches none of");
    assert.equal(
      refused.lastError,
      `The server certificate ${sites.hubFingerprint} matches none of the 1 pin(s)`,
    );
    assert.equal(refused.state, "offline");
    assert.equal(refused.cause, refused.lastError);
    assert.equal(refused.sent, 0);
    assert.match(
      eyrie.logs(),
      /"msg":"forward 1 to 127\.0\.0\.1:\d+: offline".*matches none of the 1 pin/,
    );

    const status = await receiver.done();
    const stderr = receiver.stderr();
    assert.equal(status.code, 0, stderr);
    assert.match(stderr, /sender connected: garage/);
    assert.match(stderr, new RegExp(`${COUNT} H\\.264 access units \\(\\d+ bytes\\) written`));
    assert.equal((await receiver.lines()).at(-1)!.written, COUNT);
    await assertDecoded(out, COUNT);
    await assertSent(eyrie.url, COUNT);
  } finally {
    await eyrie.stop();
  }
});
