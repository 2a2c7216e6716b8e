/**
 * The real console app (createApp) over a System whose cameras run no
 * actors, with users and grants in a temporary state file, and a way to
 * make requests as each of them: by session cookie (from the real login
 * route) or as a verified client certificate (the env the TLS server
 * passes).
 */
import type { Hono } from "hono";
import { System } from "../../../actors/system/mod.ts";
import type { PeerIdentity } from "../../../certs/mod.ts";
import { type AppServices, createApp } from "../../../ui/http/app.ts";
import type { ConnEnv } from "../../../ui/http/conn.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { DEFAULT_GRANT, type Grant } from "../../../ui/auth/grant.ts";
import { certSubject, userSubject } from "../../../ui/auth/grants.ts";
import { checkConfig } from "../../../ui/config/mod.ts";

/** Who a request is made as. */
export type As =
  | { kind: "anonymous" }
  | { kind: "session"; cookie: string }
  | { kind: "certificate"; peer: PeerIdentity };

export interface AuthApp extends AsyncDisposable {
  app: Hono;
  system: System;
  /** Every log record, as JSON text: for checks that secrets never appear. */
  logs(): string;
  store: AuthStore;
  dataDir: string;
  /** Signs in through POST /api/auth/login and returns the session's As. */
  login(name: string, password: string): Promise<As>;
  request(
    as: As,
    method: string,
    path: string,
    init?: RequestInit & { address?: string },
  ): Promise<Response>;
}

export function peer(cn: string, fingerprint256: string): PeerIdentity {
  return {
    cn,
    sans: [],
    fingerprint256,
    serial: "1A2B",
    notAfter: new Date(Date.now() + 86_400_000),
  };
}

/** Cameras "front" (1080p30: quality high) and "back" (640x480 at 15: low). */
export async function startAuthApp(
  users: {
    name: string;
    role: "admin" | "viewer";
    password: string | null;
    grant?: Grant | null;
  }[],
  certGrants: { fingerprint256: string; label: string; grant: Grant }[] = [],
  listen = "127.0.0.1:0",
  services: AppServices = {},
): Promise<AuthApp> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-access-test-" });
  const dataDir = `${dir}/data`;
  const config = checkConfig({
    data_dir: dataDir,
    console: { listen },
    // A console the network reaches needs [tls]: the config check refuses it without.
    tls: listen.startsWith("127.") ? undefined : {},
    camera: [{ id: "front", quality: "high" }, { id: "back", quality: "low" }],
  }, "");
  const store = AuthStore.open(dataDir);
  for (const u of users) {
    await store.users.add(u.name, u.role, u.password);
    if (u.grant !== undefined && u.grant !== null) {
      store.grants.set(userSubject(u.name), u.name, u.grant, "test");
    }
  }
  for (const c of certGrants) {
    store.grants.set(certSubject(c.fingerprint256), c.label, c.grant, "test");
  }
  const records: unknown[] = [];
  const system = await System.start({ config, log: (r) => records.push(r), children: [] });
  const app = createApp(system, services);
  const request: AuthApp["request"] = (as, method, path, init = {}) => {
    const headers = new Headers(init.headers);
    if (as.kind === "session") headers.set("cookie", as.cookie);
    const env: ConnEnv = {
      conn: {
        remote: { address: init.address ?? "127.0.0.1", port: 50000 },
        secure: as.kind === "certificate",
        peer: as.kind === "certificate" ? as.peer : null,
      },
    };
    return Promise.resolve(
      app.fetch(new Request(`http://127.0.0.1:8080${path}`, { ...init, method, headers }), env),
    );
  };
  return {
    app,
    system,
    store,
    dataDir,
    request,
    logs: () => records.map((r) => JSON.stringify(r)).join("\n"),
    async login(name, password) {
      const res = await request({ kind: "anonymous" }, "POST", "/api/auth/login", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, password }),
      });
      if (res.status !== 200) throw new Error(`login ${name}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
      const cookie = res.headers.getSetCookie()[0]?.split(";")[0] ?? "";
      return { kind: "session", cookie };
    },
    async [Symbol.asyncDispose]() {
      await system.stop();
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

export { DEFAULT_GRANT };
