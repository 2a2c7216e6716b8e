/**
 * eyrie: a camera streaming runtime for Raspberry Pi and Linux boxes.
 * `deno task eyrie --help`, or the compiled `eyrie --help`.
 *
 * @module
 */
import { main } from "./ui/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
