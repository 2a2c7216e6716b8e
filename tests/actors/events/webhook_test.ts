// Webhook delivery against a real HTTP receiver on 127.0.0.1 (Deno.serve).
import assert from "node:assert/strict";
import type { WebhookConfig } from "../../../actors/defs.ts";
import {
  MAX_WEBHOOK_QUEUE,
  networkCause,
  parseRetryAfter,
  retryable,
  retryWaitMs,
  type StoredEvent,
  WebhookSender,
} from "../../../actors/events/mod.ts";
import { LINK_RETRY } from "../../../actors/supervisor/link.ts";
import { createLogger } from "../../../actors/log/logger.ts";
import type { LogRecord } from "../../../actors/defs.ts";

/** LINK_RETRY's shape, faster, without jitter. */
const FAST = { initialMs: 20, maxMs: 100, jitter: 0 };

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
    policy: FAST,
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
  const [st] = s.stats();
  assert.deepEqual(
    [st.url, st.state, st.sent, st.failed, st.dropped, st.attempts, st.queued, st.lastError],
    [r.url, "up", 2, 0, 0, 4, 0, "HTTP 503"],
  );
  const notes = s.logs.map((l) => [l.level, l.msg, l.fields?.cause ?? l.fields?.tries]);
  const what = `webhook 0 ${r.url}`;
  assert.deepEqual(notes, [
    ["warn", `${what}: offline`, "HTTP 503"],
    ["info", `${what}: up again`, 2],
  ], "one line when it went down, one when it came back: none per attempt");
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
  assert.deepEqual(
    [b.state, b.lastError],
    ["up", "HTTP 400"],
    "a 4xx answer: up, the event refused",
  );
  assert.deepEqual([w.state, w.cause, w.lastError], ["offline", "timed out", "timed out"]);
  const warnings = s.logs.filter((l) => l.level === "warn").map((
    l,
  ) => [l.msg, l.fields?.outcome ?? l.fields?.cause]);
  assert.deepEqual(warnings, [
    ["webhook refused an event", "HTTP 400"],
    [`webhook 1 ${slow.url}: offline`, "timed out"],
  ]);
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
  const port = new URL(refused).port;
  assert.deepEqual([down.state, down.cause], [
    "offline",
    `connection refused by 127.0.0.1:${port}`,
  ]);
  assert.ok(down.retryAt! >= Date.now() - 1000, "the next try is due or ahead");
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

Deno.test("retry policy: which outcomes repeat, and how long a Retry-After stretches the link's wait", () => {
  assert.equal(retryable({ kind: "timeout" }), true);
  assert.equal(retryable({ kind: "network", message: "refused" }), true);
  for (const status of [408, 429, 500, 502, 503]) {
    assert.equal(retryable({ kind: "status", status }), true);
  }
  for (const status of [301, 400, 401, 404, 410]) {
    assert.equal(retryable({ kind: "status", status }), false);
  }
  assert.equal(retryWaitMs(1000, { kind: "timeout" }, LINK_RETRY), 1000);
  assert.equal(
    retryWaitMs(1000, { kind: "status", status: 429, retryAfterS: 7 }, LINK_RETRY),
    7000,
  );
  assert.equal(
    retryWaitMs(4000, { kind: "status", status: 503, retryAfterS: 1 }, LINK_RETRY),
    4000,
  );
  assert.equal(
    retryWaitMs(1000, { kind: "status", status: 503, retryAfterS: 3600 }, LINK_RETRY),
    60_000,
    "never past the link policy's cap",
  );
  assert.deepEqual(
    ["5", " 12 ", "Wed, 21 Oct 2015 07:28:00 GMT", null, "-1"].map(parseRetryAfter),
    [5, 12, undefined, undefined, undefined],
  );
});

Deno.test("networkCause() finds the reason in Deno's fetch error chain", () => {
  const wrapped = (inner: string) => new TypeError("fetch failed", { cause: new Error(inner) });
  assert.equal(
    networkCause(
      wrapped("client error (Connect): tcp connect error: Connection refused (os error 111)"),
      "http://10.0.0.5:8123/hook?token=secret",
    ),
    "connection refused by 10.0.0.5:8123",
  );
  assert.equal(
    networkCause(
      wrapped("dns error: failed to lookup address information: Name or service not known"),
      "https://ha.local/api",
    ),
    "host name ha.local does not resolve",
  );
  assert.equal(
    networkCause(wrapped("tcp connect error: No route to host (os error 113)"), "http://h:1/"),
    "no route to host h",
  );
  assert.equal(networkCause(wrapped("x".repeat(300)), "http://h/").length, 201);
});

Deno.test("a webhook that is down holds every event until its retry time, and is up again by itself", async () => {
  let down = true;
  await using r = receiver(() => new Response(null, { status: down ? 503 : 204 }));
  // A slower policy than FAST, so the offline state can be seen between tries.
  const logs: LogRecord[] = [];
  const s = new WebhookSender([hook(r.url, { retries: 0 })], {
    log: createLogger("test", (rec) => logs.push(rec), "debug"),
    policy: { initialMs: 2000, maxMs: 2000, jitter: 0 },
  });
  s.deliver(event(1));
  while (s.stats()[0].state !== "offline") await new Promise((resolve) => setTimeout(resolve, 10));
  s.deliver(event(2));
  s.deliver(event(3));
  const st = s.stats()[0];
  assert.deepEqual([st.state, st.cause, st.failed], ["offline", "HTTP 503", 1]);
  assert.equal(
    r.got.length,
    1,
    "events 2 and 3 wait for the retry time, not hammering the receiver",
  );
  assert.ok(st.retryAt! > Date.now());
  down = false;
  await s.idle();
  const after = s.stats()[0];
  assert.deepEqual([after.state, after.cause, after.retryAt, after.sent, after.failed], [
    "up",
    null,
    null,
    2,
    1,
  ]);
  assert.deepEqual(r.got.map((g) => (g.body as StoredEvent).id), [1, 2, 3]);
  assert.deepEqual(logs.map((l) => l.msg), [
    `webhook 0 ${r.url}: offline`,
    `webhook 0 ${r.url}: up again`,
  ]);
  await s.close();
});
