/**
 * The node:https path of the console (serveTls over the fetch adapter),
 * probed with curl: server-sent events arrive as they are written and stop
 * when the client leaves, Range answers pass through whole, request bodies
 * stream in, and odd request targets are refused.
 */
import assert from "node:assert/strict";
import tls from "node:tls";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { loadServerTls } from "../../../certs/mod.ts";
import type { ConnEnv } from "../../../ui/http/conn.ts";
import { serve } from "../../../ui/http/serve.ts";
import { serveTls } from "../../../ui/http/serve_tls.ts";
import { makePki, type Pki } from "../../certs/_pki.ts";
import { run, tempDir, waitFor } from "../../certs/_run.ts";

Deno.test("the HTTPS console path streams SSE and Range responses and request bodies both ways", async (t) => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await using serverTls = await loadServerTls(pki.dir, { name: "console", clientAuth: "require" });
  let aborted = 0;
  let events = 0;
  const file = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24);
  const app = new Hono<{ Bindings: ConnEnv }>();
  app.get("/events", (c) =>
    streamSSE(c, async (s) => {
      s.onAbort(() => {
        aborted++;
      });
      for (let i = 0; i < 600 && !s.aborted; i++) {
        await s.writeSSE({ event: "tick", data: String(i) });
        events++;
        await s.sleep(20);
      }
    }));
  app.get("/file", (c) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(c.req.header("range") ?? "");
    if (m === null) return c.body(file);
    const [from, to] = [Number(m[1]), Number(m[2])];
    return c.body(file.slice(from, to + 1), 206, {
      "content-range": `bytes ${from}-${to}/${file.length}`,
      "accept-ranges": "bytes",
    });
  });
  app.post("/echo", async (c) => c.body(new Uint8Array(await c.req.arrayBuffer())));
  app.get("/who", (c) => {
    c.header("set-cookie", "a=1", { append: true });
    c.header("set-cookie", "b=2", { append: true });
    return c.json({ cn: c.env.conn.peer?.cn, secure: c.env.conn.secure });
  });
  const server = await serve(app as unknown as Hono, { hostname: "127.0.0.1", port: 0 }, {
    tls: serverTls,
  });
  const base = `https://localhost:${server.port}`;
  const curl = (path: string, args: string[] = [], options: { stdin?: string } = {}) =>
    run("curl", [
      "--silent",
      "--show-error",
      "--noproxy",
      "*",
      "--cacert",
      pki.caFile,
      "--cert",
      pki.client("alice")[0],
      "--key",
      pki.client("alice")[1],
      ...args,
      `${base}${path}`,
    ], options);
  try {
    await t.step(
      "server-sent events arrive while the stream runs, and stop when curl leaves",
      async () => {
        // curl reads until five events have come (each as it is written), then leaves.
        const child = new Deno.Command("curl", {
          args: [
            "--silent",
            "--no-buffer",
            "--noproxy",
            "*",
            "--cacert",
            pki.caFile,
            "--cert",
            pki.client("alice")[0],
            "--key",
            pki.client("alice")[1],
            `${base}/events`,
          ],
          stdout: "piped",
          stderr: "null",
        }).spawn();
        let text = "";
        const decoder = new TextDecoder();
        for await (const chunk of child.stdout) {
          text += decoder.decode(chunk, { stream: true });
          if ((text.match(/event: tick\ndata: \d+\n\n/g) ?? []).length >= 5) break;
        }
        assert.ok(events < 600, "the events came while the stream ran, not at its end");
        child.kill("SIGTERM");
        await child.status;
        assert.match(text, /^(event: tick\ndata: \d+\n\n){5}/);
        await waitFor(() => aborted === 1, "the handler to see the client leave");
        const at = events;
        await new Promise((r) => setTimeout(r, 200));
        assert.ok(events - at <= 1, "the handler stopped writing");
      },
    );

    await t.step(
      "a Range request gets 206 with Content-Range and exactly those bytes",
      async () => {
        const out = await run("sh", [
          "-c",
          `curl -s --noproxy '*' --cacert ${pki.caFile} --cert ${pki.client("alice")[0]} --key ${
            pki.client("alice")[1]
          } -r 1000-1999 -D ${tmp.path}/h -o ${tmp.path}/part ${base}/file`,
        ]);
        assert.equal(out.code, 0, out.stderr);
        const headers = await Deno.readTextFile(`${tmp.path}/h`);
        assert.match(headers, /^HTTP\/1\.1 206/);
        assert.match(headers, /content-range: bytes 1000-1999\/100000/i);
        assert.deepEqual(await Deno.readFile(`${tmp.path}/part`), file.slice(1000, 2000));
      },
    );

    await t.step("a 1 MB request body streams in and back out unchanged", async () => {
      const body = "x".repeat(1 << 20);
      await Deno.writeTextFile(`${tmp.path}/body`, body);
      const out = await curl("/echo", [
        "--data-binary",
        `@${tmp.path}/body`,
        "-o",
        `${tmp.path}/echo`,
      ]);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(await Deno.readTextFile(`${tmp.path}/echo`), body);
    });

    await t.step(
      "the client certificate reaches the app; several Set-Cookie headers stay apart",
      async () => {
        const out = await curl("/who", ["-D", "-"]);
        assert.match(out.stdout, /set-cookie: a=1\r\nset-cookie: b=2\r\n/i);
        assert.match(out.stdout, /\{"cn":"alice","secure":true\}$/);
      },
    );

    await t.step("a request target that is not a path is refused with 400", async () => {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect(
          {
            host: "127.0.0.1",
            port: server.port,
            servername: "localhost",
            ca: Deno.readTextFileSync(pki.caFile),
            cert: Deno.readTextFileSync(pki.client("alice")[0]),
            key: Deno.readTextFileSync(pki.client("alice")[1]),
          },
          () =>
            socket.write(
              "GET http://elsewhere.example/who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            ),
        );
        let text = "";
        socket.on("data", (c) => (text += c));
        socket.on("end", () => resolve(text));
        socket.on("close", () => resolve(text));
        socket.once("error", reject);
      });
      assert.match(answer, /^HTTP\/1\.1 400/);
      assert.match(answer, /is not a path/);
    });
  } finally {
    await server.close(100);
  }
});

/** Sends `request` over a TLS connection as alice and resolves with everything the server wrote. */
function rawTls(pki: Pki, port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        host: "127.0.0.1",
        port,
        servername: "localhost",
        ca: Deno.readTextFileSync(pki.caFile),
        cert: Deno.readTextFileSync(pki.client("alice")[0]),
        key: Deno.readTextFileSync(pki.client("alice")[1]),
      },
      () => socket.write(request),
    );
    let text = "";
    socket.on("data", (c) => (text += c));
    socket.on("close", () => resolve(text));
    socket.once("error", reject);
  });
}

Deno.test("nothing a request does escapes it: bad targets and dot segments are 400, a failing handler or body costs that request alone", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await using serverTls = await loadServerTls(pki.dir, { name: "console", clientAuth: "require" });
  const errors: string[] = [];
  const handler = (request: Request): Response => {
    const path = new URL(request.url).pathname;
    if (path === "/throw") throw new Error("the handler failed");
    if (path === "/broken-body") {
      let n = 0;
      return new Response(
        new ReadableStream({
          pull(c) {
            if (n++ === 3) throw new Error("the producer failed");
            c.enqueue(new TextEncoder().encode("part\n"));
          },
        }),
      );
    }
    return new Response("ok");
  };
  const server = await serveTls(handler, { hostname: "127.0.0.1", port: 0 }, serverTls, {
    onError: (what, error) => errors.push(`${what}: ${(error as Error).message}`),
  });
  const ask = (head: string) => rawTls(pki, server.port, `${head}\r\nConnection: close\r\n\r\n`);
  try {
    // Each of these used to throw from the request event and end the process (Invalid URL).
    for (const host of ["localhost:99999", "127.0.0.1:65536", "[::1]:70000"]) {
      assert.match(await ask(`GET / HTTP/1.1\r\nHost: ${host}`), /^HTTP\/1\.1 400 /, host);
    }
    // CONNECT is an upgrade nobody listens for: node:http hangs up without a word.
    assert.equal(await ask("CONNECT localhost:1 HTTP/1.1\r\nHost: localhost"), "");
    assert.match(await ask("GET / HTTP/1.1\r\nHost: a b"), /^HTTP\/1\.1 400 /);
    // Dot segments are refused, not resolved: the app routes the path that was sent.
    for (const target of ["/a/../throw", "/x/%2e%2E/throw", "/a\\..\\throw", "/.", "/a/./b"]) {
      const answer = await ask(`GET ${target} HTTP/1.1\r\nHost: localhost`);
      assert.match(answer, /^HTTP\/1\.1 400 [\s\S]*"\." or "\.\." segment/, target);
    }
    assert.match(await ask("GET /.well-known/x?next=/../y HTTP/1.1\r\nHost: localhost"), / 200 /);
    assert.match(await ask("GET /throw HTTP/1.1\r\nHost: localhost"), /^HTTP\/1\.1 500 /);
    assert.deepEqual(errors, ["request: the handler failed"]);
    // Headers went out already: the connection is cut, so the client cannot take it for whole.
    const broken = await ask("GET /broken-body HTTP/1.1\r\nHost: localhost");
    assert.match(broken, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(broken, /\r\n0\r\n\r\n$/, "no final chunk");
    assert.match(await ask("GET / HTTP/1.1\r\nHost: localhost"), /^HTTP\/1\.1 200 [\s\S]*ok/);
  } finally {
    await server.close(100);
  }
});
