// A lean process for the footprint bench's isolate measurements: starts K
// Workers that each load one thing (see _footprint_worker.ts), waits, and
// prints its own RSS and PSS as JSON. Kept apart from footprint_bench.ts so
// that the process itself loads nothing else (no Playwright, no config).
//
//   deno run -A bench/_footprint_isolates.ts K empty|runtime|werift|onnxruntime

import type { Load } from "./_footprint_worker.ts";
import { memoryTotals } from "./_smaps.ts";

const k = Number(Deno.args[0]);
const load = Deno.args[1] as Load;
const url = new URL("./_footprint_worker.ts", import.meta.url);
const workers = Array.from({ length: k }, () => new Worker(url, { type: "module" }));
await Promise.all(workers.map((w) =>
  new Promise<void>((resolve) => {
    w.onmessage = () => resolve();
    w.postMessage(load);
  })
));
await new Promise((r) => setTimeout(r, 3000));
console.log(JSON.stringify(memoryTotals(Deno.pid)));
for (const w of workers) w.terminate();
