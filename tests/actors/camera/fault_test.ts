import assert from "node:assert/strict";
import {
  connectCause,
  describeSource,
  gstCause,
  redactUrl,
  rtspAddress,
} from "../../../actors/camera/fault.ts";
import { holderOf } from "../../../actors/camera/preflight.ts";

const RES = "gst-resource-error-quark";
const rtsp = { kind: "rtsp" as const, url: "rtsp://cam:pw@127.0.0.1:8554/live/main" };

Deno.test("redactUrl() hides every password in a text, even one with an @ in it", () => {
  assert.equal(redactUrl("rtsp://alice:secret@cam.local/s"), "rtsp://alice:***@cam.local/s");
  assert.equal(redactUrl("rtsp://alice:p@ss@cam.local:554/s"), "rtsp://alice:***@cam.local:554/s");
  assert.equal(
    redactUrl('rtspsrc location="rtsp://a:b@h/x" ! decodebin ! x location="rtsps://c:d@i/y"'),
    'rtspsrc location="rtsp://a:***@h/x" ! decodebin ! x location="rtsps://c:***@i/y"',
  );
  assert.equal(redactUrl("rtsp://cam.local/stream"), "rtsp://cam.local/stream");
  assert.equal(redactUrl("rtsp://user@cam.local/stream"), "rtsp://user@cam.local/stream");
  assert.equal(describeSource(rtsp), "rtsp://cam:***@127.0.0.1:8554/live/main");
});

Deno.test("rtspAddress() finds host and port, with the schemes' default ports and IPv6", () => {
  assert.deepEqual(rtspAddress("rtsp://a:b@cam.local/x"), { hostname: "cam.local", port: 554 });
  assert.deepEqual(rtspAddress("rtsps://cam.local/x"), { hostname: "cam.local", port: 322 });
  assert.deepEqual(rtspAddress("rtsp://[::1]:8554/x"), { hostname: "::1", port: 8554 });
});

Deno.test("connectCause() names what the network said", () => {
  const c = (code: string, message = "") =>
    connectCause("10.0.0.5", 554, { name: "Error", message, code });
  assert.equal(c("ECONNREFUSED"), "connection refused by 10.0.0.5:554");
  assert.equal(c("EHOSTUNREACH"), "no route to host 10.0.0.5");
  assert.equal(c("ENETUNREACH"), "network unreachable for 10.0.0.5");
  assert.equal(c("ETIMEDOUT"), "no answer from 10.0.0.5:554 (timed out)");
  assert.equal(
    connectCause("cam.invalid", 554, {
      name: "Error",
      message: "failed to lookup address information: Name or service not known",
    }),
    "host name cam.invalid does not resolve",
  );
  assert.equal(
    connectCause("::1", 8554, { name: "ConnectionRefused", message: "refused" }),
    "connection refused by [::1]:8554",
  );
});

Deno.test("gstCause() turns GStreamer's errors into causes a user can act on", () => {
  const debug = (last: string) =>
    `../gst/rtsp/gstrtspsrc.c(6899): gst_rtspsrc_send (): /GstPipeline:p/GstRTSPSrc:r:\n${last}`;
  assert.equal(
    gstCause(rtsp, {
      message: "Unauthorized",
      element: "rtspsrc0",
      domain: RES,
      code: 15,
      debug: debug("Unauthorized (401)"),
    }),
    "401 Unauthorized (check the URL's user and password)",
  );
  assert.equal(
    gstCause(rtsp, {
      message: "Not found",
      element: "rtspsrc0",
      domain: RES,
      code: 3,
      debug: debug("Not Found (404)"),
    }),
    "stream not found at /live/main (Not Found (404))",
  );
  const v4l2 = { kind: "v4l2" as const, device: "/dev/video9" };
  assert.equal(
    gstCause(v4l2, {
      message: "Cannot identify device '/dev/video9'.",
      element: "v4l2src0",
      domain: RES,
      code: 3,
      debug: "",
    }),
    "no such device /dev/video9",
  );
  assert.equal(
    gstCause(v4l2, { message: "busy", element: "v4l2src0", domain: RES, code: 4, debug: "" }),
    "device /dev/video9 is busy",
  );
  assert.equal(
    gstCause({ kind: "file", path: "/x.mp4" }, {
      message: "Resource not found.",
      element: "filesrc0",
      domain: RES,
      code: 3,
      debug: "",
    }),
    "file not found: /x.mp4",
  );
  // Anything else: GStreamer's words, the element and its detail line.
  assert.equal(
    gstCause({ kind: "file", path: "/etc/passwd" }, {
      message: "This appears to be a text file",
      element: "decodebin0",
      domain: "gst-stream-error-quark",
      code: 5,
      debug:
        "../gst/playback/gstdecodebin2.c(2891): type_found (): /GstPipeline:p/GstDecodeBin:d:\ndecodebin cannot decode plain text files",
    }),
    "decodebin0: This appears to be a text file (decodebin cannot decode plain text files)",
  );
});

Deno.test("holderOf() names another process that holds a path open", async () => {
  const file = await Deno.makeTempFile();
  // A shell that holds the file open on fd 3 for as long as it runs.
  const holder = new Deno.Command("sh", {
    args: ["-c", `exec 3<"${file}"; echo held; exec sleep 30`],
    stdout: "piped",
  }).spawn();
  const reader = holder.stdout.getReader();
  await reader.read();
  try {
    // "held" is printed by the shell before `exec sleep` replaces it: wait for the exec, or the
    // holder may still be named "sh" (seen once under load).
    const deadline = Date.now() + 10_000;
    while ((await Deno.readTextFile(`/proc/${holder.pid}/comm`)).trim() !== "sleep") {
      if (Date.now() > deadline) throw new Error("the holder never became sleep");
      await new Promise((r) => setTimeout(r, 10));
    }
    const found = await holderOf(file);
    assert.equal(found?.pid, holder.pid);
    assert.equal(found?.name, "sleep");
  } finally {
    holder.kill();
    reader.releaseLock();
    await holder.stdout.cancel();
    await holder.status;
    await Deno.remove(file);
  }
  assert.equal(await holderOf("/nonexistent/eyrie"), null);
});
