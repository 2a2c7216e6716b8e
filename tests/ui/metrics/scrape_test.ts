import assert from "node:assert/strict";
import { formatValue, Scrape } from "../../../ui/metrics/mod.ts";
import { parseExposition } from "./_exposition.ts";

Deno.test("a scrape renders HELP, TYPE and escaped series that the strict reader reads back", () => {
  const s = new Scrape();
  s.gauge("eyrie_x_bytes", 'Help with a \\ and\na newline and "quotes".')
    .set(1.5, { path: 'C:\\dir "q"\nline' })
    .set(-2, { path: "b" });
  s.counter("eyrie_y_total", "A counter.").set(3);
  s.gauge("eyrie_special", "Special values.").set(NaN, { v: "nan" }).set(Infinity, { v: "inf" })
    .set(-Infinity, { v: "-inf" }).set(1e-7, { v: "small" }).set(2 ** 53, { v: "big" });
  const text = s.render();
  const families = parseExposition(text);
  const x = families.get("eyrie_x_bytes")!;
  assert.equal(x.type, "gauge");
  assert.equal(x.help, 'Help with a \\ and\na newline and "quotes".');
  assert.deepEqual(x.samples[0], {
    name: "eyrie_x_bytes",
    labels: { path: 'C:\\dir "q"\nline' },
    value: 1.5,
  });
  assert.deepEqual(families.get("eyrie_y_total")!.samples.map((v) => v.value), [3]);
  const sp = families.get("eyrie_special")!.samples.map((v) => v.value);
  assert.ok(Number.isNaN(sp[0]));
  assert.deepEqual(sp.slice(1), [Infinity, -Infinity, 1e-7, 2 ** 53]);
  assert.deepEqual([formatValue(Infinity), formatValue(-Infinity)], ["+Inf", "-Inf"]);
});

Deno.test("a scrape refuses bad names, counters without _total or below 0, and a series twice", () => {
  const s = new Scrape();
  assert.throws(() => s.gauge("node_load", "x"), /must match/);
  assert.throws(() => s.gauge("eyrie_Bad", "x"), /must match/);
  assert.throws(() => s.counter("eyrie_frames", "x"), /must end in _total/);
  assert.throws(() => s.gauge("eyrie_x", " "), /needs a help text/);
  assert.throws(() => s.counter("eyrie_c_total", "c").set(-1), RangeError);
  assert.throws(() => s.gauge("eyrie_g", "g").set(1, { "bad-label": "x" }), /Label name/);
  assert.throws(() => s.gauge("eyrie_g", "g").set(1, { __reserved: "x" }), /Label name/);
  s.gauge("eyrie_d", "d").set(1, { a: "1" });
  assert.throws(() => s.gauge("eyrie_d", "d").set(2, { a: "1" }), /appears twice/);
  assert.throws(() => s.counter("eyrie_d", "d"), /declared twice/);
});

Deno.test("the strict reader rejects what Prometheus would", () => {
  const ok = "# HELP eyrie_a A.\n# TYPE eyrie_a gauge\neyrie_a 1\n";
  assert.equal(parseExposition(ok).size, 1);
  const bad: [string, RegExp][] = [
    [ok.slice(0, -1), /end with/],
    [ok + "\n", /empty line/],
    [ok.replace("eyrie_a 1", "eyrie_a  1"), /bad value/],
    [ok.replace("eyrie_a 1", "eyrie_a one"), /bad value/],
    [ok.replace("eyrie_a 1", 'eyrie_a{x="\\t"} 1'), /bad escape/],
    [ok.replace("eyrie_a 1", 'eyrie_a{x="1",x="2"} 1'), /label x twice/],
    [ok.replace("eyrie_a 1", 'eyrie_a{x="1} 1'), /unterminated|expected/],
    [ok + "eyrie_a 2\n", /appears twice/],
    [ok + "# TYPE eyrie_a gauge\n", /TYPE after samples/],
    [ok.replace("gauge", "gaige"), /unknown type/],
    [ok.replace("gauge", "counter").replace(" 1\n", " -1\n"), /counter below 0/],
    [ok + '# HELP eyrie_b B.\n# TYPE eyrie_b gauge\neyrie_b 1\neyrie_a{z="1"} 1\n', /continues/],
    ["# TYPE eyrie_a gauge\neyrie_a 1\n", /lacks TYPE or HELP/],
    ["# HELP up U.\n# TYPE up gauge\nup 1\n", /not eyrie_/],
  ];
  for (const [text, why] of bad) assert.throws(() => parseExposition(text), why, text);
});
