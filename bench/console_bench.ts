// The console's cost per request over its three paths, in one run:
//
//   deno run --allow-all bench/console_bench.ts
//
// The real app (createApp over a System without cameras) answers
// GET /api/health:
//   1. plain HTTP (Deno.serve), no users: auth off (the anchor);
//   2. plain HTTP, auth on, a session cookie (JWT check, user and grant read from SQLite);
//   3. HTTPS through node:https with TLS 1.3, a client certificate mapped to its user.
// A separate client process (this script with --client) keeps CONCURRENCY
// keep-alive requests in flight for SECONDS; the server's CPU is
// process.cpuUsage() of this process, so the client's is not in it. Then the
// access check alone: app.fetch in this process, auth off against auth on.
// Prints a markdown table with each row's ratio to the anchor.
import process from "node:process";
import { System } from "../actors/system/mod.ts";
import { initCa, issueCert, loadServerTls } from "../certs/mod.ts";
import { AuthStore } from "../ui/auth/service.ts";
import { issueSession, sessionKey } from "../ui/auth/session.ts";
import { checkConfig } from "../ui/config/mod.ts";
import { createApp } from "../ui/http/app.ts";
import { serve } from "../ui/http/serve.ts";

const SECONDS = 5;
const CONCURRENCY = 8;
const IN_PROCESS_REQUESTS = 3000;

interface ClientOptions {
  url: string;
  cookie?: string;
  cert?: string;
  key?: string;
  ca?: string;
}

async function clientMain(options: ClientOptions): Promise<void> {
  const client = options.cert === undefined ? undefined : Deno.createHttpClient({
    cert: await Deno.readTextFile(options.cert),
    key: await Deno.readTextFile(options.key!),
    caCerts: [await Deno.readTextFile(options.ca!)],
  });
  const headers = options.cookie === undefined ? undefined : { cookie: options.cookie };
  let done = 0;
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      const res = await fetch(options.url, { client, headers });
      await res.arrayBuffer();
      if (res.status === 200) done++;
      else failed++;
    }
  }));
  console.log(JSON.stringify({ done, failed }));
}

async function load(options: ClientOptions): Promise<{ rps: number; cpuUsPerRequest: number }> {
  const cpu = process.cpuUsage();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL(import.meta.url).pathname,
      "--client",
      JSON.stringify(options),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const used = process.cpuUsage(cpu);
  const { done, failed } = JSON.parse(new TextDecoder().decode(out.stdout));
  if (failed > 0 || done === 0) throw new Error(`${failed} requests failed, ${done} done`);
  return { rps: done / SECONDS, cpuUsPerRequest: (used.user + used.system) / done };
}

async function benchMain(): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "eyrie-console-bench-" });
  try {
    const certs = `${root}/certs`;
    await initCa({ dir: certs, algorithm: "ed25519" });
    await issueCert(certs, { kind: "server", name: "console" });
    await issueCert(certs, { kind: "client", name: "alice" });
    const on = AuthStore.open(`${root}/on`);
    await on.users.add("alice", "admin", null);
    const cookie = `eyrie_session=${await issueSession(sessionKey(on.db), on.users.get("alice")!)}`;
    on.close();

    const start = async (dataDir: string) => {
      const config = checkConfig({ data_dir: dataDir, console: { listen: "127.0.0.1:0" } }, "");
      const system = await System.start({ config, log: () => {}, children: [] });
      return { system, app: createApp(system) };
    };
    const off = await start(`${root}/off`);
    const withAuth = await start(`${root}/on`);
    const at = { hostname: "127.0.0.1", port: 0 };
    const rows: { label: string; rps: number; cpu: number }[] = [];

    const plain = await serve(off.app, at);
    const a = await load({ url: `${plain.url}/api/health` });
    rows.push({
      label: "HTTP (Deno.serve), auth off (anchor)",
      rps: a.rps,
      cpu: a.cpuUsPerRequest,
    });
    await plain.close();

    const plainOn = await serve(withAuth.app, at);
    const b = await load({ url: `${plainOn.url}/api/health`, cookie });
    rows.push({ label: "HTTP (Deno.serve), session cookie", rps: b.rps, cpu: b.cpuUsPerRequest });
    await plainOn.close();

    const serverTls = await loadServerTls(certs, { name: "console", clientAuth: "require" });
    const secure = await serve(withAuth.app, at, { tls: serverTls });
    const c = await load({
      url: `https://localhost:${secure.port}/api/health`,
      cert: `${certs}/client/alice.crt`,
      key: `${certs}/client/alice.key`,
      ca: `${certs}/ca.crt`,
    });
    rows.push({
      label: "HTTPS (node:https, TLS 1.3), client certificate",
      rps: c.rps,
      cpu: c.cpuUsPerRequest,
    });
    await secure.close();
    await serverTls.close();

    const inProcess = async (app: typeof off.app, headers?: Record<string, string>) => {
      const t0 = performance.now();
      for (let i = 0; i < IN_PROCESS_REQUESTS; i++) {
        const res = await app.fetch(new Request("http://127.0.0.1/api/health", { headers }));
        await res.arrayBuffer();
      }
      return (performance.now() - t0) * 1000 / IN_PROCESS_REQUESTS;
    };
    await inProcess(off.app); // warm-up
    const offUs = await inProcess(off.app);
    const onUs = await inProcess(withAuth.app, { cookie });

    console.log(
      `\n${CONCURRENCY} keep-alive requests in flight for ${SECONDS} s, GET /api/health, client in its own process\n`,
    );
    console.log("| path | requests/s | ÷ anchor | server CPU µs per request | ÷ anchor |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.label} | ${r.rps.toFixed(0)} | ${(r.rps / rows[0].rps).toFixed(2)} | ${
          r.cpu.toFixed(0)
        } | ${(r.cpu / rows[0].cpu).toFixed(2)} |`,
      );
    }
    console.log(
      `\n| app.fetch in process, ${IN_PROCESS_REQUESTS} requests | µs per request | ÷ anchor |`,
    );
    console.log("| --- | ---: | ---: |");
    console.log(`| auth off (anchor) | ${offUs.toFixed(1)} | 1.00 |`);
    console.log(`| auth on, session cookie | ${onUs.toFixed(1)} | ${(onUs / offUs).toFixed(2)} |`);
    await off.system.stop();
    await withAuth.system.stop();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (Deno.args[0] === "--client") await clientMain(JSON.parse(Deno.args[1]));
else await benchMain();
