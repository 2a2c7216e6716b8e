/**
 * `eyrie run`: start the system and the console, stop cleanly on
 * SIGINT/SIGTERM (exit 0), exit 1 when the root supervisor gives up,
 * re-read the config on SIGHUP. Under systemd it reports READY, WATCHDOG,
 * RELOADING and STOPPING (ui/service/notify.ts).
 *
 * @module
 */
import type { Config } from "../../actors/defs.ts";
import { System } from "../../actors/system/mod.ts";
import { defaultConfig, isLoopback, loadConfig, parseListen } from "../config/mod.ts";
import { createApp } from "../http/app.ts";
import { serve } from "../http/serve.ts";
import { loadConsoleTls } from "../http/serve_tls.ts";
import { checkSignIn } from "../auth/exposure.ts";
import { createLogger, stderrSink } from "../../actors/log/logger.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { ConfigError } from "./errors.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";
import { systemdNotifier } from "../service/notify.ts";

/** Refuses a console that anyone on the network could reach without TLS, unless the config insists. */
export function checkExposure(config: Config, file: string): void {
  const { hostname } = parseListen(config.console.listen);
  if (isLoopback(hostname) || config.tls !== null || config.console.insecure) return;
  throw new ConfigError(file, [{
    path: "console.listen",
    line: undefined,
    message:
      `"${config.console.listen}" is reachable from the network, but [tls] is not configured; ` +
      "configure [tls], listen on 127.0.0.1, or set console.insecure = true to accept the risk",
  }]);
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
  const config = file === undefined ? defaultConfig() : await loadConfig(file);
  checkExposure(config, file ?? "config");
  checkSignIn(config, file ?? "config");
  const sink = stderrSink(config.log.format);
  const log = createLogger("main", sink, config.log.level);
  if (config.camera.length === 0) log.warn("no cameras configured: add a [[camera]] section");

  const notify = systemdNotifier(log);
  const load = file === undefined ? undefined : () => loadConfig(file);
  const consoleTls = config.tls === null ? undefined : await loadConsoleTls(config.tls, log);
  const system = await System.start({ config, log: sink, load });
  let server;
  try {
    server = await serve(createApp(system), parseListen(config.console.listen), {
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
  notify.stopping();
  notify.close();
  Deno.removeSignalListener("SIGHUP", onHangup);
  await server.close();
  await consoleTls?.close();
  await system.stop();
  log.info("stopped", { code });
  return code;
}
