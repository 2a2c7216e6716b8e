/**
 * The pipelines a Worker holds, where the thread that owns the Worker can
 * stop them.
 *
 * A GStreamer pipeline's streaming threads are native: they run on when the
 * Worker that built the pipeline is terminated, and nothing in JavaScript
 * is left to set it to NULL (measured: a terminated Worker's 720p
 * videotestsrc ! x264enc pipeline went on using 39 % of a core). And Deno
 * (2.9) cannot terminate a Worker whose thread runs JavaScript without
 * returning or waits in `Atomics.wait`: that thread stays, with everything
 * it started. So each Worker that may build pipelines gets a ledger (a
 * SharedArrayBuffer made by {@linkcode newPipelineLedger}, handed to it with
 * its start); {@linkcode Pipeline} enters itself there with a reference of
 * the ledger's own; and whoever terminates the Worker calls
 * {@linkcode stopLedgerPipelines}, which sets each pipeline still entered to
 * NULL and drops the ledger's reference.
 *
 * Each slot holds a pipeline's address and is taken back with a
 * compare-and-exchange, so exactly one side drops the ledger's reference:
 * the Worker when it disposes the pipeline itself, or the stopper. Nothing
 * here hands a pointer out: the buffer carries addresses as numbers, read
 * back only in this module.
 *
 * @module
 */

/** Pipelines one Worker may hold at once in its ledger; more run unentered (a camera holds a few). */
export const LEDGER_SLOTS = 64;

let ledger: BigInt64Array | undefined;

/** A new, empty ledger for one Worker. */
export function newPipelineLedger(): SharedArrayBuffer {
  return new SharedArrayBuffer(LEDGER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
}

/** Makes `buffer` this Worker's ledger: pipelines built from now on are entered there. */
export function usePipelineLedger(buffer: SharedArrayBuffer): void {
  if (buffer.byteLength !== LEDGER_SLOTS * BigInt64Array.BYTES_PER_ELEMENT) {
    throw new RangeError(
      `A pipeline ledger is ${LEDGER_SLOTS * 8} bytes, not ${buffer.byteLength}`,
    );
  }
  ledger = new BigInt64Array(buffer);
}

/** An entry: the slot and the address it holds, to take it back. */
export interface LedgerEntry {
  readonly slot: number;
  readonly address: bigint;
}

/**
 * Enters `pointer` in this Worker's ledger; the caller has already taken
 * the reference the ledger keeps. Null when this Worker has no ledger or it
 * is full (the caller then drops that reference itself).
 */
export function enterPipeline(pointer: Deno.PointerObject): LedgerEntry | null {
  if (ledger === undefined) return null;
  const address = BigInt(Deno.UnsafePointer.value(pointer));
  for (let slot = 0; slot < ledger.length; slot++) {
    if (Atomics.compareExchange(ledger, slot, 0n, address) === 0n) return { slot, address };
  }
  return null;
}

/**
 * Takes `entry` back out of the ledger. True when the caller still owns the
 * ledger's reference (and must drop it); false when a stopper took it first.
 */
export function leavePipeline(entry: LedgerEntry): boolean {
  if (ledger === undefined) return false;
  return Atomics.compareExchange(ledger, entry.slot, entry.address, 0n) === entry.address;
}

/** What {@linkcode stopLedgerPipelines} does to each address, given by pipeline.ts. */
export type StopAddress = (pointer: Deno.PointerObject) => void;

/**
 * Takes every pipeline still entered in `buffer` and hands it to `stop`
 * (which sets it to NULL and drops the ledger's reference). Returns how many
 * there were. Call it once the Worker is terminated.
 */
export function takeLedger(buffer: SharedArrayBuffer, stop: StopAddress): number {
  const slots = new BigInt64Array(buffer);
  let stopped = 0;
  for (let slot = 0; slot < slots.length; slot++) {
    const address = Atomics.exchange(slots, slot, 0n);
    if (address === 0n) continue;
    const pointer = Deno.UnsafePointer.create(address);
    if (pointer === null) continue;
    stop(pointer);
    stopped++;
  }
  return stopped;
}

/** Whether `buffer` has any pipeline entered (without taking them). */
export function ledgerHolds(buffer: SharedArrayBuffer): boolean {
  const slots = new BigInt64Array(buffer);
  for (let slot = 0; slot < slots.length; slot++) {
    if (Atomics.load(slots, slot) !== 0n) return true;
  }
  return false;
}
