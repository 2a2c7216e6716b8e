/**
 * `eyrie probe --config`'s services: the RTSP address, a real Mosquitto and
 * a real Janus reached (and refused once they are gone), each with the
 * cause a running eyrie would show.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../../ui/config/mod.ts";
import { formatServices, probeServices } from "../../../ui/cli/probe_services.ts";
import { freeTcpPort, janusInstalled, startJanus } from "../../_janus.ts";
import { mosquittoInstalled, startMosquitto } from "../../_mosquitto.ts";

Deno.test({
  name:
    "probeServices() reaches the broker and Janus a config names, and says why not once they are gone",
  ignore: !mosquittoInstalled() || !janusInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-probe-" });
    const broker = await startMosquitto(dir);
    const janusDir = await Deno.makeTempDir({ prefix: "eyrie-janus-" });
    const janus = await startJanus(janusDir);
    const rtsp = freeTcpPort();
    const config = parseConfig(
      `data_dir = "${dir}/data"
[rtsp]
listen = "127.0.0.1:${rtsp}"
[mqtt]
url = "mqtt://127.0.0.1:${broker.port}"
[[camera]]
id = "front"
source = "test"
  [[camera.publish]]
  url = "${janus.base}"
`,
      "probe.toml",
    );
    const taken = Deno.listen({ hostname: "127.0.0.1", port: rtsp });
    try {
      let probes = await probeServices(config);
      assert.deepEqual(probes.map((p) => [p.service, p.ok]), [["rtsp", false], ["mqtt", true], [
        "janus",
        true,
      ]]);
      assert.match(probes[0].detail, /in use/);
      assert.match(probes[2].detail, /streaming plugin on/);
      assert.match(formatServices(probes), /ok {3}mqtt {3}mqtt:\/\/127\.0\.0\.1:\d+: connected/);
      taken.close();
      await broker.stop();
      await janus.stop();
      probes = await probeServices(config);
      assert.deepEqual(probes.map((p) => p.ok), [true, false, false]);
      assert.match(
        probes[1].detail,
        /^connection refused by 127\.0\.0\.1:\d+ \(is the broker running\?\)$/,
      );
      assert.match(
        probes[2].detail,
        /^connection refused by 127\.0\.0\.1:\d+ \(is Janus running\?\)$/,
      );
    } finally {
      try {
        taken.close();
      } catch { /* closed */ }
      await broker.stop();
      await janus.stop();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(janusDir, { recursive: true });
    }
  },
});
