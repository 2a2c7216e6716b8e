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
import { acceptPin, initCa, issueCert } from "../../../certs/mod.ts";
import { EYRIE_FLAGS, MAIN, startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { run, until } from "../_camera_tree.ts";

/** Five seconds of video: the refused forward reports long before the receiver is done. */
const COUNT = 150;

Deno.test("a camera forwards over QUIC to eyrie receive --transport quic, and a client of another CA is refused at both ends", async () => {
  await using cfg = await tempConfig("");
  // Two installations: the hub (receiver) and the camera device (sender), each with its own CA.
  const hubData = `${cfg.dir}/hub`;
  const hubCerts = `${hubData}/certs`;
  const camCerts = `${cfg.dir}/data/certs`;
  await initCa({ dir: hubCerts, algorithm: "ed25519" });
  await initCa({ dir: camCerts, algorithm: "p256" });
  const hub = await issueCert(hubCerts, { kind: "server", name: "console" });
  // The hub issues the camera's client certificate; the camera keeps it with the hub's CA.
  await issueCert(hubCerts, { kind: "client", name: "garage" });
  await Deno.mkdir(`${camCerts}/client`, { recursive: true, mode: 0o700 });
  for (const ext of ["crt", "key"]) {
    await Deno.copyFile(`${hubCerts}/client/garage.${ext}`, `${camCerts}/client/garage.${ext}`);
    await Deno.chmod(`${camCerts}/client/garage.${ext}`, 0o600);
  }
  await Deno.copyFile(`${hubCerts}/ca.crt`, `${cfg.dir}/hub-ca.crt`);
  await acceptPin(camCerts, "hub", hub.fingerprint256);
  // A client certificate the hub never issued: the camera's own CA made it.
  await issueCert(camCerts, { kind: "client", name: "stranger" });

  const out = `${cfg.dir}/front.h264`;
  const receiver = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...EYRIE_FLAGS,
      MAIN,
      "receive",
      "--transport",
      "quic",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--data-dir",
      hubData,
      "--count",
      String(COUNT),
      "--out",
      out,
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  let stderr = "";
  const pump = (async () => {
    for await (const chunk of receiver.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  const stdout = new Response(receiver.stdout).text();
  await until("the receiver to listen", () => /receiving on 127\.0\.0\.1:\d+/.test(stderr), 30_000);
  const port = Number(/receiving on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
  assert.match(stderr, new RegExp(`--accept ${hub.fingerprint256}`));

  await Deno.writeTextFile(
    cfg.file,
    `
[console]
listen = "127.0.0.1:0"
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 30
encoder = "x264"
[[camera.forward]]
transport = "quic"
host = "127.0.0.1"
port = ${port}
remote = "hub"
cert = "garage"
ca = "hub-ca.crt"
[[camera.forward]]
transport = "quic"
host = "127.0.0.1"
port = ${port}
remote = "hub"
cert = "stranger"
ca = "hub-ca.crt"
`,
    { append: true },
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    // While the receiver runs: the stranger is refused by the hub, which says why to both.
    type Stats = {
      state: string;
      cause: string | null;
      lastError: string | null;
      sent: number;
      connects: number;
    };
    let stats: Record<string, Stats> = {};
    await until("the refused forward to report its reason", () => {
      fetch(`${eyrie.url}/api/cameras/front`).then((r) => r.json()).then((c) => (stats = c.stats));
      return stats["forward[1]"]?.lastError?.includes("refused this sender") ?? false;
    }, 20_000);
    const refused = stats["forward[1]"];
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

    const status = await receiver.status;
    await pump;
    assert.equal(status.code, 0, stderr);
    assert.match(stderr, /sender connected: garage/);
    assert.match(
      stderr,
      /refused a connection: The certificate "[^"]*CN=stranger" is not signed by a trusted eyrie CA/,
    );
    assert.match(stderr, /QUIC on UDP, RTP in datagrams/);
    assert.match(stderr, new RegExp(`${COUNT} H\\.264 access units \\(\\d+ bytes\\) written`));
    const lines = (await stdout).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.at(-1).written, COUNT);

    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-count_frames",
      "-show_entries",
      "stream=codec_name,width,height,nb_read_frames",
      "-of",
      "json",
      out,
    ]);
    assert.equal(probe.code, 0, probe.out);
    const stream = JSON.parse(probe.out).streams[0];
    assert.equal(stream.codec_name, "h264");
    assert.equal(stream.width, 320);
    assert.equal(stream.nb_read_frames, String(COUNT));
    const good = (await (await fetch(`${eyrie.url}/api/cameras/front`)).json()).stats["forward[0]"];
    assert.ok(good.connects >= 1 && good.sent >= COUNT, JSON.stringify(good));
  } finally {
    await eyrie.stop();
  }
});
