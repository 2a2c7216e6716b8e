import assert from "node:assert/strict";
import { parseTarget } from "../../../transports/rtsp/mod.ts";

Deno.test("parseTarget() gives the path segments of an rtsp:// URL, a path, or the server for *", () => {
  assert.deepEqual(parseTarget("*"), { kind: "server" });
  assert.deepEqual(parseTarget("rtsp://127.0.0.1:8554/front"), {
    kind: "path",
    segments: ["front"],
  });
  assert.deepEqual(parseTarget("rtsp://[::1]:8554/front/trackID=0?x=1"), {
    kind: "path",
    segments: ["front", "trackID=0"],
  });
  assert.deepEqual(parseTarget("RTSP://user@cam/front/"), { kind: "path", segments: ["front"] });
  assert.deepEqual(parseTarget("/front"), { kind: "path", segments: ["front"] });
  assert.deepEqual(parseTarget("rtsp://h"), { kind: "path", segments: [] });
});

Deno.test("parseTarget() refuses other schemes, dot segments, bad escapes and deep paths", () => {
  for (
    const uri of [
      "http://h/front",
      "front",
      "rtsp://h/../front",
      "rtsp://h/%2e%2e/front",
      "rtsp://h/a%2fb",
      "rtsp://h/%zz",
      "rtsp://h/" + "a/".repeat(9),
    ]
  ) assert.equal(parseTarget(uri), null, uri);
});
