/**
 * The OpenAPI 3.1 document of the API, built from the routes the app has
 * registered (Hono's `app.routes`) and what operations.ts says of each:
 * paths with their parameters (a `:id{regex}` segment keeps its pattern),
 * query parameters and request bodies from the zod schemas (as JSON Schema
 * 2020-12, which OpenAPI 3.1 uses). A route missing from the table is still
 * listed, marked undocumented; the test refuses both that and a table entry
 * without a route.
 *
 * @module
 */
import { z } from "zod";
import { OPERATIONS } from "./operations.ts";

/** A route as Hono lists it. */
export interface RouteEntry {
  method: string;
  path: string;
}

/** Whether a route belongs to the API (and so to the document). */
export function isApiRoute(r: RouteEntry): boolean {
  return r.method !== "ALL" && (r.path.startsWith("/api/") || r.path === "/metrics");
}

/** "/api/events/:id{[0-9]{1,15}}" → "/api/events/{id}" and its parameters. */
export function openApiPath(
  path: string,
): { path: string; params: { name: string; pattern?: string }[] } {
  const params: { name: string; pattern?: string }[] = [];
  const out = path.split("/").map((seg) => {
    const m = /^:([A-Za-z_][A-Za-z0-9_]*)(?:\{(.+)\})?$/.exec(seg);
    if (m === null) return seg;
    params.push(m[2] === undefined ? { name: m[1] } : { name: m[1], pattern: `^(${m[2]})$` });
    return `{${m[1]}}`;
  }).join("/");
  return { path: out, params };
}

type Json = Record<string, unknown>;

function schemaOf(type: z.ZodType): Json {
  const s = z.toJSONSchema(type, { io: "input", unrepresentable: "any" }) as Json;
  delete s.$schema;
  return s;
}

function queryParameters(query: z.ZodType | undefined): Json[] {
  if (query === undefined) return [];
  const s = schemaOf(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: (s.required ?? []).includes(name),
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
    schema,
  }));
}

/** The document for `routes`. */
export function openApiDocument(routes: readonly RouteEntry[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const seen = new Set<string>();
  for (const r of routes.filter(isApiRoute)) {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const op = OPERATIONS[key];
    const { path, params } = openApiPath(r.path);
    const operation: Json = {
      operationId: key.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, ""),
      summary: op?.summary ?? "(undocumented)",
      tags: [op?.tag ?? "undocumented"],
      parameters: [
        ...params.map((p) => ({
          name: p.name,
          in: "path",
          required: true,
          schema: p.pattern === undefined
            ? { type: "string" }
            : { type: "string", pattern: p.pattern },
        })),
        ...queryParameters(op?.query),
      ],
      responses: {
        default: {
          description: "The answer; errors are JSON {error} with a sentence naming the cause",
          ...(op?.produces !== undefined
            ? { content: { [op.produces]: {} } }
            : { content: { "application/json": {} } }),
        },
      },
    };
    if (op?.body !== undefined) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schemaOf(op.body) } },
      };
    } else if (op?.bodyType !== undefined) {
      operation.requestBody = {
        required: true,
        content: { [op.bodyType]: { schema: { type: "string" } } },
      };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "eyrie",
      version,
      description: "Camera streaming runtime: cameras, live view (WHEP), recordings, events, " +
        "the video library and access control. Generated from the routes eyrie serves.",
    },
    paths,
  };
}
