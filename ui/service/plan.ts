/**
 * What `eyrie service install|uninstall` does on this host, as steps
 * (steps.ts): a system user in the video group, the config in /etc/eyrie,
 * data in /var/lib/eyrie, the unit, and systemctl to enable and (re)start it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { Config } from "../../actors/defs.ts";
import { parseConfig } from "../config/mod.ts";
import { SERVICE, serviceUnit } from "./unit.ts";
import type { Step } from "./steps.ts";
import { STARTER_CONFIG } from "./starter_config.ts";

/** What the plan depends on, read from the host. */
export interface HostFacts {
  userExists: boolean;
  /** Of the groups eyrie wants (video, render), those this host has. */
  groups: string[];
  /** systemd runs as the service manager (/run/systemd/system exists). */
  systemdRunning: boolean;
  /** The config already installed, if any. */
  installedConfig: string | undefined;
  unitInstalled: boolean;
}

/** Groups the service user joins where they exist: video (cameras, V4L2 encoders), render (VA-API). */
export const WANTED_GROUPS = ["video", "render"];

/** The permissions `eyrie run` needs from source; a compiled binary carries them itself. */
export const RUN_PERMISSIONS = [
  "--allow-ffi",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

/** How systemd should start this eyrie: the binary itself, or Deno with main.ts from source. */
export function eyrieCommand(): { command: string[]; environment: Record<string, string> } {
  if (Deno.build.standalone) return { command: [Deno.execPath()], environment: {} };
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  return {
    command: [Deno.execPath(), "run", ...RUN_PERMISSIONS, main],
    // Deno's cache must be writable for the service user; the home dirs are read-only to it.
    environment: { DENO_DIR: `${SERVICE.dataDir}/deno` },
  };
}

export async function hostFacts(): Promise<HostFacts> {
  const exists = async (path: string) => {
    try {
      await Deno.stat(path);
      return true;
    } catch {
      return false;
    }
  };
  let installedConfig: string | undefined;
  try {
    installedConfig = await Deno.readTextFile(SERVICE.configPath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const groups: string[] = [];
  for (const g of WANTED_GROUPS) if (await getent("group", g)) groups.push(g);
  return {
    userExists: await getent("passwd", SERVICE.user),
    groups,
    systemdRunning: await exists("/run/systemd/system"),
    installedConfig,
    unitInstalled: await exists(SERVICE.unitPath),
  };
}

/**
 * The install: `config` is the text of a config to install (from --config),
 * else the installed one is kept, else a starter config is written. The
 * config is validated as it will be read, at /etc/eyrie/eyrie.toml (a
 * ConfigError names the problem).
 */
export function installPlan(
  facts: HostFacts,
  options: { config?: { text: string; from: string } } = {},
): Step[] {
  const steps: Step[] = [];
  const { user } = SERVICE;
  if (!facts.userExists) {
    steps.push({ kind: "create_user", user, home: SERVICE.dataDir, groups: facts.groups });
  } else if (facts.groups.length > 0) {
    steps.push({ kind: "add_groups", user, groups: facts.groups });
  }

  const text = options.config?.text ?? facts.installedConfig ?? STARTER_CONFIG;
  const config = withServiceEnv(() => parseConfig(text, SERVICE.configPath));
  const writable = writableDirs(config);
  for (const dir of writable) {
    if (dir !== SERVICE.dataDir) steps.push({ kind: "mkdir", path: dir, owner: user, mode: 0o750 });
  }
  if (options.config !== undefined || facts.installedConfig === undefined) {
    steps.push({ kind: "mkdir", path: SERVICE.configDir, owner: "root", mode: 0o755 });
    steps.push({
      kind: "write",
      path: SERVICE.configPath,
      text,
      mode: 0o640,
      group: user,
      what: options.config === undefined
        ? "a starter config"
        : `the config from ${options.config.from}`,
    });
  } else {
    steps.push({ kind: "note", text: `keeping the installed config ${SERVICE.configPath}` });
  }

  const { command, environment } = eyrieCommand();
  const unit = serviceUnit({
    command,
    configPath: SERVICE.configPath,
    user,
    groups: facts.groups,
    writable,
    environment: { EYRIE_DATA_DIR: SERVICE.dataDir, ...environment },
  });
  steps.push({ kind: "write", path: SERVICE.unitPath, text: unit, mode: 0o644, what: "the unit" });

  if (facts.systemdRunning) {
    steps.push({ kind: "run", argv: ["systemctl", "daemon-reload"], why: "read the unit" });
    steps.push({
      kind: "run",
      argv: ["systemctl", "enable", SERVICE.name],
      why: "start at boot",
    });
    steps.push({
      kind: "run",
      argv: ["systemctl", "restart", SERVICE.name],
      why: facts.unitInstalled ? "run the new version" : "start now",
    });
    steps.push({
      kind: "note",
      text: `eyrie runs as ${user}; console on http://${config.console.listen}; ` +
        "logs: journalctl -u eyrie -f",
    });
  } else {
    steps.push({
      kind: "note",
      text: "systemd is not running on this machine: the unit is written, but nothing is started " +
        `(on a systemd host: systemctl daemon-reload && systemctl enable --now ${SERVICE.name})`,
    });
  }
  return steps;
}

/** The uninstall: stop and disable, remove the unit; config, data and user stay. */
export function uninstallPlan(facts: HostFacts): Step[] {
  if (!facts.unitInstalled) {
    return [{ kind: "note", text: `${SERVICE.unitPath} does not exist: nothing to uninstall` }];
  }
  const steps: Step[] = [];
  if (facts.systemdRunning) {
    steps.push({
      kind: "run",
      argv: ["systemctl", "disable", "--now", SERVICE.name],
      why: "stop it and keep it from starting at boot",
    });
  }
  steps.push({ kind: "remove", path: SERVICE.unitPath });
  if (facts.systemdRunning) {
    steps.push({ kind: "run", argv: ["systemctl", "daemon-reload"], why: "forget the unit" });
  }
  steps.push({
    kind: "note",
    text: `kept ${SERVICE.configDir}, ${SERVICE.dataDir} (recordings, state) and the user ` +
      `${SERVICE.user}; to remove them too: rm -r ${SERVICE.configDir} ${SERVICE.dataDir} && ` +
      `userdel ${SERVICE.user}`,
  });
  return steps;
}

/** The dirs the service writes: the data dir, and the recordings dir when it lies outside it. */
export function writableDirs(config: Config): string[] {
  const dirs = [config.data_dir];
  const rec = config.recording;
  if (rec.enabled && !rec.dir.startsWith(config.data_dir + "/") && rec.dir !== config.data_dir) {
    dirs.push(rec.dir);
  }
  return dirs;
}

/** Parses as the service will: with EYRIE_DATA_DIR pointing at /var/lib/eyrie. */
function withServiceEnv<T>(f: () => T): T {
  const old = Deno.env.get("EYRIE_DATA_DIR");
  Deno.env.set("EYRIE_DATA_DIR", SERVICE.dataDir);
  try {
    return f();
  } finally {
    if (old === undefined) Deno.env.delete("EYRIE_DATA_DIR");
    else Deno.env.set("EYRIE_DATA_DIR", old);
  }
}

async function getent(db: string, key: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("getent", {
      args: [db, key],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}
