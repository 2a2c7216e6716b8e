/**
 * Reads eyrie's TOML config into a validated {@linkcode Config} with every
 * default filled in. Every problem is reported at once, each with its key
 * path and line, as a {@linkcode ConfigError}.
 *
 * @module
 */
import { parse, TomlError } from "smol-toml";
import { dirname, isAbsolute, resolve } from "node:path";
import type {
  CameraConfig,
  Config,
  ConsoleConfig,
  LogConfig,
  LogLevel,
  TlsConfig,
} from "../../actors/defs.ts";
import { ConfigError, type ConfigProblem } from "../cli/errors.ts";
import { type CameraBase, cameraBase, MAX_CAMERAS } from "./camera.ts";
import { cameraRecording, recordingSection, withContainer } from "./recording.ts";
import { DEFAULT_DETECTION, detectionSection, stampedZonesIssue } from "./detection.ts";
import { exposureIssue, type StateCheck } from "./exposure.ts";
import { keyLines, lineOf } from "./lines.ts";
import { bool, type Checker, Issues, isTable, str, table, tableParts } from "./schema.ts";
import { LISTEN_PATTERN, parseListen } from "./listen.ts";
import { rtspSection } from "./rtsp.ts";
import { webrtcSection } from "./webrtc.ts";
import { mqttSection } from "./mqtt.ts";
import { librarySection } from "./library.ts";

/** Largest config file read. Reason: a config is a few KB; anything near this is a mistake. */
export const MAX_CONFIG_BYTES = 1 << 20;

const TOP_KEYS = [
  "data_dir",
  "console",
  "tls",
  "log",
  "camera",
  "recording",
  "detection",
  "rtsp",
  "mqtt",
  "library",
  "webrtc",
];

/** Where eyrie keeps state when the config does not say: the service's dir as root, else the user's. */
export function defaultDataDir(): string {
  const env = Deno.env.get("EYRIE_DATA_DIR");
  if (env !== undefined && env !== "") return env;
  if (Deno.uid?.() === 0) return "/var/lib/eyrie";
  const xdg = Deno.env.get("XDG_DATA_HOME");
  const home = Deno.env.get("HOME") ?? "/tmp";
  return `${xdg !== undefined && xdg !== "" ? xdg : `${home}/.local/share`}/eyrie`;
}

const consoleSection: Checker<ConsoleConfig> = (v, path, issues) => {
  const c = tableParts<ConsoleConfig>({
    listen: [
      str({ pattern: LISTEN_PATTERN, hint: 'use "host:port", e.g. "127.0.0.1:8080"' }),
      "127.0.0.1:8080",
    ],
    insecure: [bool, false],
  })(v, path, issues);
  if (c === undefined) return undefined;
  if (c.value.listen !== undefined) {
    try {
      parseListen(c.value.listen);
    } catch (e) {
      return void issues.add(`${path}.listen`, (e as Error).message);
    }
  }
  return c.ok ? c.value as ConsoleConfig : undefined;
};

const logSection = table<LogConfig>({
  level: [str({ oneOf: ["debug", "info", "warn", "error"] }) as Checker<LogLevel>, "info"],
  format: [str({ oneOf: ["auto", "json", "text"] }) as Checker<LogConfig["format"]>, "auto"],
});

function tlsSection(dataDir: string, abs: (p: string) => string): Checker<TlsConfig> {
  return (v, path, issues) => {
    const t = table<TlsConfig>({
      dir: [str(), `${dataDir}/certs`],
      server_name: [str({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ }), "console"],
      require_client_cert: [bool, false],
    })(v, path, issues);
    return t === undefined ? undefined : { ...t, dir: abs(t.dir) };
  };
}

/** Options of {@linkcode checkConfig}, {@linkcode parseConfig} and {@linkcode loadConfig}. */
export interface CheckOptions {
  /**
   * Checks of the state the config will run with, beyond the file (`eyrie
   * run` and `eyrie config check` pass the sign-in check of ui/auth): their
   * problems are reported with the file's own.
   */
  state?: StateCheck;
}

/**
 * Validates parsed TOML. `file` names the source in messages and anchors
 * relative paths (data_dir, recording.dir, model files) at its folder.
 * Every problem is reported at once, in line order.
 */
export function checkConfig(
  doc: Record<string, unknown>,
  file: string,
  text = "",
  options: CheckOptions = {},
): Config {
  const issues = new Issues();
  const base = file === "" ? Deno.cwd() : dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  for (const k of Object.keys(doc)) {
    if (!TOP_KEYS.includes(k)) issues.add(k, `unknown key (known: ${TOP_KEYS.join(", ")})`);
  }
  const dataDirText = str()(doc.data_dir ?? defaultDataDir(), "data_dir", issues);
  const dataDir = abs(dataDirText ?? "");
  const consoleCfg = consoleSection(doc.console, "console", issues);
  const tls = doc.tls === undefined ? null : tlsSection(dataDir, abs)(doc.tls, "tls", issues);
  const log = logSection(doc.log, "log", issues);
  const rec = recordingSection(dataDir)(doc.recording, "recording", issues);
  const det = detectionSection(DEFAULT_DETECTION, abs)(doc.detection, "detection", issues);
  const rtsp = doc.rtsp === undefined ? null : rtspSection(doc.rtsp, "rtsp", issues);
  const mqtt = doc.mqtt === undefined ? null : mqttSection(doc.mqtt, "mqtt", issues);
  const library = librarySection(doc.library, base, issues);
  const webrtc = webrtcSection(doc.webrtc, "webrtc", issues);
  if (
    dataDirText !== undefined && consoleCfg !== undefined && tls !== undefined &&
    rtsp !== undefined
  ) {
    const exposure = { data_dir: dataDir, console: consoleCfg, tls, rtsp };
    const problem = exposureIssue(exposure);
    // Without [tls] nobody should sign in over the network anyway: one problem, not two.
    const found = problem !== null ? [problem] : options.state?.(exposure) ?? [];
    for (const i of found) issues.add(i.path, i.message);
  }
  // A camera's own sub-tables are checked over the built-in defaults when
  // [recording] or [detection] is broken, so their problems show too.
  const recDefaults = rec?.defaults ??
    recordingSection(dataDir)(undefined, "recording", new Issues())!.defaults;
  const detDefaults = det ?? DEFAULT_DETECTION;

  const cameras: CameraConfig[] = [];
  const raw = doc.camera ?? [];
  if (!Array.isArray(raw)) {
    issues.add("camera", "must be an array of tables: write [[camera]]");
  } else if (raw.length > MAX_CAMERAS) {
    issues.add("camera", `at most ${MAX_CAMERAS} cameras, got ${raw.length}`);
  } else {
    const ids = new Set<string>();
    raw.forEach((c: unknown, i) => {
      const path = `camera[${i}]`;
      if (!isTable(c)) return void issues.add(path, "must be a table");
      const parts = cameraBase(c, path, issues);
      const recording = cameraRecording(recDefaults)(c.recording, `${path}.recording`, issues);
      const detection = detectionSection(detDefaults, abs)(
        c.detection,
        `${path}.detection`,
        issues,
      );
      const id = parts?.value.id;
      if (id !== undefined && id !== "") {
        if (ids.has(id)) issues.add(`${path}.id`, `"${id}" is used by an earlier camera`);
        ids.add(id);
      }
      if (!parts?.ok || recording === undefined || detection === undefined) return;
      const own = isTable(c.recording) && c.recording.container !== undefined;
      const settled = withContainer(recording, parts.value.codec!, {
        path: `${path}.recording.container`,
        own,
      }, issues);
      if (settled === undefined) return;
      const cam = { ...parts.value as CameraBase };
      if (cam.source.startsWith("file:")) cam.source = `file:${abs(cam.source.slice(5))}`;
      cam.forward = cam.forward.map((f) => ({
        ...f,
        ca: f.ca === "" ? "" : abs(f.ca),
        dir: f.dir === "" ? (tls?.dir ?? `${dataDir}/certs`) : abs(f.dir),
      }));
      // The detector analyses a shrunk copy: never larger than the camera's own frames.
      detection.width = Math.min(detection.width, cam.width);
      detection.height = Math.min(detection.height, cam.height);
      const stamped = stampedZonesIssue({ ...cam, detection });
      if (stamped !== null) issues.add(`${path}.detection.zone`, stamped);
      cameras.push({ ...cam, recording: settled, detection });
    });
  }

  if (
    issues.list.length > 0 || !consoleCfg || !log || !rec || !det || tls === undefined ||
    rtsp === undefined || mqtt === undefined || library === undefined ||
    webrtc === undefined
  ) {
    const where = keyLines(text);
    const problems: ConfigProblem[] = issues.list.map((i) => ({
      path: i.path,
      line: lineOf(where, i.path),
      message: i.message,
    }));
    // In the file's order; problems without a line (the file as a whole) last.
    problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    throw new ConfigError(file === "" ? "config" : file, problems);
  }
  return {
    data_dir: dataDir,
    console: consoleCfg,
    tls,
    log,
    camera: cameras,
    recording: { ...rec.global, dir: abs(rec.global.dir) },
    rtsp,
    mqtt: mqtt === null ? null : { ...mqtt, ca: mqtt.ca === "" ? "" : abs(mqtt.ca) },
    library,
    webrtc,
  };
}

/** Parses and validates config text. */
export function parseConfig(text: string, file: string, options: CheckOptions = {}): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      throw new ConfigError(file, [{
        path: "",
        line: e.line,
        message: `not valid TOML: ${first}`,
      }]);
    }
    throw e;
  }
  return checkConfig(doc, file, text, options);
}

/** Reads, parses and validates a config file. A missing or unreadable file is a ConfigError too. */
export async function loadConfig(file: string, options: CheckOptions = {}): Promise<Config> {
  let text: string;
  try {
    const info = await Deno.stat(file);
    if (!info.isFile) {
      throw new ConfigError(file, [{ path: "", line: undefined, message: "is not a file" }]);
    }
    if (info.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(file, [{
        path: "",
        line: undefined,
        message: `is ${info.size} bytes; a config may be at most ${MAX_CONFIG_BYTES}`,
      }]);
    }
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new ConfigError(file, [{
      path: "",
      line: undefined,
      message: `cannot read the config: ${why}`,
    }]);
  }
  return parseConfig(text, file, options);
}

/** The config eyrie runs with when given none: one test-pattern camera, console on 127.0.0.1:8080. */
export function defaultConfig(options: CheckOptions = {}): Config {
  return checkConfig({ camera: [{ id: "test", source: "test" }] }, "", "", options);
}
