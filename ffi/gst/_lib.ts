// Loads the GStreamer libraries once per JS realm. Every Deno Worker is its
// own realm with its own module instances, so each Worker that imports the
// bindings dlopens the libraries (the dynamic loader shares the mapping) and
// calls gst_init_check, which is idempotent process-wide. The libraries are
// never closed: GStreamer cannot be unloaded safely.
import { GstError } from "./errors.ts";
import { GERROR_CODE, GERROR_DOMAIN, GERROR_MESSAGE } from "./_layout.ts";
import { GLIB, GOBJECT, GST, GST_APP, GST_VIDEO } from "./_symbols.ts";

type Symbols =
  & Deno.DynamicLibrary<typeof GLIB>["symbols"]
  & Deno.DynamicLibrary<typeof GOBJECT>["symbols"]
  & Deno.DynamicLibrary<typeof GST>["symbols"]
  & Deno.DynamicLibrary<typeof GST_APP>["symbols"]
  & Deno.DynamicLibrary<typeof GST_VIDEO>["symbols"];

const LIBRARIES = [
  ["libglib-2.0.so.0", GLIB, "libglib2.0-0"],
  ["libgobject-2.0.so.0", GOBJECT, "libglib2.0-0"],
  ["libgstreamer-1.0.so.0", GST, "libgstreamer1.0-0"],
  ["libgstapp-1.0.so.0", GST_APP, "libgstreamer-plugins-base1.0-0"],
  ["libgstvideo-1.0.so.0", GST_VIDEO, "libgstreamer-plugins-base1.0-0"],
] as const;

let loaded: Symbols | undefined;

/** The symbols of all GStreamer libraries, loaded and initialised on first use. */
export function lib(): Symbols {
  return loaded ??= load();
}

function load(): Symbols {
  const symbols = {};
  for (const [file, table, pkg] of LIBRARIES) {
    let opened: Deno.DynamicLibrary<Deno.ForeignLibraryInterface>;
    try {
      opened = Deno.dlopen(file, table);
    } catch (cause) {
      if (cause instanceof Deno.errors.NotCapable) throw cause;
      throw new GstError(
        `Cannot load "${file}": install the Debian package "${pkg}" (${errorText(cause)})`,
        { cause },
      );
    }
    Object.assign(symbols, opened.symbols);
  }
  const g = symbols as Symbols;
  loaded = g; // takeGError below needs lib()
  const slot = new BigUint64Array(1);
  if (g.gst_init_check(null, null, slot) === 0) {
    loaded = undefined;
    const info = takeGError(slot);
    throw new GstError(info?.message || "GStreamer failed to initialise", {
      domain: info?.domain,
      code: info?.code,
    });
  }
  return g;
}

/**
 * Shuts GStreamer down (gst_deinit), which makes the leaks tracer report
 * every object still alive. Only for tests that end the process right after:
 * no GStreamer call may follow, in any realm.
 */
export function deinitForLeakCheck(): void {
  lib().gst_deinit();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The fields of a GError. */
export interface GErrorInfo {
  message: string;
  domain: string;
  code: number;
}

/**
 * Reads and frees the GError that a `GError **` out-parameter holds, and
 * clears the slot. Returns null when the slot is empty.
 */
export function takeGError(slot: BigUint64Array): GErrorInfo | null {
  const address = slot[0];
  slot[0] = 0n;
  if (address === 0n) return null;
  const g = lib();
  const error = Deno.UnsafePointer.create(address)!;
  const view = new Deno.UnsafePointerView(error);
  const message = view.getPointer(GERROR_MESSAGE);
  const domain = g.g_quark_to_string(view.getUint32(GERROR_DOMAIN));
  const info = {
    message: message === null ? "" : Deno.UnsafePointerView.getCString(message),
    domain: domain === null ? "" : Deno.UnsafePointerView.getCString(domain),
    code: view.getInt32(GERROR_CODE),
  };
  g.g_error_free(error);
  return info;
}
