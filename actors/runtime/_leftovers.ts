/**
 * What a terminated Worker leaves behind, and its stopping. Terminating a
 * Worker ends its JavaScript, not the native threads it started: its
 * GStreamer pipelines would go on capturing and encoding with nobody to
 * read them (and Deno cannot terminate a Worker whose thread never returns
 * to its event loop at all). So every Worker is started with a pipeline
 * ledger (ffi/gst/ledger.ts) and whoever terminates it stops what is
 * entered there, saying so in the log.
 *
 * @module
 */
import type { LogRecord } from "../defs.ts";
import { ledgerHolds, newPipelineLedger } from "../../ffi/gst/ledger.ts";

export class WorkerLeftovers {
  /** Handed to the Worker with each actor's start. */
  readonly ledger: SharedArrayBuffer = newPipelineLedger();
  readonly #name: string;
  #stopped = false;

  constructor(name: string) {
    this.#name = name;
  }

  /**
   * Stops the pipelines the Worker still holds; call after `terminate()`.
   * `log` gets one warning when there were any. Later calls do nothing.
   */
  stop(log: (record: LogRecord) => void): void {
    if (this.#stopped) return;
    this.#stopped = true;
    // A Worker that released its pipelines itself leaves nothing: no GStreamer here then.
    if (!ledgerHolds(this.ledger)) return;
    import("../../ffi/gst/pipeline.ts")
      .then(({ stopLedgerPipelines }) => stopLedgerPipelines(this.ledger))
      .then(
        (n) =>
          n > 0 &&
          log(
            record("warn", this.#name, "stopped pipelines a terminated Worker left running", {
              pipelines: n,
            }),
          ),
        (error) =>
          log(record("error", this.#name, "could not stop the pipelines of a terminated Worker", {
            error: error instanceof Error ? error.message : String(error),
          })),
      );
  }
}

function record(
  level: LogRecord["level"],
  actor: string,
  msg: string,
  fields: Record<string, string | number>,
): LogRecord {
  return { ts: new Date().toISOString(), level, actor, msg, fields };
}
