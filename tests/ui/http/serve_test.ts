/**
 * The console's servers, plain HTTP and HTTPS alike: slowloris connections
 * are cut after the header and request timeouts (made short here through
 * the option; the production values are SERVER_TIMEOUTS), and close()
 * never throws and always ends, mid-request, twice, or after a failed
 * start.
 */
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { loadServerTls, type ServerTls } from "../../../certs/mod.ts";
import { serve, SERVER_TIMEOUTS, type ServerTimeouts } from "../../../ui/http/serve.ts";
import { makePki, type Pki } from "../../certs/_pki.ts";
import { tempDir, waitFor, within } from "../../certs/_run.ts";

const SHORT: Partial<ServerTimeouts> = {
  headersMs: 500,
  requestMs: 1_000,
  keepAliveMs: 500,
  checkEveryMs: 100,
  handshakeMs: 500,
};
/** Slowloris connections per test: enough to see a pile-up, few enough for two shared cores. */
const ATTACKERS = 200;
/** How long the server gets to cut them: the timeouts above plus checks and scheduling. */
const CUT_WITHIN_MS = 10_000;

function app(): Hono {
  const app = new Hono();
  app.get("/", (c) => c.text("ok"));
  app.post("/echo", async (c) => c.text(await c.req.text()));
  app.get("/forever", () => new Promise<Response>(() => {}));
  app.get("/sse", (c) =>
    streamSSE(c, async (s) => {
      while (!s.aborted) {
        await s.writeSSE({ data: "tick" });
        await s.sleep(50);
      }
    }));
  return app;
}

interface Target {
  scheme: "http" | "https";
  pki?: Pki;
  tls?: ServerTls;
}

/** A raw connection, over TLS when the target is HTTPS; `closed` resolves when the server hangs up. */
function connect(
  port: number,
  target: Target,
): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = target.scheme === "http"
      ? net.connect(port, "127.0.0.1", () => resolve({ socket, closed }))
      : tls.connect({
        host: "127.0.0.1",
        port,
        servername: "localhost",
        ca: Deno.readTextFileSync(target.pki!.caFile),
        cert: Deno.readTextFileSync(target.pki!.client("alice")[0]),
        key: Deno.readTextFileSync(target.pki!.client("alice")[1]),
      }, () => resolve({ socket, closed }));
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("error", () => {});
    // Read whatever the server says (a 408), so the end of the stream is seen.
    socket.resume();
    socket.once("error", reject);
  });
}

async function withTarget(scheme: "http" | "https", body: (t: Target) => Promise<void>) {
  if (scheme === "http") return await body({ scheme });
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await using serverTls = await loadServerTls(pki.dir, { name: "console", clientAuth: "require" });
  await body({ scheme, pki, tls: serverTls });
}

for (const scheme of ["http", "https"] as const) {
  Deno.test(`over ${scheme.toUpperCase()}, ${ATTACKERS} slowloris connections are cut by the server after the header and request timeouts`, async () => {
    await withTarget(scheme, async (target) => {
      const server = await serve(app(), { hostname: "127.0.0.1", port: 0 }, {
        tls: target.tls,
        timeouts: SHORT,
      });
      const sockets: net.Socket[] = [];
      try {
        const kinds = ["silent", "half a head", "a header at a time", "half a body"] as const;
        const closes: Promise<void>[] = [];
        const drips: ReturnType<typeof setInterval>[] = [];
        for (let i = 0; i < ATTACKERS; i++) {
          const { socket, closed } = await connect(server.port, target);
          sockets.push(socket);
          closes.push(closed);
          switch (kinds[i % kinds.length]) {
            case "silent":
              break;
            case "half a head":
              socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n");
              break;
            case "a header at a time":
              socket.write("GET / HTTP/1.1\r\n");
              drips.push(setInterval(() => socket.writable && socket.write("X-A: b\r\n"), 100));
              break;
            case "half a body":
              socket.write(
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nab",
              );
              break;
          }
        }
        try {
          await within(
            Promise.all(closes),
            CUT_WITHIN_MS,
            () => `the server to cut them all (${sockets.filter((s) => !s.destroyed).length} open)`,
          );
        } finally {
          drips.forEach(clearInterval);
        }
        // The server is still there for a client that talks.
        const { socket, closed } = await connect(server.port, target);
        let answer = "";
        socket.on("data", (c) => (answer += c));
        socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        await within(closed, CUT_WITHIN_MS, "an answer");
        assert.match(answer, /^HTTP\/1\.1 200 [\s\S]*\r\n\r\n2\r\nok\r\n/);
      } finally {
        for (const s of sockets) s.destroy();
        await server.close(0);
      }
    });
  });

  Deno.test(`over ${scheme.toUpperCase()}, close() mid-request ends, cuts open streams after the grace time, and may be called again`, async () => {
    await withTarget(scheme, async (target) => {
      const server = await serve(app(), { hostname: "127.0.0.1", port: 0 }, {
        tls: target.tls,
        timeouts: SHORT,
      });
      const forever = await connect(server.port, target);
      forever.socket.write("GET /forever HTTP/1.1\r\nHost: localhost\r\n\r\n");
      const sse = await connect(server.port, target);
      let events = "";
      sse.socket.on("data", (c) => (events += c));
      sse.socket.write("GET /sse HTTP/1.1\r\nHost: localhost\r\n\r\n");
      await waitFor(() => events.includes("data: tick"), "the event stream to start");
      const handshaking = net.connect(server.port, "127.0.0.1");
      handshaking.on("error", () => {});
      const first = server.close(200);
      const second = server.close(200);
      assert.equal(first, second, "a second close() while closing is the same close");
      await within(first, CUT_WITHIN_MS, "close() to end");
      await within(Promise.all([forever.closed, sse.closed]), CUT_WITHIN_MS, "the cut");
      // Closed already: close() again resolves, and never throws.
      await within(server.close(), CUT_WITHIN_MS, "close() after close()");
      handshaking.destroy();
    });
  });
}

Deno.test("a failed start (the port is taken) rejects with the address, and nothing is left listening", async () => {
  const first = await serve(app(), { hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      serve(app(), { hostname: "127.0.0.1", port: first.port }),
      new RegExp(
        `Cannot start the console: address 127\\.0\\.0\\.1:${first.port} is already in use`,
      ),
    );
  } finally {
    await first.close();
  }
});

Deno.test("the production timeouts cut a slowloris within a minute and leave a slow LAN client room", () => {
  assert.ok(SERVER_TIMEOUTS.headersMs <= SERVER_TIMEOUTS.requestMs);
  assert.ok(SERVER_TIMEOUTS.requestMs + SERVER_TIMEOUTS.checkEveryMs <= 60_000);
  assert.ok(SERVER_TIMEOUTS.headersMs >= 5_000, "a phone on poor Wi-Fi sends its head in time");
});
