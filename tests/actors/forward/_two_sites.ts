/**
 * Two installations for the forward end-to-end tests: a hub that runs
 * `eyrie receive` and a camera device that runs `eyrie run`, each with its
 * own CA; the hub issues the camera's client certificate, the camera trusts
 * the hub's CA and pins the hub. Also the receiver as a process and
 * ffprobe's count of what it wrote.
 *
 * @module
 */
import assert from "node:assert/strict";
import { acceptPin, initCa, issueCert } from "../../../certs/mod.ts";
import { EYRIE_FLAGS, MAIN } from "../../ui/cli/_eyrie.ts";
import { run, until } from "../_camera_tree.ts";

export interface TwoSites {
  /** The hub's data directory (`--data-dir` of `eyrie receive`). */
  hubData: string;
  hubCerts: string;
  /** The camera device's certificates (`data_dir` of `eyrie run` is `dir/data`). */
  camCerts: string;
  /** SHA-256 fingerprint of the hub's server certificate, pinned by the camera as "hub". */
  hubFingerprint: string;
}

/** Makes both installations under `dir`; the camera's client certificate is "garage". */
export async function twoSites(dir: string): Promise<TwoSites> {
  const hubData = `${dir}/hub`;
  const hubCerts = `${hubData}/certs`;
  const camCerts = `${dir}/data/certs`;
  await initCa({ dir: hubCerts, algorithm: "ed25519" });
  await initCa({ dir: camCerts, algorithm: "p256" });
  const hub = await issueCert(hubCerts, { kind: "server", name: "console" });
  await issueCert(hubCerts, { kind: "client", name: "garage" });
  await Deno.mkdir(`${camCerts}/client`, { recursive: true, mode: 0o700 });
  for (const ext of ["crt", "key"]) {
    await Deno.copyFile(`${hubCerts}/client/garage.${ext}`, `${camCerts}/client/garage.${ext}`);
    await Deno.chmod(`${camCerts}/client/garage.${ext}`, 0o600);
  }
  await Deno.copyFile(`${hubCerts}/ca.crt`, `${dir}/hub-ca.crt`);
  await acceptPin(camCerts, "hub", hub.fingerprint256);
  return { hubData, hubCerts, camCerts, hubFingerprint: hub.fingerprint256 };
}

export interface Receiver {
  port: number;
  /** Everything the receiver wrote to stderr so far. */
  stderr(): string;
  /** Its exit status, once its stderr has been read to the end. */
  done(): Promise<Deno.CommandStatus>;
  /** Its stdout's JSON lines (`--json`), once it exited. */
  lines(): Promise<{ written: number }[]>;
}

/**
 * `eyrie receive` with `transportArgs` ("--tls", or "--transport quic") on an
 * ephemeral loopback port, writing `count` access units to `out`.
 */
export async function startReceiver(
  sites: TwoSites,
  transportArgs: string[],
  out: string,
  count: number,
): Promise<Receiver> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...EYRIE_FLAGS,
      MAIN,
      "receive",
      ...transportArgs,
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--data-dir",
      sites.hubData,
      "--count",
      String(count),
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
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  const stdout = new Response(child.stdout).text();
  await until("the receiver to listen", () => /receiving on 127\.0\.0\.1:\d+/.test(stderr), 30_000);
  const port = Number(/receiving on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
  assert.match(stderr, new RegExp(`--accept ${sites.hubFingerprint}`));
  return {
    port,
    stderr: () => stderr,
    done: async () => {
      const status = await child.status;
      await pump;
      return status;
    },
    lines: async () => (await stdout).trim().split("\n").map((l) => JSON.parse(l)),
  };
}

/** The camera device's config: one 320x240 test camera and `forwards` (TOML). */
export function cameraConfig(forwards: string): string {
  return `
[console]
listen = "127.0.0.1:0"
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 30
encoder = "x264"
${forwards}`;
}

/** A forward's stats as `/api/cameras/:id` shows them. */
export interface ForwardStats {
  state: string;
  cause: string | null;
  lastError: string | null;
  sent: number;
  connects: number;
}

/** Waits until forward `index` of camera "front" has a last error that includes `text`. */
export async function refusedForward(
  url: string,
  index: number,
  text: string,
): Promise<ForwardStats> {
  let stats: Record<string, ForwardStats> = {};
  await until("the refused forward to report its reason", () => {
    fetch(`${url}/api/cameras/front`).then((r) => r.json()).then((c) => (stats = c.stats));
    return stats[`forward[${index}]`]?.lastError?.includes(text) ?? false;
  }, 20_000);
  return stats[`forward[${index}]`];
}

/** ffprobe decodes `count` 320-wide H.264 frames from `out`. */
export async function assertDecoded(out: string, count: number): Promise<void> {
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
  assert.equal(stream.nb_read_frames, String(count));
}

/** The good forward (index 0) connected and sent at least `count` access units. */
export async function assertSent(url: string, count: number): Promise<void> {
  const good = (await (await fetch(`${url}/api/cameras/front`)).json()).stats["forward[0]"];
  assert.ok(good.connects >= 1 && good.sent >= count, JSON.stringify(good));
}
