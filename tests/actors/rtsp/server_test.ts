/**
 * The RTSP server in a real `eyrie run`, spoken to byte by byte: malformed
 * requests (no or bad CSeq, unknown methods, huge heads and bodies,
 * interleaved garbage, not RTSP at all) each get a clear status, the
 * framing-breaking ones then a close, and neither the server nor a camera
 * restarts; a client that vanishes without TEARDOWN is reaped after the
 * session timeout, one that keeps its session alive is not, and one killed
 * mid-stream over TCP ends its session at once.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { bytes, READER_CASES } from "../../transports/rtsp/_cases.ts";
import { applyMutations } from "../../fuzz/_bytes.ts";
import { RawClient } from "./_client.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[rtsp]
listen = "127.0.0.1:0"
session_timeout_s = 2
[[camera]]
id = "h"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 15
encoder = "x264"
gop = 30
`;

interface RtspState {
  state: string;
  listen: string;
  sessions: { id: string; transport: string; packets: number }[];
  sessionsReaped: number;
  malformed: number;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function withEyrie(
  run: (ctx: { url: string; rtsp: string; state: () => Promise<RtspState> }) => Promise<void>,
) {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  try {
    const state = async () => (await (await fetch(`${eyrie.url}/api/rtsp`)).json()) as RtspState;
    const up = await until("the RTSP server", async () => {
      const s = await state();
      return s.state === "up" ? s : undefined;
    });
    await run({ url: eyrie.url, rtsp: up.listen, state });
    const health = await (await fetch(`${eyrie.url}/api/health`)).json();
    for (const a of health.actors as { id: string; restarts: number }[]) {
      assert.equal(a.restarts, 0, `${a.id} restarted: ${JSON.stringify(health.actors)}`);
    }
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
}

Deno.test("malformed RTSP requests get a clear status, framing errors a close, and nothing restarts", async () => {
  await withEyrie(async ({ rtsp, state }) => {
    const base = `rtsp://${rtsp}`;
    // Requests that are framed: answered, and the connection goes on.
    const c = await RawClient.open(rtsp);
    await c.send("OPTIONS * RTSP/1.0\r\n\r\n");
    let r = await c.response();
    assert.equal(r?.status, 400);
    assert.equal(r?.headers.has("cseq"), false);
    assert.match(r!.body, /CSeq/);
    await c.send("OPTIONS * RTSP/1.0\r\nCSeq: abc\r\n\r\n");
    assert.equal((await c.response())?.status, 400);
    await c.request("FETCH", `${base}/h`, 3);
    r = await c.response();
    assert.equal(r?.status, 501);
    assert.match(r!.headers.get("public")!, /DESCRIBE/);
    await c.request("ANNOUNCE", `${base}/h`, 4);
    r = await c.response();
    assert.equal(r?.status, 405);
    assert.match(r!.headers.get("allow")!, /PLAY/);
    await c.send(`OPTIONS * RTSP/2.0\r\nCSeq: 5\r\n\r\n`);
    assert.equal((await c.response())?.status, 505);
    await c.request("DESCRIBE", `${base}/nosuch`, 6);
    assert.equal((await c.response())?.status, 404);
    await c.request("DESCRIBE", `${base}/h/../h`, 7);
    assert.equal((await c.response())?.status, 404);
    await c.request("SETUP", `${base}/h/trackID=0`, 8, { Transport: "RTP/AVP;multicast" });
    r = await c.response();
    assert.equal(r?.status, 461);
    assert.match(r!.body, /multicast/);
    await c.request("PLAY", `${base}/h`, 9);
    assert.equal((await c.response())?.status, 454);
    await c.request("PLAY", `${base}/h`, 10, { Session: "0000000000000000" });
    assert.equal((await c.response())?.status, 454);
    await c.request("SET_PARAMETER", `${base}/h`, 11, { "Content-Length": "5" });
    await c.send("x=1\r\n");
    assert.equal((await c.response())?.status, 451);
    // Interleaved frames on channels nobody set up, one past what is read: passed over.
    const garbage = new Uint8Array(4 + 16 + 4 + 65535);
    garbage.set([0x24, 5, 0, 16]);
    garbage.set([0x24, 0, 0xff, 0xff], 20);
    crypto.getRandomValues(garbage.subarray(24, 24 + 60000));
    garbage.fill(0x24, 24 + 60000);
    await c.send(garbage);
    await c.request("OPTIONS", "*", 12);
    r = await c.response();
    assert.equal(r?.status, 200);
    assert.equal(r?.headers.get("cseq"), "12");
    c.close();

    // Bytes that lose the framing: a status that says why, then the server closes.
    const broken: [string, Uint8Array, number][] = [
      [
        "a 9 KB header",
        bytes(`OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: ${"a".repeat(9000)}\r\n\r\n`),
        400,
      ],
      [
        "a 100 KB body",
        bytes("SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 100000\r\n\r\n"),
        413,
      ],
      [
        "a 3 KB target",
        bytes(`DESCRIBE ${base}/${"x".repeat(3000)} RTSP/1.0\r\nCSeq: 1\r\n\r\n`),
        414,
      ],
      ["HTTP", bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 400],
      [
        "a TLS ClientHello",
        Uint8Array.from([0x16, 3, 1, 0, 0x40, 1, 0, 0, 0x3c, 3, 3, 13, 10, 13, 10]),
        400,
      ],
    ];
    for (const [what, wire, status] of broken) {
      const b = await RawClient.open(rtsp);
      await b.send(wire);
      const answer = await b.response();
      assert.equal(answer?.status, status, what);
      assert.ok(answer!.body.length > 0, `${what}: a reason`);
      assert.ok(await b.closedByServer(), `${what}: closed`);
      b.close();
    }

    // Mutated real requests, 40 connections at once: each answered or closed, none hangs.
    const seeds = READER_CASES.map((k) => bytes(k.wire.replaceAll("127.0.0.1:8554", rtsp)));
    const mutants = Array.from({ length: 40 }, (_, i) =>
      applyMutations(seeds[i % seeds.length], [
        { kind: "flip", at: i * 7919, bits: 1 + (i % 255) },
        { kind: "insert", at: i * 104729, bytes: Uint8Array.of(0, 0x24, 0xff, 13, 10) },
      ], seeds));
    await Promise.all(mutants.map(async (m) => {
      const k = await RawClient.open(rtsp);
      await k.send(m);
      await k.send("\r\n\r\n");
      const answered = await k.response(5000);
      assert.ok(answered !== null || await k.closedByServer(1000), "neither answered nor closed");
      k.close();
    }));

    // Debian's VLC has no live555 (--disable-live555): rtsp:// goes to its SAT>IP client, which
    // asks for "stream=0" under the SETUP URL. It gets a 404 naming the URL, and tears down.
    const vlc = await vlcTries(`${base}/h`);
    if (vlc !== null) {
      assert.match(vlc, /satip stream error: Failed to play RTSP session/);
      await until(
        "VLC's session to end",
        async () => ((await state()).sessions.length === 0 ? true : undefined),
      );
    }

    // Stats come once a second.
    const s = await until("the refusals counted", async () => {
      const now = await state();
      return now.malformed >= broken.length ? now : undefined;
    });
    assert.equal(s.sessions.length, 0);
  });
});

/** What cvlc logs trying `url` for 2 s (as nobody when root: VLC refuses root), or null without cvlc. */
async function vlcTries(url: string): Promise<string | null> {
  try {
    Deno.statSync("/usr/bin/cvlc");
  } catch {
    return null;
  }
  const vlc = ["cvlc", "-I", "dummy", "--no-audio", "--run-time=2", "--play-and-exit", url];
  const args = Deno.uid() === 0
    ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", ...vlc]
    : vlc;
  const out = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

/** A UDP socket pair (even RTP port, RTCP next) that counts what arrives. */
async function udpPair() {
  for (;;) {
    const rtp = dgram.createSocket("udp4");
    await new Promise<void>((r) => rtp.bind(0, "127.0.0.1", r));
    const port = rtp.address().port;
    const rtcp = dgram.createSocket("udp4");
    const ok = port % 2 === 0 && await new Promise<boolean>((r) => {
      rtcp.once("error", () => r(false));
      rtcp.bind(port + 1, "127.0.0.1", () => r(true));
    });
    if (!ok) {
      rtp.close();
      rtcp.close();
      continue;
    }
    const counts = { rtp: 0, rtcp: 0 };
    rtp.on("message", () => counts.rtp++);
    rtcp.on("message", () => counts.rtcp++);
    return {
      port,
      counts,
      close() {
        rtp.close();
        rtcp.close();
      },
    };
  }
}

Deno.test("a client that vanishes without TEARDOWN is reaped after the session timeout; one that keeps alive is not", async () => {
  await withEyrie(async ({ rtsp, state }) => {
    const base = `rtsp://${rtsp}`;

    // UDP: the client leaves its TCP connection and never sends RTCP.
    const udp = await udpPair();
    try {
      const c = await RawClient.open(rtsp);
      await c.request("DESCRIBE", `${base}/h`, 1, { Accept: "application/sdp" });
      const described = await c.response();
      assert.equal(described?.status, 200);
      assert.match(described!.body, /a=control:trackID=0/);
      await c.request("SETUP", `${base}/h/trackID=0`, 2, {
        Transport: `RTP/AVP;unicast;client_port=${udp.port}-${udp.port + 1}`,
      });
      const setup = await c.response();
      assert.equal(setup?.status, 200);
      const session = setup!.headers.get("session")!.split(";")[0];
      assert.match(setup!.headers.get("session")!, /;timeout=2$/);
      await c.request("PLAY", `${base}/h`, 3, { Session: session });
      const play = await c.response();
      assert.equal(play?.status, 200);
      assert.match(
        play!.headers.get("rtp-info")!,
        /^url=rtsp:\/\/.*\/h\/trackID=0;seq=\d+;rtptime=\d+$/,
      );
      await until("RTP over UDP", () => Promise.resolve(udp.counts.rtp > 20 ? true : undefined));
      c.close();
      const before = (await state()).sessionsReaped;
      await until("the vanished UDP session to be reaped", async () => {
        const s = await state();
        return s.sessions.length === 0 && s.sessionsReaped === before + 1 ? true : undefined;
      });
      await new Promise((r) => setTimeout(r, 300));
      const stopped = udp.counts.rtp;
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(udp.counts.rtp, stopped, "RTP goes on after the session was reaped");
    } finally {
      udp.close();
    }

    // TCP: the client stops reading and stays silent; the server ends the session and the connection.
    const t = await RawClient.open(rtsp);
    await t.request("SETUP", `${base}/h/trackID=0`, 1, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    const setup = await t.response();
    assert.equal(setup?.status, 200);
    assert.match(setup!.headers.get("transport")!, /interleaved=0-1/);
    await t.request("PLAY", `${base}/h`, 2, {
      Session: setup!.headers.get("session")!.split(";")[0],
    });
    assert.equal((await t.response())?.status, 200);
    await t.drain(500);
    assert.ok((t.frames.get(0) ?? 0) > 0, "no interleaved RTP");
    const reaped = (await state()).sessionsReaped;
    await until("the silent TCP session to be reaped", async () => {
      const s = await state();
      return s.sessions.length === 0 && s.sessionsReaped > reaped ? true : undefined;
    });
    assert.ok(await t.closedByServer(5000), "the connection of a reaped TCP session stays open");
    t.close();

    // ffmpeg keeps its sessions alive (GET_PARAMETER, RTCP) well past the 2 s timeout.
    const kept = (await state()).sessionsReaped;
    for (const transport of ["udp", "tcp"]) {
      const out = await new Deno.Command("ffprobe", {
        args: [
          "-v",
          "error",
          "-rtsp_transport",
          transport,
          "-select_streams",
          "v",
          "-count_packets",
          "-show_entries",
          "stream=nb_read_packets",
          "-read_intervals",
          "%+6",
          "-of",
          "csv=p=0",
          `${base}/h`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(30_000),
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.ok(
        Number(new TextDecoder().decode(out.stdout).trim()) >= 60,
        "fewer than 60 frames in 6 s",
      );
    }
    assert.equal((await state()).sessionsReaped, kept, "a live ffmpeg session was reaped");

    // ffmpeg over TCP killed mid-stream: the connection closes, the session ends at once.
    const ffmpeg = new Deno.Command("ffmpeg", {
      args: [
        "-v",
        "error",
        "-rtsp_transport",
        "tcp",
        "-i",
        `${base}/h`,
        "-c",
        "copy",
        "-f",
        "null",
        "-",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await until(
      "ffmpeg's session",
      async () => ((await state()).sessions.length === 1 ? true : undefined),
    );
    ffmpeg.kill("SIGKILL");
    await ffmpeg.status;
    await until(
      "the killed client's session to end",
      async () => ((await state()).sessions.length === 0 ? true : undefined),
      3000,
    );
  });
});
