/**
 * The audio devices of this machine as `audio = "…"` names them: ALSA PCMs
 * from `/proc/asound/pcm` (`alsa:hw:CARD,DEVICE`, capture and playback), and
 * a PulseAudio or PipeWire server when its socket is there
 * (`pulse:default`). Read from the kernel's and the server's files, not from
 * a device monitor: they need no sound server and no GStreamer plugin, and
 * say exactly what `alsasrc` and `pulsesrc` will find.
 *
 * @module
 */

/** One audio device, by the name `audio = "…"` takes. */
export interface AudioDevice {
  /** `alsa:hw:1,0` or `pulse:default`. */
  name: string;
  /** What the kernel or the server calls it ("USB Audio", "PulseAudio"). */
  description: string;
  /** Records sound (a microphone), plays it (a speaker), or both. */
  capture: boolean;
  playback: boolean;
  /** ALSA: the card's number (to pair a USB camera with its microphone). */
  card?: number;
}

/** Most PCM lines read. Reason: a machine has a handful; the file is the kernel's, but bound it. */
const MAX_PCMS = 256;

/**
 * Parses `/proc/asound/pcm`: one line per PCM,
 * `CC-DD: ID : NAME : playback N : capture N` (sound/core/pcm.c).
 */
export function parseAsoundPcm(text: string): AudioDevice[] {
  const out: AudioDevice[] = [];
  for (const line of text.split("\n").slice(0, MAX_PCMS)) {
    const m = /^(\d+)-(\d+): ([^:]*) : ([^:]*)((?: : (?:playback|capture) \d+)*)\s*$/.exec(line);
    if (m === null) continue;
    const card = Number(m[1]);
    const device = Number(m[2]);
    out.push({
      name: `alsa:hw:${card},${device}`,
      description: m[4].trim() || m[3].trim(),
      capture: / : capture \d+/.test(m[5]),
      playback: / : playback \d+/.test(m[5]),
      card,
    });
  }
  return out;
}

/** Where a PulseAudio (or PipeWire's pulse) server listens for this user, if anywhere. */
export function pulseSocket(env: (k: string) => string | undefined): string {
  const server = env("PULSE_SERVER");
  if (server !== undefined && server.startsWith("unix:")) return server.slice(5);
  const runtime = env("XDG_RUNTIME_DIR");
  return runtime !== undefined && runtime !== "" ? `${runtime}/pulse/native` : "";
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The ALSA PCMs and the sound server this process can use. `root` is for tests ("" = /). */
export function listAudioDevices(root = ""): AudioDevice[] {
  const devices = parseAsoundPcm(readText(`${root}/proc/asound/pcm`));
  const env = (k: string) => {
    try {
      return Deno.env.get(k);
    } catch {
      return undefined;
    }
  };
  const socket = pulseSocket(env);
  if (socket !== "" && exists(socket)) {
    devices.unshift({
      name: "pulse:default",
      description: "the sound server's default (PulseAudio or PipeWire)",
      capture: true,
      playback: true,
    });
  }
  return devices;
}

/** The device node `alsasrc device=hw:C,D` opens: `/dev/snd/pcmCcDdc` (capture). */
export function alsaCaptureNode(device: string): string | null {
  const m = /^hw:(\d+),(\d+)$/.exec(device);
  return m === null ? null : `/dev/snd/pcmC${m[1]}D${m[2]}c`;
}

/**
 * The USB device a sysfs node belongs to: the path up to the last
 * `…/N-P[.P…]` component (`/sys/devices/…/usb1/1-2`), or null when it is not
 * on USB. A camera's /dev/videoN and its microphone's ALSA card share it.
 */
export function usbDeviceOf(sysPath: string): string | null {
  const parts = sysPath.split("/");
  for (let i = parts.length - 1; i >= 0; i--) {
    if (/^\d+-\d+(\.\d+)*$/.test(parts[i])) return parts.slice(0, i + 1).join("/");
  }
  return null;
}

/** The ALSA capture PCM on the same USB device as V4L2 node `video` (/dev/video0), if any. */
export function pairedMicrophone(
  video: string,
  devices: readonly AudioDevice[],
  root = "",
): string | null {
  const name = video.split("/").pop() ?? "";
  let camera: string | null;
  try {
    camera = usbDeviceOf(Deno.realPathSync(`${root}/sys/class/video4linux/${name}/device`));
  } catch {
    return null;
  }
  if (camera === null) return null;
  for (const d of devices) {
    if (!d.capture || d.card === undefined) continue;
    try {
      const card = usbDeviceOf(Deno.realPathSync(`${root}/sys/class/sound/card${d.card}/device`));
      if (card === camera) return d.name;
    } catch {
      continue;
    }
  }
  return null;
}
