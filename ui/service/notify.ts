/**
 * systemd's notify protocol (sd_notify(3)) for a Type=notify service:
 * READY=1 once the console listens, WATCHDOG=1 at half of WatchdogSec from
 * the main thread's event loop (a stuck loop misses it and systemd restarts
 * eyrie), STATUS= lines for `systemctl status`, RELOADING=1 and STOPPING=1.
 * Outside systemd (no $NOTIFY_SOCKET) every call does nothing.
 *
 * @module
 */
import { sendUnixDatagram } from "../../ffi/libc/mod.ts";
import type { Logger } from "../../actors/log/logger.ts";

export interface Notifier {
  /** Whether a service manager listens. */
  readonly active: boolean;
  ready(status: string): void;
  status(status: string): void;
  reloading(): void;
  stopping(): void;
  /** Stops the watchdog timer. */
  close(): void;
}

/** Fewer than this between watchdog pings would be a misconfiguration, not a watchdog. */
const MIN_WATCHDOG_PING_MS = 50;

/** What $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID ask of this process. */
export interface NotifyEnv {
  socket: string | undefined;
  /** Half the watchdog timeout, or undefined when no watchdog is set for this process. */
  watchdogPingMs: number | undefined;
}

/** Reads the notify environment as sd_notify(3) and sd_watchdog_enabled(3) define it. */
export function notifyEnv(get: (name: string) => string | undefined, pid: number): NotifyEnv {
  const raw = get("NOTIFY_SOCKET");
  const socket = raw === undefined || raw === "" ? undefined : raw;
  const usec = Number(get("WATCHDOG_USEC") ?? "");
  const forPid = get("WATCHDOG_PID");
  const mine = forPid === undefined || forPid === "" || Number(forPid) === pid;
  const watchdogPingMs = socket !== undefined && mine && Number.isFinite(usec) && usec > 0
    ? Math.max(MIN_WATCHDOG_PING_MS, usec / 2000)
    : undefined;
  return { socket, watchdogPingMs };
}

/**
 * A notifier for this process. It takes $NOTIFY_SOCKET and the watchdog
 * variables out of the environment, so Workers' and children's code does not
 * notify in eyrie's name. A failed send is logged once and never thrown.
 */
export function systemdNotifier(log: Logger): Notifier {
  const env = notifyEnv((n) => Deno.env.get(n), Deno.pid);
  for (const name of ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]) Deno.env.delete(name);
  const socket = env.socket;
  if (socket === undefined) {
    const nothing = () => {};
    return {
      active: false,
      ready: nothing,
      status: nothing,
      reloading: nothing,
      stopping: nothing,
      close: nothing,
    };
  }
  const encoder = new TextEncoder();
  let warned = false;
  const send = (state: string) => {
    try {
      sendUnixDatagram(socket, encoder.encode(state));
    } catch (e) {
      if (warned) return;
      warned = true;
      log.warn("cannot notify systemd", { socket, error: (e as Error).message });
    }
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  if (env.watchdogPingMs !== undefined) {
    send("WATCHDOG=1");
    const t = setInterval(() => send("WATCHDOG=1"), env.watchdogPingMs);
    Deno.unrefTimer(t);
    timer = t;
  }
  return {
    active: true,
    ready: (status) => send(`READY=1\nSTATUS=${oneLine(status)}\nMAINPID=${Deno.pid}`),
    status: (status) => send(`STATUS=${oneLine(status)}`),
    reloading: () => send("RELOADING=1"),
    stopping: () => send("STOPPING=1"),
    close: () => clearInterval(timer),
  };
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ").slice(0, 200);
}
