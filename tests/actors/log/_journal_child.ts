/**
 * Logs one record per level through stderrSink("auto") after pointing
 * $JOURNAL_STREAM at its own stderr (as systemd does for a service whose
 * output goes to the journal), or without it when Deno.args[0] is "plain".
 */
import { fstatSync } from "node:fs";
import { createLogger, stderrSink } from "../../../actors/log/logger.ts";

if (Deno.args[0] !== "plain") {
  const s = fstatSync(2);
  Deno.env.set("JOURNAL_STREAM", `${s.dev}:${s.ino}`);
}
const log = createLogger("main", stderrSink("auto"), "debug");
log.debug("d");
log.info("i", { k: 1 });
log.warn("w");
log.error("e");
