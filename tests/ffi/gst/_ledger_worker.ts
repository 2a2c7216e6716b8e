/** A Worker that builds a live pipeline writing to a file, entered in the ledger it is given. */
import { initGstreamer, Pipeline, usePipelineLedger } from "../../../ffi/gst/mod.ts";

self.onmessage = (e: MessageEvent<{ ledger: SharedArrayBuffer; file: string }>) => {
  initGstreamer();
  usePipelineLedger(e.data.ledger);
  const p = Pipeline.parse(
    `videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 ! filesink buffer-mode=unbuffered location=${e.data.file}`,
  );
  p.setState("playing", { timeoutMs: 5000 });
  (globalThis as { held?: Pipeline }).held = p;
  self.postMessage("playing");
};
