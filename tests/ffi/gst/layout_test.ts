import assert from "node:assert/strict";
import * as layout from "../../../ffi/gst/_layout.ts";

// Every constant of ffi/gst/_layout.ts with the C expression that defines it.
const CASES: Record<keyof typeof layout, string> = {
  MINI_OBJECT_FLAGS: "offsetof(GstMiniObject, flags)",
  BUFFER_PTS: "offsetof(GstBuffer, pts)",
  BUFFER_DTS: "offsetof(GstBuffer, dts)",
  BUFFER_DURATION: "offsetof(GstBuffer, duration)",
  BUFFER_HEADER_BYTES: "offsetof(GstBuffer, duration) + sizeof(GstClockTime)",
  GERROR_DOMAIN: "offsetof(GError, domain)",
  GERROR_CODE: "offsetof(GError, code)",
  GERROR_MESSAGE: "offsetof(GError, message)",
  MESSAGE_TYPE: "offsetof(GstMessage, type)",
  MESSAGE_SRC: "offsetof(GstMessage, src)",
  TYPE_INSTANCE_CLASS: "offsetof(GTypeInstance, g_class)",
  PARAM_SPEC_FLAGS: "offsetof(GParamSpec, flags)",
  PARAM_SPEC_VALUE_TYPE: "offsetof(GParamSpec, value_type)",
  GVALUE_TYPE: "offsetof(GValue, g_type)",
  GVALUE_SIZE: "sizeof(GValue)",
  ENUM_VALUE_NICK: "offsetof(GEnumValue, value_nick)",
  FLAGS_VALUE_VALUE: "offsetof(GFlagsValue, value)",
  FLAGS_VALUE_NICK: "offsetof(GFlagsValue, value_nick)",
  GLIST_DATA: "offsetof(GList, data)",
  GLIST_NEXT: "offsetof(GList, next)",
  BUFFER_FLAG_DISCONT: "GST_BUFFER_FLAG_DISCONT",
  BUFFER_FLAG_HEADER: "GST_BUFFER_FLAG_HEADER",
  BUFFER_FLAG_DELTA_UNIT: "GST_BUFFER_FLAG_DELTA_UNIT",
  MEMORY_FLAG_READONLY: "GST_MEMORY_FLAG_READONLY",
  MESSAGE_EOS: "GST_MESSAGE_EOS",
  MESSAGE_ERROR: "GST_MESSAGE_ERROR",
  MESSAGE_WARNING: "GST_MESSAGE_WARNING",
  MESSAGE_STATE_CHANGED: "GST_MESSAGE_STATE_CHANGED",
  MESSAGE_ELEMENT: "GST_MESSAGE_ELEMENT",
  MESSAGE_ANY: "(guint32) GST_MESSAGE_ANY",
  PARSE_FLAG_FATAL_ERRORS: "GST_PARSE_FLAG_FATAL_ERRORS",
  STATE_CHANGE_FAILURE: "GST_STATE_CHANGE_FAILURE",
  STATE_CHANGE_SUCCESS: "GST_STATE_CHANGE_SUCCESS",
  STATE_CHANGE_ASYNC: "GST_STATE_CHANGE_ASYNC",
  STATE_CHANGE_NO_PREROLL: "GST_STATE_CHANGE_NO_PREROLL",
  FLOW_OK: "GST_FLOW_OK",
  FLOW_FLUSHING: "GST_FLOW_FLUSHING",
  FLOW_EOS: "GST_FLOW_EOS",
  PARAM_READABLE: "G_PARAM_READABLE",
  PARAM_WRITABLE: "G_PARAM_WRITABLE",
  TYPE_CHAR: "G_TYPE_CHAR",
  TYPE_UCHAR: "G_TYPE_UCHAR",
  TYPE_BOOLEAN: "G_TYPE_BOOLEAN",
  TYPE_INT: "G_TYPE_INT",
  TYPE_UINT: "G_TYPE_UINT",
  TYPE_LONG: "G_TYPE_LONG",
  TYPE_ULONG: "G_TYPE_ULONG",
  TYPE_INT64: "G_TYPE_INT64",
  TYPE_UINT64: "G_TYPE_UINT64",
  TYPE_ENUM: "G_TYPE_ENUM",
  TYPE_FLAGS: "G_TYPE_FLAGS",
  TYPE_FLOAT: "G_TYPE_FLOAT",
  TYPE_DOUBLE: "G_TYPE_DOUBLE",
  TYPE_STRING: "G_TYPE_STRING",
  TYPE_BOXED: "G_TYPE_BOXED",
  TYPE_OBJECT: "G_TYPE_OBJECT",
  CLOCK_TIME_NONE: "GST_CLOCK_TIME_NONE",
};

const PACKAGES = ["gstreamer-1.0", "gstreamer-app-1.0", "gstreamer-video-1.0"];

function commandWorks(command: string, args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

const skip = !commandWorks("cc", ["--version"])
  ? "no C compiler (cc)"
  : !commandWorks("pkg-config", ["--exists", ...PACKAGES])
  ? "no GStreamer development headers (pkg-config " + PACKAGES.join(" ") + ")"
  : "";

function cProgram(): string {
  const lines = Object.entries(CASES).map(([name, expr]) =>
    `  printf("${name}=%llu\\n", (unsigned long long) (${expr}));`
  );
  return [
    "#include <stddef.h>",
    "#include <stdio.h>",
    "#include <gst/gst.h>",
    "#include <gst/app/app.h>",
    "#include <gst/video/video.h>",
    "int main(void) {",
    ...lines,
    "  return 0;",
    "}",
  ].join("\n");
}

Deno.test({
  name: skip === ""
    ? "every struct offset and constant in _layout.ts matches the installed C headers"
    : `every struct offset and constant in _layout.ts matches the installed C headers (skipped: ${skip})`,
  ignore: skip !== "",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-layout-" });
    try {
      await Deno.writeTextFile(`${dir}/layout.c`, cProgram());
      const flags = new TextDecoder().decode(
        (await new Deno.Command("pkg-config", { args: ["--cflags", ...PACKAGES] }).output())
          .stdout,
      ).trim().split(/\s+/);
      const compile = await new Deno.Command("cc", {
        args: [...flags, `${dir}/layout.c`, "-o", `${dir}/layout`],
      }).output();
      assert.ok(compile.success, new TextDecoder().decode(compile.stderr));
      const run = await new Deno.Command(`${dir}/layout`).output();
      assert.ok(run.success);
      const measured = new Map(
        new TextDecoder().decode(run.stdout).trim().split("\n").map((line) => {
          const [name, value] = line.split("=");
          return [name, BigInt(value)] as const;
        }),
      );
      for (const [name, value] of Object.entries(layout)) {
        const expected = BigInt.asUintN(64, BigInt(value));
        assert.equal(measured.get(name), expected, `${name} in _layout.ts`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
