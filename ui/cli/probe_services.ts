/**
 * `eyrie probe --config FILE`: whether the services the config names can be
 * reached from here — the RTSP server's address (free to listen on?), the
 * MQTT broker (a real connection with the config's login and CA) and each
 * `[[camera.publish]]` Janus (its API, and whether the streaming plugin is
 * there) — each with the cause a running eyrie would show.
 *
 * @module
 */
import mqtt from "mqtt";
import type { Config } from "../../actors/defs.ts";
import { mqttCause } from "../mqtt/link.ts";
import { parseListen } from "../config/mod.ts";
import { networkCause } from "../../actors/publish/janus_api.ts";

/** How long a probe of one service may take. */
const PROBE_TIMEOUT_MS = 5000;

export interface ServiceProbe {
  service: string;
  target: string;
  ok: boolean;
  detail: string;
}

function probeRtsp(listen: string): ServiceProbe {
  const { hostname, port } = parseListen(listen);
  try {
    const l = Deno.listen({ hostname, port });
    l.close();
    return { service: "rtsp", target: listen, ok: true, detail: "free to listen on" };
  } catch (e) {
    const detail = e instanceof Deno.errors.AddrInUse
      ? "in use (is eyrie running already? another RTSP server?)"
      : (e as Error).message;
    return { service: "rtsp", target: listen, ok: false, detail };
  }
}

function probeMqtt(c: NonNullable<Config["mqtt"]>): Promise<ServiceProbe> {
  const url = new URL(c.url);
  const where = `${url.hostname}:${url.port || (url.protocol === "mqtts:" ? 8883 : 1883)}`;
  return new Promise((resolve) => {
    let ca: string | undefined;
    try {
      ca = c.ca === "" ? undefined : Deno.readTextFileSync(c.ca);
    } catch (e) {
      resolve({
        service: "mqtt",
        target: c.url,
        ok: false,
        detail: `cannot read ${c.ca}: ${(e as Error).message}`,
      });
      return;
    }
    const client = mqtt.connect(c.url, {
      clientId: `${c.client_id}-probe`,
      username: c.user === "" ? undefined : c.user,
      password: c.user === "" ? undefined : c.password,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: PROBE_TIMEOUT_MS,
      ...(ca === undefined ? {} : { ca }),
    });
    let failure: unknown = null;
    client.on("error", (e) => (failure = e));
    client.on("connect", () => {
      client.end(true);
      resolve({
        service: "mqtt",
        target: c.url,
        ok: true,
        detail: `connected${c.user === "" ? "" : ` as ${c.user}`}`,
      });
    });
    client.on("close", () => {
      client.end(true);
      resolve({
        service: "mqtt",
        target: c.url,
        ok: false,
        detail: mqttCause(failure ?? new Error("the broker closed the connection"), where),
      });
    });
  });
}

async function probeJanus(camera: string, url: string): Promise<ServiceProbe> {
  const target = `${url} (camera ${camera})`;
  try {
    const res = await fetch(`${url}/info`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const info = await res.json() as {
      name?: string;
      version_string?: string;
      plugins?: Record<string, unknown>;
    };
    const streaming = info.plugins !== undefined && "janus.plugin.streaming" in info.plugins;
    return {
      service: "janus",
      target,
      ok: streaming,
      detail: `${info.name ?? "Janus"} ${info.version_string ?? ""}`.trim() +
        (streaming ? ", streaming plugin on" : ", but its streaming plugin is off"),
    };
  } catch (e) {
    const u = new URL(url);
    const where = `${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}`;
    return { service: "janus", target, ok: false, detail: networkCause(e, where) };
  }
}

/** Every service `config` names, probed at once. */
export async function probeServices(config: Config): Promise<ServiceProbe[]> {
  const probes: Promise<ServiceProbe>[] = [];
  if (config.rtsp !== null) probes.push(Promise.resolve(probeRtsp(config.rtsp.listen)));
  if (config.mqtt !== null) probes.push(probeMqtt(config.mqtt));
  for (const cam of config.camera) {
    for (const p of cam.publish) probes.push(probeJanus(cam.id, p.url));
  }
  return await Promise.all(probes);
}

export function formatServices(probes: readonly ServiceProbe[]): string {
  if (probes.length === 0) {
    return "Services:   none configured ([rtsp], [mqtt], [[camera.publish]])";
  }
  return [
    "Services:",
    ...probes.map((p) =>
      `  ${p.ok ? "ok  " : "no  "} ${p.service.padEnd(6)} ${p.target}: ${p.detail}`
    ),
  ]
    .join("\n");
}
