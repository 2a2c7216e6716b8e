/**
 * `eyrie probe`: the platform, GStreamer, the cameras with their modes, the
 * X screens a `screen` source can capture, and which encoders really work
 * (each is built and run on two frames).
 *
 * @module
 */
import { elementAvailable, gstVersion, listVideoSources } from "../../ffi/gst/mod.ts";
import { H264_ORDER, JPEG_ENCODER } from "../encoder/candidates.ts";
import { selectEncoder } from "../encoder/select.ts";
import { detectPlatform, type Platform } from "./platform.ts";
import { type AudioDevice, listAudioDevices } from "../audio/devices.ts";

export interface ProbeReport {
  platform: Platform;
  gstreamer: string;
  libcamera: boolean;
  cameras: { name: string; path: string | null; modes: string[] }[];
  encoders: {
    element: string;
    choice: string;
    hardware: boolean;
    works: boolean;
    reason: string;
  }[];
  /** What `encoder = "auto"` picks here. */
  autoEncoder: string | null;
  /** X displays served on this machine (source = "screen:<display>"). */
  screens: string[];
  /** Whether this machine can capture a screen: ximagesrc and shmsink installed. */
  screenCapture: boolean;
  /** Sound inputs (`audio = "<name>"`) and outputs, by the names eyrie takes. */
  audio: { inputs: AudioDevice[]; outputs: AudioDevice[]; alsa: boolean; pulse: boolean };
}

/** Local X displays: the servers' sockets in /tmp/.X11-unix (X0 → ":0"). */
export async function localDisplays(dir = "/tmp/.X11-unix"): Promise<string[]> {
  const found: number[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = /^X(\d+)$/.exec(e.name);
      if (m !== null) found.push(Number(m[1]));
    }
  } catch {
    return [];
  }
  return found.sort((a, b) => a - b).map((n) => `:${n}`);
}

function describeMode(
  m: { media: string; formats?: readonly string[]; width?: unknown; height?: unknown },
): string {
  const size = (
    v: unknown,
  ) => (typeof v === "object" && v !== null
    ? `${(v as { min: number }).min}-${(v as { max: number }).max}`
    : String(v));
  const fmt = m.formats && m.formats.length > 0 ? ` ${m.formats.join("/")}` : "";
  return `${m.media}${fmt} ${size(m.width)}x${size(m.height)}`;
}

export async function probeSystem(): Promise<ProbeReport> {
  const encoders: ProbeReport["encoders"] = [];
  for (const c of [...H264_ORDER, JPEG_ENCODER]) {
    const { index, rejected } = await selectEncoder([c], { probeSoftware: true });
    encoders.push({
      element: c.element,
      choice: c.choice,
      hardware: c.hardware,
      works: index === 0,
      reason: index === 0 ? "" : rejected[0]?.reason ?? "",
    });
  }
  const devices = listVideoSources();
  return {
    platform: detectPlatform(),
    gstreamer: gstVersion().text,
    libcamera: elementAvailable("libcamerasrc"),
    cameras: devices.map((d) => ({
      name: d.name,
      path: d.path,
      modes: [
        ...new Set(d.modes.map((m) => describeMode(m as Parameters<typeof describeMode>[0]))),
      ],
    })),
    encoders,
    autoEncoder: encoders.find((e) => e.works && e.element !== "jpegenc")?.element ?? null,
    screens: await localDisplays(),
    screenCapture: elementAvailable("ximagesrc") && elementAvailable("shmsink"),
    audio: probeAudio(),
  };
}

function probeAudio(): ProbeReport["audio"] {
  const devices = listAudioDevices();
  return {
    inputs: devices.filter((d) => d.capture),
    outputs: devices.filter((d) => d.playback),
    alsa: elementAvailable("alsasrc"),
    pulse: elementAvailable("pulsesrc"),
  };
}

function formatAudio(a: ProbeReport["audio"]): string[] {
  const lines: string[] = [];
  const list = (title: string, devices: AudioDevice[], none: string) => {
    lines.push(`${title}${devices.length === 0 ? none : ""}`);
    for (const d of devices) lines.push(`  ${d.name.padEnd(16)} ${d.description}`);
  };
  list(
    "Audio in:   ",
    a.inputs,
    'none found (audio = "auto" gives a test camera its tone, an RTSP camera its own track)',
  );
  list("Audio out:  ", a.outputs, "none found");
  const missing = [
    ...(a.alsa ? [] : ["alsasrc (gstreamer1.0-alsa)"]),
    ...(a.pulse ? [] : ["pulsesrc (gstreamer1.0-pulseaudio)"]),
  ];
  if (missing.length > 0) lines.push(`  not installed: ${missing.join(", ")}`);
  return lines;
}

export function formatProbe(r: ProbeReport): string {
  const lines = [
    `Platform:   ${r.platform.model} (${r.platform.kind}, ${r.platform.arch})`,
    `GStreamer:  ${r.gstreamer}`,
    `libcamera:  ${r.libcamera ? "available" : "not installed"}`,
    `Cameras:    ${
      r.cameras.length === 0 ? 'none found (source = "auto" uses the test pattern)' : ""
    }`,
  ];
  for (const c of r.cameras) {
    lines.push(`  ${c.name}${c.path ? ` (${c.path})` : ""}`);
    for (const m of c.modes.slice(0, 12)) lines.push(`    ${m}`);
    if (c.modes.length > 12) lines.push(`    … ${c.modes.length - 12} more`);
  }
  lines.push(
    `Screens:    ${
      !r.screenCapture
        ? "cannot capture (install gstreamer1.0-plugins-good and -bad)"
        : r.screens.length === 0
        ? "no X server on this machine"
        : `${r.screens.join(", ")} (source = "screen:${r.screens[0]}")`
    }`,
  );
  lines.push(...formatAudio(r.audio));
  lines.push("Encoders:");
  for (const e of r.encoders) {
    lines.push(
      `  ${e.works ? "ok  " : "no  "} ${e.element.padEnd(14)} ${
        e.hardware ? "hardware" : "software"
      }${e.works ? "" : `  ${e.reason}`}`,
    );
  }
  lines.push(
    `encoder = "auto" uses: ${
      r.autoEncoder ?? "nothing (install gstreamer1.0-plugins-ugly for x264enc)"
    }`,
  );
  return lines.join("\n");
}
