/**
 * Every operation in `/api/openapi.json` that takes a query or a body,
 * walked with a malformed one made from its own documented schema: each
 * answers 400 with an error that names the field (never a 500, never a
 * hang), so what the document says is what every route accepts. Then a
 * few routes outside the library checked for the exact answers their
 * callers see.
 */
import assert from "node:assert/strict";
import { startAuthApp } from "./_auth_app.ts";
import { Library } from "../../../actors/library/library.ts";

const LOCAL = { kind: "anonymous" } as const; // no users, loopback: the local console

interface Schema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  maxLength?: number;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  anyOf?: Schema[];
}
interface Param {
  name: string;
  in: string;
  schema: Schema;
}
interface Op {
  parameters: Param[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** A value the field's schema refuses, or null when any string passes. */
function badString(s: Schema): string | null {
  if (s.enum !== undefined || s.const !== undefined) return "not-one-of-them";
  if (s.pattern !== undefined) return "!!";
  if (s.maxLength !== undefined) return "x".repeat(s.maxLength + 1);
  return null;
}

function concrete(path: string, op: Op): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const p = op.parameters.find((x) => x.name === name && x.in === "path")!;
    if (p.schema.pattern?.includes("approve")) return "approve";
    return p.schema.pattern !== undefined || name === "id" ? "1" : "x";
  });
}

/** The malformed requests for one operation: [query, body, the field the error must name]. */
function malformed(op: Op): [string, string | undefined, string][] {
  const out: [string, string | undefined, string][] = [];
  const query = op.parameters.filter((p) => p.in === "query");
  for (const p of query) {
    const bad = badString(p.schema);
    if (bad !== null) out.push([`?${p.name}=${encodeURIComponent(bad)}`, undefined, p.name]);
  }
  const json = op.requestBody?.content["application/json"]?.schema;
  if (json !== undefined) {
    for (const name of Object.keys(json.properties ?? {})) {
      // An object where every documented field wants a string, number, boolean or list.
      out.push(["", JSON.stringify({ [name]: { nested: true } }), name]);
    }
  }
  return out;
}

Deno.test("every documented query and body is validated by its schema: malformed ones get a 400 naming the field", async () => {
  const root = await Deno.makeTempDir({ prefix: "library2-validate-" });
  await Deno.mkdir(`${root}/films`);
  await using library = new Library([{ id: "films", path: `${root}/films` }], {
    dataDir: `${root}/data`,
  });
  await library.start();
  await using app = await startAuthApp([], [], "127.0.0.1:0", { library });
  const doc = await (await app.request(LOCAL, "GET", "/api/openapi.json")).json() as {
    paths: Record<string, Record<string, Op>>;
  };
  let checked = 0;
  const withInput: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const hasQuery = op.parameters.some((p) => p.in === "query");
      const hasJson = op.requestBody?.content["application/json"] !== undefined;
      if (!hasQuery && !hasJson) continue;
      withInput.push(`${method} ${path}`);
      const cases = malformed(op);
      assert.ok(cases.length > 0, `${method} ${path}: no field to malform`);
      for (const [query, body, field] of cases) {
        const url = concrete(path, op) + query;
        const r = await app.request(LOCAL, method.toUpperCase(), url, {
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await r.text();
        assert.equal(r.status, 400, `${method} ${url} ${body ?? ""}: ${r.status} ${text}`);
        if (method === "head") continue; // no body: the GET beside it names the field
        const error = (JSON.parse(text) as { error: string }).error;
        assert.ok(error.includes(field), `${method} ${url} ${body ?? ""}: "${error}"`);
        checked++;
      }
      if (hasJson) {
        const r = await app.request(LOCAL, method.toUpperCase(), concrete(path, op), {
          headers: { "content-type": "application/json" },
          body: "{not json",
        });
        assert.equal(r.status, 400, `${method} ${path} with a broken body`);
        assert.match((await r.json()).error, /not valid JSON/);
        checked++;
      }
    }
  }
  // Not only the library: cameras, auth, recordings and events are among them.
  for (
    const op of [
      "post /api/cameras/{id}/quality",
      "put /api/auth/grants/{subject}",
      "get /api/recordings",
      "get /api/recordings/download",
      "get /api/events",
      "get /api/events/stream",
      "get /api/auth/approvals",
    ]
  ) assert.ok(withInput.includes(op), op);
  assert.ok(checked >= 40, `only ${checked} malformed requests`);
  await Deno.remove(root, { recursive: true });
});

Deno.test("routes outside the library answer their schema's refusals as {error} 400s, and still take good input", async () => {
  await using app = await startAuthApp([], [], "127.0.0.1:0");
  for (
    const [method, path, type, body, error] of [
      ["POST", "/api/cameras/front/quality", "application/json", '{"preset":"huge"}', /^preset: /],
      ["POST", "/api/cameras/front/quality", "application/json", "", /^preset: /],
      ["GET", "/api/events?limit=ten", "", undefined, /^limit: /],
      ["GET", "/api/events?colour=red", "", undefined, /Unrecognized key: "colour"/],
      ["GET", "/api/recordings?camera=Front!", "", undefined, /^camera: /],
      ["GET", "/api/recordings?camera=a&camera=b", "", undefined, /^camera: .*array/],
      [
        "PUT",
        "/api/auth/grants/user:ann",
        "application/json",
        '{"can_record":"yes"}',
        /^can_record: /,
      ],
      // A form carries the same fields: a form's value is a string, where a flag wants a boolean.
      [
        "PUT",
        "/api/auth/grants/user:ann",
        "application/x-www-form-urlencoded",
        "can_record=yes",
        /^can_record: /,
      ],
      ["POST", "/api/auth/login", "application/json", '{"name": 5, "password": "x"}', /^name: /],
    ] as const
  ) {
    const r = await app.request(LOCAL, method, path, {
      headers: type === "" ? {} : { "content-type": type },
      body,
    });
    assert.equal(r.status, 400, `${method} ${path} ${body ?? ""}`);
    assert.match((await r.json()).error, error, `${method} ${path} ${body ?? ""}`);
  }
  // Good input passes the schema and reaches the route, which reads the same body.
  const ok = await app.request(LOCAL, "GET", "/api/events?limit=5");
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const grant = await app.request(LOCAL, "PUT", "/api/auth/grants/user:ann", {
    headers: { "content-type": "application/json" },
    body: '{"cameras": "front", "can_record": true}',
  });
  const text = await grant.text();
  assert.notEqual(grant.status, 400, text);
  assert.notEqual(grant.status, 500, text);
});
