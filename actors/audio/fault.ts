/**
 * Why a camera's audio is offline, in words its user can act on, and the
 * checks made before a pipeline is built: an ALSA device that is not there
 * costs one stat() per try and says which node is missing, where alsasrc
 * says only "Could not open audio device for recording".
 *
 * @module
 */
import { gstCause, type GstFault, redactUrl, SourceFault } from "../camera/fault.ts";
import { holderOf, preflight } from "../camera/preflight.ts";
import { alsaCaptureNode, pulseSocket } from "./devices.ts";
import type { AudioSource } from "./plan.ts";

export { SourceFault };

/** Throws a {@linkcode SourceFault} with the cause when `a` cannot be opened now. */
export async function preflightAudio(a: AudioSource, signal?: AbortSignal): Promise<void> {
  switch (a.kind) {
    case "rtsp":
      return await preflight({ kind: "rtsp", url: a.url }, signal);
    case "file":
      return await preflight({ kind: "file", path: a.path }, signal);
    case "alsa": {
      const node = alsaCaptureNode(a.device);
      if (node === null) return; // a named PCM ("default", "plughw:…"): alsasrc says
      try {
        await Deno.stat(node);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          throw new SourceFault(`no such audio device alsa:${a.device} (no ${node})`);
        }
        throw new SourceFault(`cannot open ${node}: ${(e as Error).message}`);
      }
      return;
    }
    case "pulse": {
      const socket = pulseSocket((k) => Deno.env.get(k));
      if (socket === "") {
        throw new SourceFault("no sound server: neither PULSE_SERVER nor XDG_RUNTIME_DIR is set");
      }
      try {
        await Deno.stat(socket);
      } catch {
        throw new SourceFault(`no sound server (PulseAudio or PipeWire) at ${socket}`);
      }
      return;
    }
    case "test":
    case "none":
      return;
  }
}

/** The cause for an error GStreamer reported while opening or running `a`. */
export async function audioCause(a: AudioSource, e: GstFault): Promise<string> {
  switch (a.kind) {
    case "rtsp":
      return redactUrl(gstCause({ kind: "rtsp", url: a.url }, e));
    case "file":
      return gstCause({ kind: "file", path: a.path }, e);
    case "alsa": {
      if (/busy|being used/i.test(`${e.message} ${e.debug}`)) {
        const node = alsaCaptureNode(a.device);
        const holder = node === null ? null : await holderOf(node);
        return holder === null
          ? `audio device alsa:${a.device} is busy`
          : `audio device alsa:${a.device} is busy (used by PID ${holder.pid}, ${holder.name})`;
      }
      return `alsa:${a.device}: ${e.message}`;
    }
    case "pulse":
      return `pulse:${a.device || "default"}: ${e.message}`;
    case "test":
    case "none":
      return e.element === "" ? e.message : `${e.element}: ${e.message}`;
  }
}
