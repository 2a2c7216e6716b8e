/** eyrie's version (kept in actors/defs.ts, below everything that prints it). */
export { VERSION } from "../../actors/defs.ts";
