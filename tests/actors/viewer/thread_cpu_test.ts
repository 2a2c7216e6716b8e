import assert from "node:assert/strict";
import { threadCpuSeconds } from "../../../actors/viewer/thread_cpu.ts";

Deno.test("threadCpuSeconds() counts the calling Worker's own thread, not the process", async () => {
  const main0 = threadCpuSeconds();
  assert.notEqual(main0, null, "Linux has /proc/thread-self");
  const worker = new Worker(new URL("./_cpu_worker.ts", import.meta.url), { type: "module" });
  try {
    const done = new Promise<{ before: number; after: number }>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
    });
    worker.postMessage({ seconds: 0.3 });
    const { before, after } = await done;
    assert.ok(after - before >= 0.3);
    // This thread only waited meanwhile: it used far less than the Worker's 0.3 s.
    assert.ok(threadCpuSeconds()! - main0! < 0.2);
  } finally {
    worker.terminate();
  }
});
