/// <reference lib="dom" />
/**
 * `/api/openapi.json` against an OpenAPI validator the project did not
 * write (@seriousme/openapi-schema-validator, which checks against the
 * official 3.1 schema), and against the server both ways: every API route
 * the app answers is in the document with a summary, every operation in
 * the document is answered by a route (not the not-found handler), and the
 * library routes refuse what their documented schemas refuse (they parse
 * with those schemas). Then
 * `/api/docs` renders every operation in Chromium without the network.
 */
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { isApiRoute } from "../../../ui/http/openapi/document.ts";
import { OPERATIONS } from "../../../ui/http/openapi/operations.ts";
import { serve } from "../../../ui/http/serve.ts";
import { startAuthApp } from "./_auth_app.ts";
import { Library } from "../../../actors/library/library.ts";
import { launchChromium } from "../../_chromium.ts";

const ARTIFACTS = new URL("../../artifacts/openapi/", import.meta.url).pathname;
const LOCAL = { kind: "anonymous" } as const; // no users, loopback: the local console

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { summary: string; parameters: { name: string; in: string; schema: { pattern?: string } }[] }
    >
  >;
}

Deno.test("/api/openapi.json is valid OpenAPI 3.1 and matches the routes both ways; /api/docs renders it", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "eyrie-openapi-" });
  await Deno.mkdir(`${root}/films`);
  await using library = new Library([{ id: "films", path: `${root}/films` }], {
    dataDir: `${root}/data`,
  });
  await library.start();
  await using app = await startAuthApp([], [], "127.0.0.1:0", { library });
  const res = await app.request(LOCAL, "GET", "/api/openapi.json");
  assert.equal(res.status, 200);
  const doc = (await res.json()) as Doc;

  await t.step("an OpenAPI validator accepts it as 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, "3.1");
  });

  const routes = [
    ...new Set(app.app.routes.filter(isApiRoute).map((r) => `${r.method} ${r.path}`)),
  ];
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op }))
  );

  await t.step("every API route is documented, and every documented operation is a route", () => {
    const undocumented = routes.filter((k) => OPERATIONS[k] === undefined);
    assert.deepEqual(undocumented, [], "routes without an entry in ui/http/openapi/operations.ts");
    const stale = Object.keys(OPERATIONS).filter((k) => !routes.includes(k));
    assert.deepEqual(stale, [], "entries in operations.ts without a route");
    assert.equal(operations.length, routes.length);
    assert.ok(operations.every((o) => o.op.summary !== "(undocumented)"));
  });

  await t.step(
    "the server answers every documented operation (no operation falls to not-found)",
    async () => {
      for (const { path, method, op } of operations) {
        const concrete = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          const p = op.parameters.find((x) => x.name === name && x.in === "path")!;
          if (p.schema.pattern?.includes("approve")) return "deny";
          return p.schema.pattern !== undefined || name === "id" ? "1" : "x";
        });
        const r = await app.request(LOCAL, method, concrete, {
          headers: { "content-type": "application/json" },
          body: method === "GET" || method === "HEAD" ? undefined : "{}",
        });
        // The first chunk is enough (the event stream never ends).
        const reader = r.body?.getReader();
        const first = reader === undefined ? undefined : await reader.read();
        await reader?.cancel();
        const text = new TextDecoder().decode(first?.value ?? new Uint8Array());
        assert.ok(
          !text.startsWith('{"error":"No route for'),
          `${method} ${concrete}: ${r.status} ${text.slice(0, 80)}`,
        );
      }
    },
  );

  await t.step("the library's routes refuse what their documented schemas refuse", async () => {
    const query = doc.paths["/api/library"].get.parameters.find((p) => p.name === "sort")!;
    assert.deepEqual((query.schema as { enum?: string[] }).enum, [
      "name",
      "duration",
      "size",
      "date",
    ]);
    for (
      const [method, path, body, error] of [
        ["GET", "/api/library?sort=colour", undefined, /^sort: Invalid option/],
        ["GET", "/api/library?bogus=1", undefined, /^Unrecognized key: "bogus"/],
        ["POST", "/api/library/playlists", '{"name": ""}', /^name: Too small/],
        ["POST", "/api/library/playlists", '{"name": "x", "items": [0]}', /^items\.0: Too small/],
      ] as const
    ) {
      const r = await app.request(LOCAL, method, path, {
        headers: { "content-type": "application/json" },
        body,
      });
      assert.equal(r.status, 400, `${method} ${path} ${body ?? ""}`);
      assert.match((await r.json()).error, error);
    }
  });

  await t.step(
    "/api/docs renders every operation in Chromium, with nothing fetched from elsewhere",
    async () => {
      const server = await serve(app.app, { hostname: "127.0.0.1", port: 0 });
      await using browser = await launchChromium();
      try {
        await Deno.mkdir(ARTIFACTS, { recursive: true });
        const page = await browser.newPage();
        const foreign: string[] = [];
        page.on("request", (r) => {
          if (!r.url().startsWith(server.url.replace(/\/$/, ""))) foreign.push(r.url());
        });
        await page.goto(`${server.url.replace(/\/$/, "")}/api/docs`);
        await page.waitForFunction(() => document.body.dataset.ready === "1");
        assert.equal(await page.locator("details.op").count(), operations.length);
        await page.locator("#GET_api_library").click();
        assert.match(await page.locator("#GET_api_library").textContent() ?? "", /sort/);
        await page.screenshot({ path: `${ARTIFACTS}docs.png`, fullPage: true });
        assert.deepEqual(foreign, []);
      } finally {
        await server.close();
      }
    },
  );
  await Deno.remove(root, { recursive: true });
});
