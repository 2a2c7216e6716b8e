// gst_parse_launch_full with the checks it needs: it can return a partial
// pipeline AND set a GError, so the GError decides, never the pointer. A
// parse context lists the element factories that were missing.
import { GstError } from "./errors.ts";
import { lib, takeGError } from "./_lib.ts";
import { PARSE_FLAG_FATAL_ERRORS } from "./_layout.ts";
import { missingElementMessage } from "./packages.ts";
import { cstr } from "./_strings.ts";

/** Parses a description into an owned (sunk) GstPipeline; throws GstError. */
export function parseDescription(description: string): Deno.PointerObject {
  const g = lib();
  const context = g.gst_parse_context_new();
  const slot = new BigUint64Array(1);
  let element: Deno.PointerValue;
  let missing: string[];
  try {
    element = g.gst_parse_launch_full(cstr(description), context, PARSE_FLAG_FATAL_ERRORS, slot);
    // GStreamer 1.22 also lists an element whose property failed to set, so
    // keep only the names that really have no factory.
    missing = context === null
      ? []
      : takeStrv(g.gst_parse_context_get_missing_elements(context)).filter((name) =>
        !factoryExists(name)
      );
  } finally {
    if (context !== null) g.gst_parse_context_free(context);
  }
  const error = takeGError(slot);
  if (error !== null || element === null) {
    if (element !== null) g.gst_object_unref(g.gst_object_ref_sink(element));
    const options = { debug: error?.message ?? "", domain: error?.domain, code: error?.code };
    if (missing.length > 0) {
      throw new GstError(missing.map(missingElementMessage).join("; "), {
        ...options,
        element: missing[0],
      });
    }
    throw new GstError(
      `Cannot build pipeline ${JSON.stringify(description)}: ${
        error?.message ?? "no reason given"
      }`,
      { ...options, element: /element "([^"]+)"/.exec(error?.message ?? "")?.[1] ?? "" },
    );
  }
  if (g.g_type_check_instance_is_a(element, g.gst_pipeline_get_type()) !== 0) {
    return g.gst_object_ref_sink(element)!;
  }
  // A single-element description yields the bare element: give it a pipeline
  // so that it has a bus and a clock. The bin sinks the element's floating ref.
  const pipeline = g.gst_object_ref_sink(g.gst_pipeline_new(null))!;
  if (g.gst_bin_add(pipeline, element) === 0) {
    g.gst_object_unref(pipeline);
    throw new GstError(`Cannot place ${JSON.stringify(description)} in a pipeline`);
  }
  return pipeline;
}

/** True when an element factory named `name` is registered. */
export function factoryExists(name: string): boolean {
  const g = lib();
  const factory = g.gst_element_factory_find(cstr(name));
  if (factory === null) return false;
  g.gst_object_unref(factory);
  return true;
}

/** Reads and frees a NULL-terminated `gchar **` (8-byte pointers, LP64). */
function takeStrv(strv: Deno.PointerValue): string[] {
  if (strv === null) return [];
  const view = new Deno.UnsafePointerView(strv);
  const out: string[] = [];
  for (let i = 0;; i++) {
    const p = view.getPointer(i * 8);
    if (p === null) break;
    out.push(Deno.UnsafePointerView.getCString(p));
  }
  lib().g_strfreev(strv);
  return out;
}
