/**
 * The console's files, imported as text so they are part of the module
 * graph: `deno compile` embeds them, and nothing is read from the source
 * tree (or the current directory) at run time.
 *
 * @module
 */
import indexHtml from "./index.html" with { type: "text" };
import consoleJs from "./console.js" with { type: "text" };
import consoleCss from "./console.css" with { type: "text" };

export interface Asset {
  contentType: string;
  body: string;
}

/** URL path → file. Add a file here with a text import beside the others. */
export const CONSOLE_ASSETS: ReadonlyMap<string, Asset> = new Map([
  ["/", { contentType: "text/html; charset=utf-8", body: indexHtml }],
  ["/console/console.js", { contentType: "text/javascript; charset=utf-8", body: consoleJs }],
  ["/console/console.css", { contentType: "text/css; charset=utf-8", body: consoleCss }],
]);
