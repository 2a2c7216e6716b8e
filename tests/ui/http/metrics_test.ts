import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { type ParsedFamily, parseExposition } from "../metrics/_exposition.ts";
import { bindRtpPair } from "../../actors/rtp_output/_udp.ts";

/** With an RTP output to `port`, where the test listens (a closed port would be offline). */
const config = (port: number) =>
  `[console]\nlisten = "127.0.0.1:0"\n[recording]\n[[camera]]\nid = "front"\nsource = "test"\n` +
  `width = 320\nheight = 240\nfps = 15\n  [[camera.rtp]]\n  host = "127.0.0.1"\n  port = ${port}\n`;

/** promtool, where installed (apt-get install prometheus); null otherwise, and the lint step says so. */
const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}) ?? null;
if (PROMTOOL === null) console.warn("promtool is not installed: /metrics is not linted by it");

async function promtoolCheck(text: string): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(PROMTOOL!, {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

function value(f: ParsedFamily | undefined, labels: Record<string, string> = {}): number {
  assert.ok(f !== undefined, "family present");
  const s = f.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(s !== undefined, `${f.name} has a series ${JSON.stringify(labels)}`);
  return s.value;
}

Deno.test("GET /metrics: strict Prometheus text with process, supervision, camera, encoder and ring metrics", async () => {
  using receiver = bindRtpPair();
  await using cfg = await tempConfig(config(receiver.port));
  const eyrie = await startEyrie(cfg.file);
  try {
    // Stats arrive once a second; wait until the encoder has reported.
    let text = "";
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await fetch(`${eyrie.url}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
      text = await res.text();
      if (
        /^eyrie_encoder_access_units_total\{camera="front"\} [1-9]/m.test(text) &&
        /^eyrie_rtp_packets_sent_total\{[^}]*\} [1-9]/m.test(text) &&
        /^eyrie_viewers\{camera="front"\} 0/m.test(text) &&
        /^eyrie_recording_written_bytes_total\{camera="front"\} [1-9]/m.test(text) &&
        /^eyrie_detector_frames_total\{camera="front"\} [1-9]/m.test(text)
      ) break;
      assert.ok(Date.now() < deadline, `no encoder stats in time:\n${text}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const m = parseExposition(text);
    assert.ok(value(m.get("eyrie_process_resident_memory_bytes")) > 10e6);
    assert.ok(value(m.get("eyrie_process_cpu_seconds_total")) > 0);
    assert.ok(value(m.get("eyrie_event_loop_lag_seconds")) >= 0);
    assert.ok(value(m.get("eyrie_disk_free_bytes")) > 0);
    assert.equal(value(m.get("eyrie_healthy")), 1);
    assert.equal(value(m.get("eyrie_actor_up"), { actor: "front/encoder" }), 1);
    assert.equal(value(m.get("eyrie_actor_restarts_total"), { actor: "front/camera" }), 0);
    assert.ok(value(m.get("eyrie_camera_frames_total"), { camera: "front" }) > 0);
    assert.ok(value(m.get("eyrie_camera_fps"), { camera: "front" }) > 0);
    assert.equal(value(m.get("eyrie_encoder_info"), { camera: "front", hardware: "false" }), 1);
    assert.ok(value(m.get("eyrie_encoder_bitrate_bytes_per_second"), { camera: "front" }) > 0);
    // Prometheus's own linter (Debian's `prometheus` package) finds nothing to flag, units included.
    if (PROMTOOL !== null) {
      const lint = await promtoolCheck(text);
      assert.equal(lint.code, 0, `promtool check metrics:\n${lint.out}`);
      assert.equal(lint.out.trim(), "", `promtool check metrics:\n${lint.out}`);
    }
    assert.ok(value(m.get("eyrie_ring_written_total"), { camera: "front", ring: "au" }) > 0);
    assert.equal(value(m.get("eyrie_ring_capacity_entries"), { camera: "front", ring: "raw" }), 4);
    const drops = m.get("eyrie_ring_reader_drops_total")!;
    assert.ok(drops.samples.some((s) => s.labels.ring === "raw" && s.labels.reader === "encoder"));
    assert.equal(value(m.get("eyrie_metrics_collector_errors_total")), 0);
    // The live path, the recorder and the detector.
    assert.ok(value(m.get("eyrie_rtp_packetized_total"), { camera: "front" }) > 0);
    assert.ok(value(m.get("eyrie_rtp_bytes_sent_total"), { camera: "front", output: "0" }) > 0);
    assert.equal(value(m.get("eyrie_rtp_send_errors_total"), { camera: "front", output: "0" }), 0);
    assert.equal(value(m.get("eyrie_rtp_output_outages_total"), { camera: "front" }), 0);
    assert.equal(value(m.get("eyrie_viewers"), { camera: "front" }), 0);
    assert.equal(value(m.get("eyrie_recording_active"), { camera: "front" }), 1);
    assert.equal(value(m.get("eyrie_recording_disk_full")), 0);
    assert.ok(value(m.get("eyrie_detector_motion_step_seconds"), { camera: "front" }) >= 0);
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
