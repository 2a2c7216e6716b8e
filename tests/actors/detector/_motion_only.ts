// Run in a subprocess by lazy_ort_test.ts, without --allow-ffi: motion must
// work without onnxruntime-node ever being loaded; a model load must not.
import { MotionDetector, YoloModel } from "../../../actors/detector/mod.ts";

const d = new MotionDetector(32, 18);
d.step(new Uint8Array(32 * 18), 0);
console.log(`motion ${d.step(new Uint8Array(32 * 18), 100).kind}`);
if (Deno.args[0] === "model") {
  await YoloModel.load(new Uint8Array(8));
}
