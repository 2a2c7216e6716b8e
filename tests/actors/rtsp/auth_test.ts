/**
 * Who may watch over RTSP, in a real `eyrie run` with users: Digest with
 * the user's RTSP password (ffprobe and GStreamer's rtspsrc sign in), the
 * grant's cameras (403 for the others), no credentials or wrong ones (401
 * with a challenge), Basic refused on a plain connection, a nonce from
 * another connection (401, stale), the sign-in limit (503 with
 * Retry-After), and a server the network reaches with nobody to sign in
 * refused by `eyrie config check`.
 */
import assert from "node:assert/strict";
import { RTSP_REALM } from "../../../actors/defs.ts";
import { DEFAULT_GRANT } from "../../../ui/auth/grant.ts";
import { userSubject } from "../../../ui/auth/grants.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { digestHa1, digestResponse } from "../../../transports/rtsp/mod.ts";
import { eyrie, startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { RawClient } from "./_client.ts";
import { rtspsrcDecodes } from "../../_rtspsrc.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[rtsp]
listen = "127.0.0.1:0"
[[camera]]
id = "h"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
gop = 15
[[camera]]
id = "j"
source = "test"
width = 320
height = 240
fps = 10
codec = "mjpeg"
`;

async function ffprobe(url: string) {
  const out = await new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      "-select_streams",
      "v",
      "-count_frames",
      "-show_entries",
      "stream=nb_read_frames",
      "-read_intervals",
      "%+2",
      "-of",
      "csv=p=0",
      url,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  const d = new TextDecoder();
  return {
    code: out.code,
    frames: Number(d.decode(out.stdout).trim() || 0),
    stderr: d.decode(out.stderr),
  };
}

function digestHeader(user: string, password: string, method: string, uri: string, nonce: string) {
  const credentials = {
    username: user,
    realm: RTSP_REALM,
    nonce,
    uri,
    response: "",
    algorithm: null,
    qop: null,
    nc: null,
    cnonce: null,
  };
  const response = digestResponse(digestHa1(user, RTSP_REALM, password), method, credentials);
  return `Digest username="${user}", realm="${RTSP_REALM}", nonce="${nonce}", uri="${uri}", response="${response}"`;
}

Deno.test("RTSP sign-in: Digest with the user's RTSP password, the grant's cameras only, and clear refusals", async (t) => {
  await using cfg = await tempConfig(CONFIG);
  const store = AuthStore.open(`${cfg.dir}/data`);
  try {
    await store.users.add("bob", "viewer", "console-password-1");
    store.grants.set(userSubject("bob"), "bob", { ...DEFAULT_GRANT, cameras: ["h"] }, "test");
    store.users.setRtspPassword("bob", "rtsp-password-1");
    await store.users.add("alice", "admin", "console-password-0");
    await store.users.add("carol", "viewer", "console-password-2");
    store.grants.set(userSubject("carol"), "carol", { ...DEFAULT_GRANT, cameras: "*" }, "test");
  } finally {
    store.close();
  }
  const running = await startEyrie(cfg.file);
  try {
    // The console wants a sign-in now: /api/rtsp is for admins.
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "alice", password: "console-password-0" }),
    });
    assert.equal(login.status, 200);
    await login.body?.cancel();
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    let s = { state: "", listen: "" };
    for (let i = 0; s.state !== "up" && i < 100; i++) {
      s = await (await fetch(`${running.url}/api/rtsp`, { headers: { cookie } })).json();
      if (s.state !== "up") await new Promise((r) => setTimeout(r, 100));
    }
    const rtsp: string = s.listen;
    const base = `rtsp://${rtsp}`;

    await t.step("ffprobe signs in with Digest and decodes a camera of the grant", async () => {
      const r = await ffprobe(`rtsp://bob:rtsp-password-1@${rtsp}/h`);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.frames >= 10, `${r.frames} frames`);
    });

    await t.step("GStreamer's rtspsrc signs in with Digest and decodes", async () => {
      const r = await rtspsrcDecodes(`${base}/h`, "rtph264depay ! avdec_h264", {
        buffers: 20,
        rtspsrc: ["user-id=bob", "user-pw=rtsp-password-1"],
        timeoutMs: 30_000,
      });
      assert.ok(r.ok, r.output);
    });

    await t.step(
      "a camera outside the grant is 403; wrong or missing RTSP passwords are 401",
      async () => {
        let r = await ffprobe(`rtsp://bob:rtsp-password-1@${rtsp}/j`);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /403/);
        r = await ffprobe(`rtsp://bob:console-password-1@${rtsp}/h`);
        assert.match(r.stderr, /401/);
        // carol has a console password and every camera, but no RTSP password.
        r = await ffprobe(`rtsp://carol:console-password-2@${rtsp}/h`);
        assert.match(r.stderr, /401/);
        r = await ffprobe(`${base}/h`);
        assert.match(r.stderr, /401/);
      },
    );

    await t.step(
      "the challenge, Basic in clear text, and a nonce from another connection",
      async () => {
        const c = await RawClient.open(rtsp);
        await c.request("OPTIONS", "*", 1);
        assert.equal((await c.response())?.status, 200, "OPTIONS needs no sign-in");
        await c.request("DESCRIBE", `${base}/h`, 2);
        const challenge = await c.response();
        assert.equal(challenge?.status, 401);
        const m = /^Digest realm="eyrie", nonce="([0-9a-f]{32})", algorithm=MD5$/.exec(
          challenge!.headers.get("www-authenticate")!,
        );
        assert.ok(m, challenge!.headers.get("www-authenticate") ?? "no challenge");
        const nonce = m[1];
        await c.request("DESCRIBE", `${base}/h`, 3, {
          Authorization: `Basic ${btoa("bob:rtsp-password-1")}`,
        });
        const basic = await c.response();
        assert.equal(basic?.status, 401);
        assert.match(basic!.body, /clear text/);
        await c.request("DESCRIBE", `${base}/h`, 4, {
          Authorization: digestHeader("bob", "rtsp-password-1", "DESCRIBE", `${base}/h`, nonce),
        });
        const ok = await c.response();
        assert.equal(ok?.status, 200);
        assert.equal(ok?.headers.get("content-type"), "application/sdp");
        // The same answer on another connection: its nonce is not this one's.
        const other = await RawClient.open(rtsp);
        await other.request("DESCRIBE", `${base}/h`, 1, {
          Authorization: digestHeader("bob", "rtsp-password-1", "DESCRIBE", `${base}/h`, nonce),
        });
        const stale = await other.response();
        assert.equal(stale?.status, 401);
        assert.match(stale!.headers.get("www-authenticate")!, /stale=TRUE/);
        c.close();
        other.close();
      },
    );

    await t.step(
      "guesses past the sign-in limit get 503 with Retry-After, even the right password",
      async () => {
        const c = await RawClient.open(rtsp);
        await c.request("DESCRIBE", `${base}/h`, 1);
        const nonce =
          /nonce="([^"]+)"/.exec((await c.response())!.headers.get("www-authenticate")!)![1];
        // The steps before failed a few times from this address already; five in all are allowed.
        const statuses: number[] = [];
        for (let i = 0; i < 6 && statuses.at(-1) !== 503; i++) {
          await c.request("DESCRIBE", `${base}/h`, 2 + i, {
            Authorization: digestHeader("bob", `guess-${i}-wrong`, "DESCRIBE", `${base}/h`, nonce),
          });
          statuses.push((await c.response())!.status);
        }
        assert.equal(statuses.at(-1), 503, statuses.join(","));
        assert.ok(statuses.slice(0, -1).every((x) => x === 401), statuses.join(","));
        await c.request("DESCRIBE", `${base}/h`, 9, {
          Authorization: digestHeader("bob", "rtsp-password-1", "DESCRIBE", `${base}/h`, nonce),
        });
        const limited = await c.response();
        assert.equal(limited?.status, 503);
        assert.ok(Number(limited!.headers.get("retry-after")) > 0);
        c.close();
      },
    );
  } finally {
    assert.equal(await running.stop(), 0);
  }
});

Deno.test("an RTSP server the network reaches is refused while nobody can sign in", async () => {
  await using cfg = await tempConfig(`
[rtsp]
listen = "0.0.0.0:18554"
[[camera]]
id = "h"
source = "test"
`);
  const refused = await eyrie(["config", "check", cfg.file]);
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /rtsp\.listen.*"0\.0\.0\.0:18554" is reachable from the network, but nobody can sign in/,
  );
  const store = AuthStore.open(`${cfg.dir}/data`);
  try {
    await store.users.add("alice", "admin", "console-password-1");
  } finally {
    store.close();
  }
  const ok = await eyrie(["config", "check", cfg.file]);
  assert.equal(ok.code, 0, ok.stderr);
});
