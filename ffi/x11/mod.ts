/**
 * A full-screen X11 window for `eyrie view --fullscreen`, through libX11:
 * created at the screen's size, marked `_NET_WM_STATE_FULLSCREEN` (EWMH: a
 * window manager shows it without decorations above everything; without
 * one it already covers the screen), and asking for `WM_DELETE_WINDOW`, so
 * that closing it is a message the viewer reads instead of a dead window
 * under the video sink. A GStreamer sink draws into it through
 * GstVideoOverlay (`Element.setWindowHandle`).
 *
 * Xlib ends the process when its X server goes away under an open
 * connection (its default I/O error handler calls exit); for a viewer whose
 * display is gone that is the end anyway.
 *
 * @module
 */

const SYMBOLS = {
  XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
  XCloseDisplay: { parameters: ["pointer"], result: "i32" },
  XDefaultScreen: { parameters: ["pointer"], result: "i32" },
  XDisplayWidth: { parameters: ["pointer", "i32"], result: "i32" },
  XDisplayHeight: { parameters: ["pointer", "i32"], result: "i32" },
  XRootWindow: { parameters: ["pointer", "i32"], result: "u64" },
  XBlackPixel: { parameters: ["pointer", "i32"], result: "u64" },
  XCreateSimpleWindow: {
    parameters: ["pointer", "u64", "i32", "i32", "u32", "u32", "u32", "u64", "u64"],
    result: "u64",
  },
  XInternAtom: { parameters: ["pointer", "buffer", "i32"], result: "u64" },
  XChangeProperty: {
    parameters: ["pointer", "u64", "u64", "u64", "i32", "i32", "buffer", "i32"],
    result: "i32",
  },
  XSetWMProtocols: { parameters: ["pointer", "u64", "buffer", "i32"], result: "i32" },
  XStoreName: { parameters: ["pointer", "u64", "buffer"], result: "i32" },
  XSelectInput: { parameters: ["pointer", "u64", "i64"], result: "i32" },
  XMapWindow: { parameters: ["pointer", "u64"], result: "i32" },
  XDestroyWindow: { parameters: ["pointer", "u64"], result: "i32" },
  XFlush: { parameters: ["pointer"], result: "i32" },
  XPending: { parameters: ["pointer"], result: "i32" },
  XNextEvent: { parameters: ["pointer", "buffer"], result: "i32" },
} as const;

/** Xlib constants (X11/X.h, X11/Xatom.h). */
const XA_ATOM = 4n;
const PROP_MODE_REPLACE = 0;
const STRUCTURE_NOTIFY_MASK = 1n << 17n;
const DESTROY_NOTIFY = 17;
const CLIENT_MESSAGE = 33;

/**
 * XEvent is a union of 24 longs (192 bytes on LP64). XClientMessageEvent:
 *
 *   0 type (int) │ 8 serial │ 16 send_event │ 24 display │ 32 window │
 *   40 message_type (Atom) │ 48 format (int) │ 56 data.l[0] (long) …
 */
const XEVENT_BYTES = 192;
const CLIENT_MESSAGE_DATA = 56;

let x11: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;

function lib() {
  if (x11 !== undefined) return x11;
  try {
    return x11 = Deno.dlopen("libX11.so.6", SYMBOLS).symbols;
  } catch (cause) {
    if (cause instanceof Deno.errors.NotCapable) throw cause;
    throw new Error('Cannot load "libX11.so.6": install the Debian package "libx11-6"', { cause });
  }
}

function cstr(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s + "\0");
}

function open(display: string): Deno.PointerObject {
  const dpy = lib().XOpenDisplay(cstr(display));
  if (dpy === null) throw new Error(`Cannot open the X display "${display}"`);
  return dpy;
}

/** A window covering the screen of `display`, with its own connection. */
export class FullscreenWindow implements Disposable {
  readonly id: bigint;
  readonly width: number;
  readonly height: number;
  #dpy: Deno.PointerObject | null;
  #deleteAtom: bigint;
  #event = new Uint8Array(XEVENT_BYTES);
  #closed = false;

  constructor(display: string, title: string) {
    const x = lib();
    const dpy = open(display);
    this.#dpy = dpy;
    const screen = x.XDefaultScreen(dpy);
    this.width = x.XDisplayWidth(dpy, screen);
    this.height = x.XDisplayHeight(dpy, screen);
    const black = x.XBlackPixel(dpy, screen);
    const root = x.XRootWindow(dpy, screen);
    this.id = x.XCreateSimpleWindow(dpy, root, 0, 0, this.width, this.height, 0, black, black);
    const atom = (name: string) => x.XInternAtom(dpy, cstr(name), 0);
    // EWMH: a window mapped with this state starts full screen.
    const fullscreen = new BigUint64Array([atom("_NET_WM_STATE_FULLSCREEN")]);
    x.XChangeProperty(
      dpy,
      this.id,
      atom("_NET_WM_STATE"),
      XA_ATOM,
      32,
      PROP_MODE_REPLACE,
      new Uint8Array(fullscreen.buffer),
      1,
    );
    this.#deleteAtom = atom("WM_DELETE_WINDOW");
    x.XSetWMProtocols(
      dpy,
      this.id,
      new Uint8Array(new BigUint64Array([this.#deleteAtom]).buffer),
      1,
    );
    x.XStoreName(dpy, this.id, cstr(title));
    x.XSelectInput(dpy, this.id, STRUCTURE_NOTIFY_MASK);
    x.XMapWindow(dpy, this.id);
    x.XFlush(dpy);
  }

  /** Whether the window was closed (WM_DELETE_WINDOW, or destroyed); reads pending events. */
  get closed(): boolean {
    const x = lib();
    const dpy = this.#dpy;
    if (dpy === null) return true;
    const view = new DataView(this.#event.buffer);
    while (!this.#closed && x.XPending(dpy) > 0) {
      x.XNextEvent(dpy, this.#event);
      const type = view.getInt32(0, true);
      if (type === DESTROY_NOTIFY) this.#closed = true;
      if (
        type === CLIENT_MESSAGE &&
        view.getBigUint64(CLIENT_MESSAGE_DATA, true) === this.#deleteAtom
      ) {
        this.#closed = true;
      }
    }
    return this.#closed;
  }

  [Symbol.dispose](): void {
    const dpy = this.#dpy;
    if (dpy === null) return;
    this.#dpy = null;
    const x = lib();
    x.XDestroyWindow(dpy, this.id);
    x.XCloseDisplay(dpy);
  }
}
