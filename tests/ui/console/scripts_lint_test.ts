/**
 * The console's scripts are JavaScript inside template strings, out of `deno lint`'s sight. A
 * merge once declared `var stream` twice in whep.js (the sub stream's query string over the
 * tracks' MediaStream): it parsed, and no tile played. Each served script is linted here with the
 * recommended rules plus `no-redeclare`, less the rules that do not fit a browser script written as
 * ES5 (`no-var`, `no-inner-declarations`, `no-window`). Functions named `eyrie…` at the top of a
 * script are globals that other scripts call (timecode.js), so "never used" is not reported for them.
 * The recordings, events and library pages carry their scripts inline: those are linted too.
 */
import assert from "node:assert/strict";
import { ASSETS } from "../../../ui/console/mod.ts";
import { EVENTS_PAGE } from "../../../ui/http/events_page.ts";
import { LIBRARY_PAGE } from "../../../ui/http/library_page.ts";
import { RECORDINGS_PAGE } from "../../../ui/http/recordings_page.ts";

interface Diagnostic {
  filename: string;
  range: { start: { line: number } };
  message: string;
  code: string;
}

const VENDORED = new Set(["hls.js"]);

Deno.test("Every console script passes deno lint (recommended rules and no-redeclare)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-scripts-" });
  try {
    const scripts = new Map<string, string>();
    for (const [name, asset] of Object.entries(ASSETS)) {
      if (name.endsWith(".js") && !VENDORED.has(name)) scripts.set(name, asset.body);
    }
    const pages = { recordings: RECORDINGS_PAGE, events: EVENTS_PAGE, library: LIBRARY_PAGE };
    for (const [page, html] of Object.entries(pages)) {
      const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      assert.ok(inline.length > 0, `${page} page has no inline script`);
      inline.forEach((body, i) => scripts.set(`${page}-page-${i}.js`, body));
    }
    assert.ok(scripts.size >= 11, [...scripts.keys()].join(" "));
    const names = [...scripts.keys()];
    for (const [name, body] of scripts) await Deno.writeTextFile(`${dir}/${name}`, body);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "lint",
        "--no-config",
        "--json",
        "--rules-include=no-redeclare",
        "--rules-exclude=no-var,no-inner-declarations,no-window",
        ...names.map((n) => `${dir}/${n}`),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      diagnostics: Diagnostic[];
      errors: unknown[];
    };
    assert.deepEqual(report.errors, []);
    const found = report.diagnostics
      .filter((d) => !(d.code === "no-unused-vars" && /^`eyrie\w+` is never used$/.test(d.message)))
      .map((d) => `${d.filename.split("/").pop()}:${d.range.start.line} ${d.code}: ${d.message}`);
    assert.deepEqual(found, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
