/**
 * The real console app (createApp) over a System whose one camera runs its
 * real actors (camera, encoder, packetizer, viewer), with users in a
 * temporary state file, and requests made as any of them from any address:
 * the connection env the HTTP servers pass (ui/http/conn.ts) is given per
 * request, so tests can be several clients without several interfaces.
 */
import type { Hono } from "hono";
import { System } from "../../../actors/system/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { packetizerChild } from "../../../actors/packetizer/spec.ts";
import { viewerDemand } from "../../../actors/viewer/demand.ts";
import { createApp } from "../../../ui/http/app.ts";
import type { ConnEnv } from "../../../ui/http/conn.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { checkConfig } from "../../../ui/config/mod.ts";

export interface WhepApp extends AsyncDisposable {
  /** POST /api/cameras/cam/whep with `sdp`, from `address`, with a session cookie or none. */
  offer(sdp: string, from: { address: string; cookie?: string }): Promise<Response>;
  /** DELETE a session's Location. */
  close(location: string, from: { address: string; cookie?: string }): Promise<Response>;
  /** Signs in through POST /api/auth/login; returns the cookie. */
  login(name: string, password: string): Promise<string>;
  /** The viewer actor's latest stats (refreshed every second). */
  stats(): Record<string, unknown>;
}

/** Camera "cam" (320x240 at 15, x264, no recording, no motion); `users` enable auth. */
export async function startWhepApp(
  users: { name: string; password: string }[] = [],
): Promise<WhepApp> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-whep-app-" });
  const dataDir = `${dir}/data`;
  const config = checkConfig({
    data_dir: dataDir,
    console: { listen: "127.0.0.1:0" },
    camera: [{
      id: "cam",
      source: "test",
      width: 320,
      height: 240,
      fps: 15,
      encoder: "x264",
      detection: { motion: false },
    }],
  }, "");
  const store = AuthStore.open(dataDir);
  for (const u of users) await store.users.add(u.name, "admin", u.password);
  store.close();
  const system = await System.start({
    config,
    log: () => {},
    children: [cameraChild, encoderChild, packetizerChild],
  });
  const app: Hono = createApp(system);
  const request = (
    method: string,
    path: string,
    from: { address: string; cookie?: string },
    init: RequestInit = {},
  ) => {
    const headers = new Headers(init.headers);
    if (from.cookie !== undefined) headers.set("cookie", from.cookie);
    const env: ConnEnv = {
      conn: { remote: { address: from.address, port: 50000 }, secure: false, peer: null },
    };
    return Promise.resolve(
      app.fetch(new Request(`http://127.0.0.1:8080${path}`, { ...init, method, headers }), env),
    );
  };
  // The viewer actor starts beside the packetizer at the first offer; start it now, as one would.
  const node = system.cameras.get("cam")!;
  const demand = viewerDemand(node);
  const viewer = await demand.acquire();
  if (typeof viewer === "string") throw new Error(`the viewer actor did not start: ${viewer}`);
  demand.release();
  return {
    offer: (sdp, from) =>
      request("POST", "/api/cameras/cam/whep", from, {
        headers: { "content-type": "application/sdp" },
        body: sdp,
      }),
    close: (location, from) => request("DELETE", location, from),
    async login(name, password) {
      const res = await request("POST", "/api/auth/login", { address: "127.0.0.1" }, {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, password }),
      });
      if (res.status !== 200) throw new Error(`login ${name}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
      return res.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    },
    stats: () => (node.stats.get("viewer") ?? {}) as unknown as Record<string, unknown>,
    async [Symbol.asyncDispose]() {
      await system.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
