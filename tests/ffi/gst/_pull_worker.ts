/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
// A Worker that pulls frames with the blocking AppSink.pull(), as the camera
// actor will, and copies them into a SharedArrayBuffer the test owns.
import { Pipeline } from "../../../ffi/gst/mod.ts";

export interface PullRequest {
  description: string;
  frames: number;
  sab: SharedArrayBuffer;
}

export interface PullReply {
  pts: (number | null)[];
  sizes: number[];
  format: string | null;
}

self.onmessage = (event: MessageEvent<PullRequest>) => {
  const { description, frames, sab } = event.data;
  using p = Pipeline.parse(description);
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const reply: PullReply = { pts: [], sizes: [], format: null };
  const slots = new Uint8Array(sab);
  const slotBytes = sab.byteLength / frames;
  for (let i = 0; i < frames; i++) {
    const sample = sink.pull({ timeoutMs: 5000 });
    if (sample === null) break;
    sample.copyTo(slots.subarray(i * slotBytes, (i + 1) * slotBytes));
    reply.pts.push(sample.pts);
    reply.sizes.push(sample.size);
    reply.format = sample.video.format;
  }
  self.postMessage(reply);
};
