/// <reference lib="deno.worker" />
// A Worker that spins until its own thread has used `seconds` of CPU, then reports both counters.
import { threadCpuSeconds } from "../../../actors/viewer/thread_cpu.ts";

self.onmessage = (e: MessageEvent<{ seconds: number }>) => {
  const before = threadCpuSeconds()!;
  let spins = 0;
  while (threadCpuSeconds()! - before < e.data.seconds) spins++;
  self.postMessage({ before, after: threadCpuSeconds(), spins });
};
