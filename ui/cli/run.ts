/**
 * `eyrie run`: start the system and the console, stop cleanly on
 * SIGINT/SIGTERM (exit 0), exit 1 when the root supervisor gives up,
 * re-read the config on SIGHUP. Under systemd it reports READY, WATCHDOG,
 * RELOADING and STOPPING (ui/service/notify.ts).
 *
 * @module
 */
import { System } from "../../actors/system/mod.ts";
import { loadConfig, parseListen } from "../config/mod.ts";
import { createApp } from "../http/app.ts";
import { serve } from "../http/serve.ts";
import { createLogger, type Logger, stderrSink } from "../../actors/log/logger.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { HELP } from "./help.ts";
import { loadRunConfig } from "./run_config.ts";
import type { Io } from "./main.ts";
import { systemdNotifier } from "../service/notify.ts";
import { recoverStateFile } from "../../actors/state/recover.ts";
import { AuthStore } from "../auth/service.ts";
import { StreamAccess } from "../auth/stream_access.ts";
import { mqttCommandAccess } from "../auth/mqtt_access.ts";
import { MqttService } from "../mqtt/service.ts";
import { Library } from "../../actors/library/library.ts";
import { snapshotOf } from "../http/pictures.ts";
import { VERSION } from "./version.ts";

/** SIGTERM to exit, at most (the system's own stop takes SHUTDOWN_MS; this is the backstop). */
const STOP_DEADLINE_MS = 9_000;

/**
 * An error nothing caught on the main thread is a bug, but an appliance must
 * not die of it: it is logged as JSON (with its stack) and eyrie runs on.
 * Workers have their own net (actors/runtime): their errors crash the actor.
 */
function catchStrays(log: Logger): void {
  const report = (what: string, error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    log.error(`${what} on the main thread (a bug); eyrie runs on`, {
      error: e.message,
      stack: e.stack ?? "",
    });
  };
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    report("unhandled rejection", e.reason);
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    report("uncaught error", e.error ?? e.message);
  });
}

export async function runMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand("run", args, {
    config: { type: "string", short: "c" },
  });
  if (values.help) {
    io.stdout(HELP.run);
    return 0;
  }
  expectPositionals("run", positionals, 0, 0);
  const file = values.config;
  const config = await loadRunConfig(file);
  const sink = stderrSink(config.log.format);
  const log = createLogger("main", sink, config.log.level);
  // Before the system opens it (the sign-in check above only tried to read it): a corrupt
  // state file is moved aside and recovered, an unreadable one is reported; eyrie runs on
  // either way (actors/state/recover.ts).
  recoverStateFile(config.data_dir, { log: createLogger("state", sink, config.log.level) });
  if (config.camera.length === 0) log.warn("no cameras configured: add a [[camera]] section");

  catchStrays(log);
  const notify = systemdNotifier(log);
  const load = file === undefined ? undefined : () => loadConfig(file);
  // serve_tls.ts brings the PKI (@peculiar/x509, ~18 MB of heap): only for a console with [tls].
  const consoleTls = config.tls === null
    ? undefined
    : await (await import("../http/serve_tls.ts")).loadConsoleTls(config.tls, log);
  // Who may watch over RTSP: the state file's users and grants, read on each request.
  let store: AuthStore | undefined;
  // The system answers the questions of its own RTSP server: it exists once started.
  const started: { system?: System } = {};
  const streamAccess = new StreamAccess({
    store: () => store ??= AuthStore.open(config.data_dir),
    config: () => started.system?.config ?? config,
    stream: (id) => started.system?.cameras.get(id)?.config,
  });
  const system = started.system = await System.start({
    config,
    log: sink,
    load,
    streamAccess: (request) => {
      const verdict = streamAccess.check(request);
      if (!verdict.ok && verdict.status !== 401) {
        log.warn("rtsp access refused", {
          camera: request.camera,
          address: request.address,
          reason: verdict.reason,
        });
      }
      return verdict;
    },
  });
  // MQTT starts once the console listens: events carry the console's URL (their snapshots).
  let consoleUrl = "";
  const mqtt = config.mqtt === null ? null : new MqttService({
    system,
    config: config.mqtt,
    log: createLogger("mqtt", sink, config.log.level),
    snapshot: async (id) => {
      const node = system.cameras.get(id);
      const picture = node === undefined ? null : await snapshotOf(node);
      return picture !== null && "jpeg" in picture ? picture.jpeg : null;
    },
    access: mqttCommandAccess(() => store ??= AuthStore.open(config.data_dir), () => system.config),
    consoleUrl: () => consoleUrl,
    version: VERSION,
  });
  if (mqtt !== null) {
    system.addHealthCheck(() => {
      const st = mqtt.status();
      return st.state === "offline" ? [`MQTT broker offline: ${st.cause}`] : [];
    });
  }
  // The library scans in the background: the console answers (an empty list) meanwhile.
  const libraryLog = createLogger("library", sink, config.log.level);
  const library = (config.library ?? []).length === 0 ? null : new Library(config.library!, {
    dataDir: config.data_dir,
    log: (level, msg, fields) => libraryLog[level](msg, fields),
  });
  library?.start().catch((e) => libraryLog.error("library scan failed", { error: e.message }));
  let server;
  try {
    server = await serve(createApp(system, { mqtt, library }), parseListen(config.console.listen), {
      tls: consoleTls,
      onError: (what, e) =>
        what === "handshake"
          ? log.info("console refused a TLS client", { error: (e as Error).message })
          : log.error(`console ${what} failed`, { error: (e as Error).message }),
    });
  } catch (e) {
    notify.close();
    await consoleTls?.close();
    await system.stop();
    throw e;
  }
  consoleUrl = server.url.replace(/\/$/, "");
  mqtt?.start();
  log.info("eyrie is running", {
    console: server.url,
    cameras: config.camera.map((c) => c.id).join(","),
    config: file ?? "(defaults)",
  });
  const running = () => `running: ${system.cameras.size} camera(s), console on ${server.url}`;
  notify.ready(running());
  const onHangup = async () => {
    notify.reloading();
    const r = await system.reload();
    notify.ready(r.ok ? running() : `${running()}; last reload refused: ${r.reason}`);
  };
  Deno.addSignalListener("SIGHUP", onHangup);

  const stopped = new Promise<number>((resolve) => {
    let stoppingSince = 0;
    const onSignal = (signal: Deno.Signal) => () => {
      // A service manager may deliver one stop twice; a second one a moment later means "now".
      if (stoppingSince > 0 && performance.now() - stoppingSince < 1000) return;
      if (stoppingSince > 0) {
        log.warn("second signal: exiting at once", { signal });
        Deno.exit(1);
      }
      stoppingSince = performance.now();
      log.info("stopping", { signal });
      resolve(0);
    };
    for (const s of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(s, onSignal(s));
    system.exited.then((exit) => {
      if (exit.kind !== "normal") {
        log.error("the supervision tree gave up", {
          reason: exit.kind === "crashed" ? exit.error.message : exit.kind,
        });
        resolve(1);
      }
    });
  });
  const code = await stopped;
  // Whatever a part of eyrie does while it stops, the process ends in time (systemd's
  // TimeoutStopSec would SIGKILL it, and a stop must never hang a reboot).
  const deadline = setTimeout(() => {
    log.error("stopping took too long; exiting now", { after_ms: STOP_DEADLINE_MS, code });
    Deno.exit(code);
  }, STOP_DEADLINE_MS);
  Deno.unrefTimer(deadline);
  notify.stopping();
  notify.close();
  Deno.removeSignalListener("SIGHUP", onHangup);
  await mqtt?.stop();
  await server.close();
  await library?.[Symbol.asyncDispose]();
  await consoleTls?.close();
  await system.stop();
  store?.close();
  log.info("stopped", { code });
  return code;
}
