/**
 * Half-open WHEP sessions against a real `eyrie run`: a client POSTs an
 * offer, gets its answer and never starts ICE (a browser tab closed
 * mid-handshake, a scanner). Each such session holds a werift peer
 * connection and a UDP socket until the viewer actor's connect timeout ends
 * it; afterwards nothing of it may stay. Counted in the process itself: the
 * UDP sockets it owns (its fds matched against /proc/PID/net/udp and udp6),
 * and the viewer actor's own count of sessions.
 */
import assert from "node:assert/strict";
import { offer } from "../../actors/viewer/_offers.ts";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady, viewerStats } from "./_whep.ts";
import { MAX_CONNECTING_PER_CLIENT } from "../../../actors/viewer/admission.ts";
import { CONNECT_TIMEOUT_MS } from "../../../actors/viewer/health.ts";

/** Rounds of half-open offers; each round is as many as one client may have connecting. */
const ROUNDS = 3;
/** Bound on each wait: the connect timeout, the actor's 50 ms ticks and a loaded machine. */
const WAIT_MS = CONNECT_TIMEOUT_MS + 20_000;

/** The inodes of the UDP sockets in `pid`'s network namespace. */
function udpInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["udp", "udp6"]) {
    const text = Deno.readTextFileSync(`/proc/${pid}/net/${table}`);
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** How many UDP sockets `pid` holds open. */
function udpSockets(pid: number): number {
  const udp = udpInodes(pid);
  let n = 0;
  for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m !== null && udp.has(m[1])) n++;
  }
  return n;
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (v: T) => boolean) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

Deno.test("half-open WHEP sessions end at the connect timeout and leave no UDP socket or session behind", async () => {
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
`);
  const eyrie = await startEyrie(cfg.file);
  try {
    const pid = eyrie.process.pid;
    await viewerReady(eyrie.url, "front");
    const post = async () => {
      const res = await fetch(`${eyrie.url}/api/cameras/front/whep`, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: offer(),
      });
      const text = await res.text();
      assert.equal(res.status, 201, text);
      assert.match(text, /a=ice-ufrag:/);
    };
    // Before any offer: the camera's own sockets, if any (the viewer actor starts with the first).
    const baseline = udpSockets(pid);
    const ended = (s: Record<string, unknown>) => (s.ended as Record<string, number> | undefined);
    for (let round = 1; round <= ROUNDS; round++) {
      for (let i = 0; i < MAX_CONNECTING_PER_CLIENT; i++) await post();
      const open = udpSockets(pid);
      assert.ok(
        open >= baseline + MAX_CONNECTING_PER_CLIENT,
        `each half-open session holds a socket while it connects: ${open}, baseline ${baseline}`,
      );
      const want = round * MAX_CONNECTING_PER_CLIENT;
      const stats = await until(
        `round ${round}'s sessions ending`,
        () => viewerStats(eyrie.url, "front"),
        (s) => ended(s)?.connect_timeout === want && s.connecting === 0,
      );
      assert.equal(stats.started, want);
      assert.deepEqual(stats.sessions, []);
      await until(`round ${round}'s sockets closing`, () => udpSockets(pid), (n) => n <= baseline);
    }
    assert.equal(udpSockets(pid), baseline);
  } finally {
    await eyrie.stop();
  }
});
