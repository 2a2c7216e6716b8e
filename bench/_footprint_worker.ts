// A Worker for the footprint bench's isolate measurements: imports what it is
// told (nothing, the actor runtime with rings and GStreamer, werift,
// onnxruntime-node), says so, and idles.

/** What a measured Worker loads. */
export type Load = "empty" | "runtime" | "werift" | "onnxruntime";

self.onmessage = async (e: MessageEvent<Load>) => {
  switch (e.data) {
    case "empty":
      break;
    case "runtime": {
      await import("../actors/runtime/mod.ts");
      await import("../actors/ring/mod.ts");
      const gst = await import("../ffi/gst/mod.ts");
      gst.initGstreamer();
      break;
    }
    case "werift":
      await import("werift");
      break;
    case "onnxruntime":
      await import("onnxruntime-node");
      break;
  }
  self.postMessage("ready");
};
