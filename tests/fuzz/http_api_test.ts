/**
 * Fuzzing the console over the network: valid requests for every route,
 * mutated at the HTTP and the byte level (tests/fuzz/_http.ts), sent raw
 * to the real app served by the real server in a process of its own, over
 * plain HTTP (auth off, as on a loopback console) and over HTTPS (auth on,
 * signed in by a client certificate, so every route is reached). What must
 * hold: no 5xx except the 503 "not running" of live routes (the console
 * under test runs no camera actors), no request left unanswered, and the
 * process never exits.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { makePki } from "../certs/_pki.ts";
import { tempDir } from "../certs/_run.ts";
import { startConsoleProcess } from "../ui/http/_console_process.ts";
import { send, type Target, wireRequests } from "./_http.ts";
import { fuzzAsync } from "./_runs.ts";

/** Requests per protocol in the suite. */
const CI_REQUESTS = 320;
/** Requests sent at once: most are answered at once, a few wait for their request timeout. */
const BATCH = 16;
/** Timeouts of the console under test: short, so that incomplete requests end quickly. */
const TIMEOUTS = { headersMs: 300, requestMs: 500, keepAliveMs: 300, checkEveryMs: 50 };

/** 503s the console under test gives by design: it runs no camera actors. */
const EXPECTED_503 = /is not running|not available|not delivering pictures/;

function isHead(bytes: Uint8Array): boolean {
  return new TextDecoder("latin1").decode(bytes.subarray(0, 5)) === "HEAD ";
}

async function campaign(scheme: "http" | "https") {
  await using tmp = await tempDir();
  const pki = scheme === "https" ? await makePki(tmp.path, "p256") : undefined;
  await using server = await startConsoleProcess({
    dataDir: `${tmp.path}/data`,
    tls: pki?.dir,
    timeouts: TIMEOUTS,
    users: pki === undefined ? [] : [{ name: "alice", role: "admin", password: "alice-password" }],
  });
  const target: Target = {
    port: server.port,
    tls: pki === undefined ? undefined : {
      servername: "localhost",
      ca: Deno.readTextFileSync(pki.caFile),
      cert: Deno.readTextFileSync(pki.client("alice")[0]),
      key: Deno.readTextFileSync(pki.client("alice")[1]),
    },
  };
  const statuses = new Map<string, number>();
  // In the long form, FUZZ_HTTP_RUNS requests (a few ms each: not FUZZ_RUNS).
  const longRequests = Number(Deno.env.get("FUZZ_HTTP_RUNS") ?? 10_000);
  await fuzzAsync(
    `http api over ${scheme}`,
    fc.array(wireRequests, { minLength: BATCH, maxLength: BATCH }),
    async (batch) => {
      const answers = await Promise.all(batch.map(async (bytes) => {
        const answer = await send(target, bytes);
        // A HEAD answer has no body to give its reason: ask the same with GET for it.
        if (typeof answer.status === "number" && answer.status >= 500 && isHead(bytes)) {
          const get = await send(target, Uint8Array.from([0x47, 0x45, 0x54, ...bytes.subarray(4)]));
          if (get.status === answer.status) return { ...answer, text: get.text };
        }
        return answer;
      }));
      answers.forEach(({ status, text }, i) => {
        statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
        const shown = new TextDecoder("latin1").decode(batch[i].subarray(0, 300));
        assert.notEqual(status, "timeout", `no answer to ${JSON.stringify(shown)}`);
        if (typeof status === "number" && status >= 500) {
          assert.ok(
            status === 503 && EXPECTED_503.test(text),
            `${text.slice(0, 500)}\nfor ${JSON.stringify(shown)}\n${server.logs().slice(-3000)}`,
          );
        }
      });
      assert.ok(server.running(), `the console exited:\n${server.logs().slice(-3000)}`);
      return BATCH;
    },
    CI_REQUESTS / BATCH,
    { longMax: Math.ceil(longRequests / BATCH) },
  );
  // Nothing was logged as a failure of eyrie's.
  assert.doesNotMatch(server.logs(), /Uncaught|request failed|"what":"(request|server)"/);
  assert.ok(server.running());
  console.log(`http api over ${scheme}: ${JSON.stringify(Object.fromEntries(statuses))}`);
  // The mutations reach the routes: a quarter or more of the answers are not the parser's 400.
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const routed = [...statuses].filter(([s]) => /^\d+$/.test(s) && s !== "400")
    .reduce((n, [, k]) => n + k, 0);
  assert.ok(routed >= total / 4, JSON.stringify(Object.fromEntries(statuses)));
}

Deno.test("fuzz: mutated requests to every route over HTTP get no 5xx, no silence and no exit", async () => {
  await campaign("http");
});

Deno.test("fuzz: mutated requests to every route over HTTPS get no 5xx, no silence and no exit", async () => {
  await campaign("https");
});
