// Webhook delivery against a real HTTP receiver on 127.0.0.1 (Deno.serve).
import assert from "node:assert/strict";
import type { WebhookConfig } from "../../../actors/defs.ts";
import {
  MAX_WEBHOOK_QUEUE,
  parseRetryAfter,
  retryable,
  retryDelayMs,
  type StoredEvent,
  WebhookSender,
} from "../../../actors/events/mod.ts";
import { createLogger } from "../../../actors/log/logger.ts";
import type { LogRecord } from "../../../actors/defs.ts";

const FAST = { baseMs: 20, maxMs: 100 };

interface Received {
  body: unknown;
  type: string | null;
}

/** A receiver answering each request with `answer(n)` (n counts from 1). */
function receiver(answer: (n: number, req: Request) => Response | Promise<Response>) {
  const got: Received[] = [];
  let n = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    got.push({ body: await req.json(), type: req.headers.get("content-type") });
    return answer(++n, req);
  });
  return {
    got,
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function event(id: number, type: StoredEvent["type"] = "motion_start"): StoredEvent {
  const at = 1_800_000_000_000 + id;
  const base = { id, camera: "front", at: new Date(at).toISOString(), snapshot: true, atMs: at };
  if (type === "global_change") return { ...base, type, meanShift: 40, changedFraction: 0.9 };
  return { ...base, type: "motion_start", zone: "all", box: { x: 0, y: 0, w: 1, h: 1 }, area: 0.1 };
}

function hook(url: string, fields: Partial<WebhookConfig> = {}): WebhookConfig {
  return { url, types: [], timeout_ms: 2000, retries: 3, ...fields };
}

function sender(hooks: WebhookConfig[]) {
  const logs: LogRecord[] = [];
  const s = new WebhookSender(hooks, {
    log: createLogger("test", (r) => logs.push(r), "debug"),
    backoff: FAST,
  });
  return Object.assign(s, { logs, [Symbol.asyncDispose]: () => s.close() });
}

Deno.test("a webhook gets each event as JSON, retried after 503s until it is taken", async () => {
  await using r = receiver((n) => new Response(null, { status: n <= 2 ? 503 : 204 }));
  await using s = sender([hook(r.url)]);
  s.deliver(event(1));
  s.deliver(event(2));
  await s.idle();
  assert.deepEqual(r.got.map((g) => (g.body as StoredEvent).id), [1, 1, 1, 2]);
  assert.equal(r.got[0].type, "application/json");
  assert.deepEqual(r.got[3].body, event(2));
  assert.deepEqual(s.stats(), [{
    url: r.url,
    sent: 2,
    failed: 0,
    dropped: 0,
    attempts: 4,
    queued: 0,
  }]);
});

Deno.test("a webhook answering 400 is not retried; one that never answers times out, retries and gives up", async () => {
  await using bad = receiver(() => new Response("no", { status: 400 }));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  await using slow = receiver(async () => {
    await gate; // long after the sender gave up
    return new Response(null);
  });
  await using s = sender([
    hook(bad.url),
    hook(slow.url, { timeout_ms: 150, retries: 2 }),
  ]);
  s.deliver(event(1));
  await s.idle();
  const [b, w] = s.stats();
  assert.deepEqual([b.sent, b.failed, b.attempts], [0, 1, 1]);
  assert.deepEqual([w.sent, w.failed, w.attempts], [0, 1, 3]);
  assert.equal(bad.got.length, 1);
  assert.equal(slow.got.length, 3);
  const warnings = s.logs.filter((l) => l.msg === "webhook failed").map((l) => l.fields?.outcome);
  assert.deepEqual(warnings.sort(), ["HTTP 400", "timed out"]);
  open();
});

Deno.test("a webhook with types gets only those; an unreachable one fails after its retries", async () => {
  await using r = receiver(() => new Response("ok"));
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const refused = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}/`;
  closed.close();
  await using s = sender([
    hook(r.url, { types: ["global_change"] }),
    hook(refused, { retries: 1 }),
  ]);
  s.deliver(event(1, "motion_start"));
  s.deliver(event(2, "global_change"));
  await s.idle();
  assert.deepEqual(r.got.map((g) => (g.body as StoredEvent).type), ["global_change"]);
  const [, down] = s.stats();
  assert.deepEqual([down.sent, down.failed, down.attempts], [0, 2, 4]);
});

Deno.test("a webhook queue holds at most MAX_WEBHOOK_QUEUE events and drops the oldest", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await using r = receiver(async () => {
    await gate;
    return new Response("ok");
  });
  await using s = sender([hook(r.url)]);
  for (let i = 1; i <= MAX_WEBHOOK_QUEUE + 11; i++) s.deliver(event(i));
  // Event 1 is in flight; 2..11 were pushed out by the newest.
  assert.deepEqual([s.stats()[0].queued, s.stats()[0].dropped], [MAX_WEBHOOK_QUEUE, 10]);
  release();
  await s.idle();
  const ids = r.got.map((g) => (g.body as StoredEvent).id);
  assert.equal(ids.length, MAX_WEBHOOK_QUEUE + 1);
  assert.deepEqual(ids.slice(0, 2), [1, 12]);
  assert.equal(ids.at(-1), MAX_WEBHOOK_QUEUE + 11);
});

Deno.test("retry policy: which outcomes repeat, and how long to wait", () => {
  assert.equal(retryable({ kind: "timeout" }), true);
  assert.equal(retryable({ kind: "network", message: "refused" }), true);
  for (const status of [408, 429, 500, 502, 503]) {
    assert.equal(retryable({ kind: "status", status }), true);
  }
  for (const status of [301, 400, 401, 404, 410]) {
    assert.equal(retryable({ kind: "status", status }), false);
  }
  const t = { kind: "timeout" } as const;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(a, t)), [
    1000,
    2000,
    4000,
    8000,
    16000,
    30000,
    30000,
  ]);
  assert.equal(retryDelayMs(1, { kind: "status", status: 429, retryAfterS: 7 }), 7000);
  assert.equal(retryDelayMs(3, { kind: "status", status: 503, retryAfterS: 1 }), 4000);
  assert.equal(retryDelayMs(1, { kind: "status", status: 503, retryAfterS: 3600 }), 30000);
  assert.throws(() => retryDelayMs(0, t), /Attempt must be an integer ≥ 1, got 0/);
  assert.deepEqual(
    ["5", " 12 ", "Wed, 21 Oct 2015 07:28:00 GMT", null, "-1"].map(parseRetryAfter),
    [
      5,
      12,
      undefined,
      undefined,
      undefined,
    ],
  );
});
