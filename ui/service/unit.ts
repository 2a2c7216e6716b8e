/**
 * eyrie's systemd unit, written from data. Type=notify with a watchdog
 * (ui/service/notify.ts), restart on failure, a dedicated user in the video
 * group, and a sandbox: the whole filesystem read-only but the data dirs, no
 * capabilities, no privilege gain, a private /tmp.
 *
 * @module
 */

/** Where a service install puts things. */
export const SERVICE = {
  name: "eyrie.service",
  unitPath: "/etc/systemd/system/eyrie.service",
  configDir: "/etc/eyrie",
  configPath: "/etc/eyrie/eyrie.toml",
  dataDir: "/var/lib/eyrie",
  user: "eyrie",
} as const;

/** systemd pings the watchdog every half of this; a stuck event loop misses it and is restarted. */
export const WATCHDOG_S = 30;
/** Starting may probe cameras and encoders (seconds on a Pi) before READY. */
export const START_TIMEOUT_S = 90;
/** eyrie stops everything within 5 s (SHUTDOWN_MS); the rest is margin for a slow card. */
export const STOP_TIMEOUT_S = 20;

export interface UnitOptions {
  /** ExecStart's program and its arguments before `run --config …`. */
  command: readonly string[];
  configPath: string;
  user: string;
  /** Supplementary groups (video for cameras and V4L2 encoders, render for VA-API where it exists). */
  groups: readonly string[];
  /** Dirs eyrie writes: the data dir, the recordings dir if it lies elsewhere. */
  writable: readonly string[];
  /** Extra environment, e.g. DENO_DIR when running from source. */
  environment: Readonly<Record<string, string>>;
}

/** The text of eyrie.service. */
export function serviceUnit(o: UnitOptions): string {
  const exec = [...o.command, "run", "--config", o.configPath].map(quoteExecArg).join(" ");
  // Two malloc arenas instead of one per thread (eyrie runs ~20): ~10 MB less RSS, measured.
  const env = Object.entries({ NO_COLOR: "1", MALLOC_ARENA_MAX: "2", ...o.environment })
    .map(([k, v]) => `Environment=${quoteWord(`${k}=${v}`)}`);
  return [
    "[Unit]",
    "Description=eyrie camera streaming runtime",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=notify",
    "NotifyAccess=main",
    `ExecStart=${exec}`,
    "ExecReload=/bin/kill -HUP $MAINPID",
    "Restart=on-failure",
    "RestartSec=5s",
    `WatchdogSec=${WATCHDOG_S}s`,
    `TimeoutStartSec=${START_TIMEOUT_S}s`,
    `TimeoutStopSec=${STOP_TIMEOUT_S}s`,
    `User=${o.user}`,
    `Group=${o.user}`,
    ...(o.groups.length > 0 ? [`SupplementaryGroups=${o.groups.join(" ")}`] : []),
    ...env,
    "SyslogIdentifier=eyrie",
    "StateDirectory=eyrie",
    "StateDirectoryMode=0750",
    "ConfigurationDirectory=eyrie",
    "UMask=0027",
    "# Sandbox: everything read-only but the data dirs; no capabilities at all.",
    "ProtectSystem=strict",
    ...o.writable.map((d) => `ReadWritePaths=${quoteWord(d)}`),
    "ProtectHome=read-only",
    "PrivateTmp=yes",
    "NoNewPrivileges=yes",
    "CapabilityBoundingSet=",
    "AmbientCapabilities=",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectHostname=yes",
    "RestrictNamespaces=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "# Not set, on purpose: PrivateDevices and ProtectClock (both restrict /dev, and",
    "# cameras and encoders are devices), MemoryDenyWriteExecute (V8 compiles to machine code).",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/**
 * One word of an ExecStart= line: like {@linkcode quoteWord}, and `$` doubled
 * so systemd does not expand it (systemd.service(5), "Command lines").
 */
export function quoteExecArg(word: string): string {
  return quoteWord(word.replaceAll("$", "$$$$"));
}

/**
 * One word of a unit setting: `%` doubled (no specifier expansion), quoted
 * when it holds spaces, quotes, backslashes or a semicolon.
 */
export function quoteWord(word: string): string {
  if ([...word].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new RangeError(
      `A unit file word cannot hold control characters: ${JSON.stringify(word)}`,
    );
  }
  const escaped = word.replaceAll("%", "%%");
  if (escaped !== "" && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
