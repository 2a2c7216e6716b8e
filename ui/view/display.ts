/**
 * The window of `eyrie view`: H.264 access units in, pictures on the screen,
 * with the figures drawn over them.
 *
 *   appsrc ─▶ h264parse ─▶ <decoder> ─▶ videoconvert ─▶ textoverlay ─▶ videoconvert ─▶ ximagesink
 *
 * ximagesink opens its own X11 window (sized to the video, or to the screen
 * with --fullscreen) and reports its closing as an error, "Output window was
 * closed", which is how the viewer learns the window went away.
 *
 * @module
 */
import type { AppSrc, Element, GstError } from "../../ffi/gst/mod.ts";
import { Pipeline, setApplicationName } from "../../ffi/gst/mod.ts";
import { quote } from "../../actors/camera/source.ts";
import { FullscreenWindow } from "../../ffi/x11/mod.ts";

/** Access units waiting for the decoder. Reason: a live view drops rather than lags; 8 is ¼ s at 30 fps. */
const MAX_QUEUED = 8;

/** How the window ended, when it did. */
export type DisplayEnd = { kind: "closed" } | { kind: "error"; error: GstError };

/** The pipeline text, for a decoder and a window size ("" = the video's own). */
export function displayPipeline(
  decoder: string,
  options: { width?: number; height?: number } = {},
): string {
  const scale = options.width !== undefined && options.height !== undefined
    ? ` ! videoscale add-borders=true ! video/x-raw,width=${options.width},height=${options.height},pixel-aspect-ratio=1/1`
    : "";
  return `appsrc name=src format=time is-live=true do-timestamp=true max-buffers=${MAX_QUEUED}` +
    ` leaky-type=downstream caps=video/x-h264,stream-format=byte-stream,alignment=au` +
    ` ! h264parse ! ${decoder} ! videoconvert${scale}` +
    ` ! textoverlay name=overlay valignment=top halignment=left shaded-background=true` +
    ` font-desc=${quote("Monospace 11")} text=${quote("connecting…")}` +
    ` ! videoconvert ! ximagesink name=sink sync=false force-aspect-ratio=true`;
}

/** A playing window. */
export class Display implements Disposable {
  #pipeline: Pipeline;
  #src: AppSrc;
  #overlay: Element;
  #window: FullscreenWindow | null;

  private constructor(pipeline: Pipeline, window: FullscreenWindow | null) {
    this.#pipeline = pipeline;
    this.#window = window;
    this.#src = pipeline.appSrc("src");
    this.#overlay = pipeline.element("overlay");
  }

  /**
   * Builds and starts the window's pipeline: ximagesink's own window, which
   * opens with the first picture, or one covering the screen of `fullscreen`
   * (an X display name).
   */
  static async open(decoder: string, options: { fullscreen?: string } = {}): Promise<Display> {
    setApplicationName("eyrie view");
    const window = options.fullscreen === undefined
      ? null
      : new FullscreenWindow(options.fullscreen, "eyrie view");
    let p: Pipeline | null = null;
    try {
      p = Pipeline.parse(displayPipeline(decoder, window ?? {}));
      if (window !== null) p.element("sink").setWindowHandle(window.id);
      await p.setStateAsync("playing", { timeoutMs: 2000 });
      return new Display(p, window);
    } catch (error) {
      p?.[Symbol.dispose]();
      window?.[Symbol.dispose]();
      throw error;
    }
  }

  /** Hands one access unit (Annex-B) to the decoder. */
  push(au: Uint8Array, keyframe: boolean): void {
    this.#src.push(au, { pts: null, keyframe });
  }

  /** The figures drawn over the picture. */
  set text(text: string) {
    this.#overlay.set("text", text);
  }

  /** Whether the window was closed or the pipeline failed since the last call; null while it plays. */
  poll(): DisplayEnd | null {
    if (this.#window?.closed) return { kind: "closed" };
    const m = this.#pipeline.bus.pop({ timeoutMs: 0, types: ["error", "eos"] });
    if (m === null) return null;
    if (m.type === "eos") return { kind: "closed" };
    if (m.type !== "error") return null;
    // ximagesink: GST_ELEMENT_ERROR (RESOURCE, NOT_FOUND, ("Output window was closed")).
    if (/Output window was closed/i.test(m.error.message)) return { kind: "closed" };
    return { kind: "error", error: m.error };
  }

  [Symbol.dispose](): void {
    this.#pipeline[Symbol.dispose]();
    this.#window?.[Symbol.dispose]();
  }
}
