/**
 * eyrie: a camera streaming runtime for Raspberry Pi and Linux boxes.
 * `deno task eyrie --help`, or the compiled `eyrie --help`.
 *
 * @module
 */
import { main } from "./ui/cli/main.ts";

if (import.meta.main) {
  // libcamera logs every probe at INFO on stderr; keep journald to what matters.
  if (Deno.env.get("LIBCAMERA_LOG_LEVELS") === undefined) {
    Deno.env.set("LIBCAMERA_LOG_LEVELS", "*:ERROR");
  }
  Deno.exit(await main(Deno.args));
}
