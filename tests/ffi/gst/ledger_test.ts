/**
 * The pipeline ledger (ffi/gst/ledger.ts): what a terminated Worker leaves
 * running is stopped by whoever terminated it, and a pipeline disposed by
 * its own Worker leaves nothing behind and is never released twice.
 */
import assert from "node:assert/strict";
import {
  initGstreamer,
  newPipelineLedger,
  Pipeline,
  stopLedgerPipelines,
  usePipelineLedger,
} from "../../../ffi/gst/mod.ts";
import { LEDGER_SLOTS, ledgerHolds } from "../../../ffi/gst/ledger.ts";

async function size(file: string): Promise<number> {
  return (await Deno.stat(file)).size;
}

/** Whether `file` grows within `ms` (a live pipeline writes ~30 frames a second to it). */
async function grows(file: string, ms: number): Promise<boolean> {
  const before = await size(file);
  await new Promise((r) => setTimeout(r, ms));
  return (await size(file)) > before;
}

Deno.test("a pipeline left by a terminated Worker is stopped through its ledger", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-ledger-" });
  try {
    const file = `${dir}/frames.raw`;
    const ledger = newPipelineLedger();
    const worker = new Worker(new URL("./_ledger_worker.ts", import.meta.url), { type: "module" });
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ ledger, file });
    });
    worker.terminate();
    // Terminating the Worker leaves its pipeline writing: that is the leak.
    assert.ok(await grows(file, 500), "the terminated Worker's pipeline still runs");
    assert.equal(ledgerHolds(ledger), true);
    assert.equal(await stopLedgerPipelines(ledger), 1);
    assert.equal(ledgerHolds(ledger), false);
    await new Promise((r) => setTimeout(r, 100)); // a write under way when it stopped
    assert.equal(await grows(file, 500), false, "stopped");
    assert.equal(await stopLedgerPipelines(ledger), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a pipeline its Worker disposes leaves its ledger empty; a stopped one disposes once", async () => {
  initGstreamer();
  const ledger = newPipelineLedger();
  usePipelineLedger(ledger);
  {
    using p = Pipeline.parse("videotestsrc is-live=true ! fakesink");
    p.setState("playing", { timeoutMs: 5000 });
    assert.equal(ledgerHolds(ledger), true);
  }
  assert.equal(ledgerHolds(ledger), false);
  assert.equal(await stopLedgerPipelines(ledger), 0);
  // Stopped from outside first, then disposed by its owner: each drops only its own reference.
  const p = Pipeline.parse("videotestsrc is-live=true ! fakesink");
  p.setState("playing", { timeoutMs: 5000 });
  assert.equal(await stopLedgerPipelines(ledger), 1);
  assert.equal(p.state, "null");
  p[Symbol.dispose]();
  assert.equal(p.disposed, true);
  // A full ledger enters no more; those pipelines still work and dispose.
  const many = Array.from({ length: LEDGER_SLOTS + 2 }, () => Pipeline.parse("fakesrc ! fakesink"));
  for (const m of many) m[Symbol.dispose]();
  assert.equal(ledgerHolds(ledger), false);
  assert.throws(() => usePipelineLedger(new SharedArrayBuffer(8)), /ledger is 512 bytes, not 8/);
});
