/**
 * DirectSender over stand-ins for the few werift fields it reads (the
 * sender's negotiated parameters and counters, the SRTP keys, the ICE
 * pair's socket): what goes out is decrypted with werift's own SRTP
 * receiver. The pair's socket is a real node:dgram socket on loopback, as
 * werift's is, which DirectSender borrows for sendmmsg batches; a stand-in
 * socket it cannot borrow takes the node:dgram path. NACKs cannot be provoked from a browser on loopback (nothing is
 * lost), so the resend path is driven here. Chromium decoding the direct
 * path end to end: tests/ui/console/browser_test.ts.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { RtpPacket, SrtpSession } from "werift";
import type { RTCDtlsTransport, RTCRtpSender } from "werift";
import { DirectSender } from "../../../actors/viewer/direct_send.ts";
import { PacketPool } from "../../../actors/viewer/fanout.ts";
import { ABS_SEND_TIME_URI, MID_URI } from "../../../actors/viewer/rtp_rewrite.ts";
import { recover, unwrapRed } from "../../transports/rtp/fec/_decoder.ts";

function camera(seq: number, ts: number, size: number): Buffer {
  const p = Buffer.alloc(12 + size);
  p[0] = 0x80;
  p[1] = 96;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE(ts >>> 0, 4);
  p.writeUInt32BE(0x11223344, 8);
  randomBytes(size).copy(p, 12);
  return p;
}

type Via = "batch" | "dgram";

function bound(): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket)));
}

/**
 * The pair's socket and what reaches the browser's end. "batch": werift's kind of socket
 * (node:dgram, bound) and a receiving socket; "dgram": a stand-in that records what it is
 * given (it has no address to borrow the socket by).
 */
async function pairSocket(via: Via) {
  const sent: { bytes: Buffer; port: number; host: string }[] = [];
  if (via === "dgram") {
    const socket = {
      send(
        msg: Uint8Array,
        offset: number,
        length: number,
        port: number,
        host: string,
        callback: (e: Error | null) => void,
      ) {
        sent.push({ bytes: Buffer.from(msg.subarray(offset, offset + length)), port, host });
        queueMicrotask(() => callback(null));
      },
    };
    return { socket, sent, remotePort: 50000, localPort: 50000, close: () => {} };
  }
  const socket = await bound();
  const browser = await bound();
  browser.on("message", (bytes, from) => {
    sent.push({ bytes: Buffer.from(bytes), port: from.port, host: from.address });
  });
  const close = () => {
    socket.close();
    browser.close();
  };
  return {
    socket,
    sent,
    remotePort: browser.address().port,
    localPort: socket.address().port,
    close,
  };
}

/** Waits until `n` packets were received (the stand-in has them at once). Bounded: 5 s. */
async function arrived(sent: unknown[], n: number): Promise<void> {
  for (let waited = 0; sent.length < n; waited += 5) {
    if (waited > 5000) throw new Error(`${sent.length} of ${n} packets arrived`);
    await new Promise((r) => setTimeout(r, 5));
  }
  // Anything more would be a packet too many: give it a moment to show.
  await new Promise((r) => setTimeout(r, 20));
}

async function setup(
  profile: "aes-cm" | "gcm" = "aes-cm",
  fec: { red: number; ulpfec: number } | null = null,
  via: Via = "batch",
) {
  const [k1, s1, k2, s2] = [randomBytes(16), randomBytes(14), randomBytes(16), randomBytes(14)];
  const keys = (lk: Buffer, ls: Buffer, rk: Buffer, rs: Buffer) =>
    new SrtpSession({
      keys: { localMasterKey: lk, localMasterSalt: ls, remoteMasterKey: rk, remoteMasterSalt: rs },
      profile: profile === "aes-cm" ? 1 : 7,
    });
  const ours = keys(k1, s1, k2, s2);
  const browser = keys(k2, s2, k1, s1);
  const { socket, sent, remotePort, localPort, close } = await pairSocket(via);
  let rtcpStarted = 0;
  const sender = {
    ssrc: 0xcafebabe,
    mid: "0",
    codec: { payloadType: 108 },
    headerExtensions: [{ id: 9, uri: MID_URI }, { id: 2, uri: ABS_SEND_TIME_URI }],
    packetCount: 0,
    octetCount: 0,
    ntpTimestamp: 0n,
    rtpTimestamp: 0,
    runRtcp: () => {
      rtcpStarted++;
      return Promise.resolve();
    },
  };
  const transport = {
    srtp: ours,
    bytesSent: 0,
    packetsSent: 0,
    iceTransport: {
      connection: {
        nominated: {
          protocol: { transport: { type: "udp", closed: false, socket } },
          remoteCandidate: { host: "127.0.0.1", port: remotePort },
        },
        canSendApplicationData: () => true,
      },
    },
  };
  const pool = new PacketPool();
  const direct = DirectSender.for(
    sender as unknown as RTCRtpSender,
    transport as unknown as RTCDtlsTransport,
    pool,
    fec,
  );
  return {
    direct,
    pool,
    sent,
    browser,
    sender,
    transport,
    localPort,
    close,
    rtcpStarted: () => rtcpStarted,
  };
}

for (const via of ["batch", "dgram"] as const) {
  Deno.test(`DirectSender sends each pool packet as this viewer's SRTP packet, contiguous and decryptable by werift (${via})`, async () => {
    const { direct, pool, sent, browser, sender, transport, rtcpStarted, localPort, close } =
      await setup("aes-cm", null, via);
    try {
      assert.ok(direct !== null);
      let done = 0;
      const packets: Buffer[] = [];
      // More than one batch (64), as a keyframe at a high rate would be; small enough that the
      // receiving socket's default buffer (208 KiB, each datagram's kernel memory counted) holds all.
      for (let i = 0; i < 150; i++) {
        packets.push(camera(1000 + 3 * i, 90_000 + 3000 * i, 300));
        pool.push(packets[i], 0, 0);
        assert.equal(direct.send(pool.head - 1, () => done++), true);
      }
      await Promise.resolve();
      assert.equal(done, 150, "every send completes");
      await arrived(sent, 150);
      assert.equal(sent.length, 150);
      const plain = sent.map((s) => RtpPacket.deSerialize(browser.decrypt(s.bytes)));
      const seq0 = plain[0].header.sequenceNumber;
      const ts0 = plain[0].header.timestamp;
      plain.forEach((p, i) => {
        assert.equal(p.header.sequenceNumber, (seq0 + i) & 0xffff, "in order, contiguous");
        assert.equal(p.header.timestamp, (ts0 + 3000 * i) >>> 0, "one offset: true to the camera");
        assert.equal(p.header.ssrc, 0xcafebabe);
        assert.equal(p.header.payloadType, 108);
        assert.deepEqual(
          p.header.extensions.map((e) => e.id).sort(),
          [2, 9],
          "mid and abs-send-time",
        );
        assert.deepEqual(p.payload, packets[i].subarray(12), "the camera's payload");
      });
      assert.deepEqual(sent[0].host, "127.0.0.1");
      if (via === "batch") {
        assert.equal(sent[0].port, localPort, "from the ICE pair's own socket");
      }
      assert.equal(direct.batching, via === "batch");
      assert.equal(direct.deferred, 0);
      assert.equal(sender.packetCount, 150);
      assert.equal(sender.octetCount, 150 * 300);
      assert.equal(transport.packetsSent, 150);
      assert.equal(rtcpStarted(), 1, "werift's sender reports start once");
    } finally {
      close();
    }
  });

  Deno.test(`DirectSender answers a NACK with the same packet (its own abs-send-time), and nothing for packets it no longer has (${via})`, async () => {
    const { direct, pool, sent, browser, close } = await setup("aes-cm", null, via);
    try {
      for (let i = 0; i < 10; i++) {
        pool.push(camera(i, 3000 * i, 500), 0, 0);
        direct!.send(pool.head - 1, () => {});
      }
      await arrived(sent, 10);
      const seqOf = (b: Buffer) => b.readUInt16BE(2);
      const lost = [
        seqOf(sent[3].bytes),
        seqOf(sent[7].bytes),
        (seqOf(sent[9].bytes) + 5) & 0xffff,
      ];
      const before = sent.length;
      direct!.resend(lost);
      await arrived(sent, before + 2);
      assert.equal(sent.length, before + 2, "two known packets resent, the unknown one not");
      const open = (b: Buffer) => RtpPacket.deSerialize(browser.decrypt(b));
      for (const [again, first] of [[before, 3], [before + 1, 7]]) {
        const a = open(sent[again].bytes);
        const b = open(sent[first].bytes);
        assert.equal(a.header.sequenceNumber, b.header.sequenceNumber);
        assert.equal(a.header.timestamp, b.header.timestamp);
        assert.deepEqual(a.payload, b.payload);
      }
      assert.equal(direct!.resent, 2);
      // Once the pool has dropped them, a NACK gets nothing.
      pool.clear();
      direct!.resend(lost);
      await arrived(sent, before + 2);
      assert.equal(sent.length, before + 2);
    } finally {
      close();
    }
  });
}

Deno.test("DirectSender sends nothing once werift has closed the pair's socket", async () => {
  const { direct, pool, sent, transport, close } = await setup();
  try {
    pool.push(camera(1, 3000, 500), 0, 0);
    direct!.send(pool.head - 1, () => {});
    await arrived(sent, 1);
    const t = transport.iceTransport.connection.nominated.protocol.transport;
    pool.push(camera(2, 6000, 500), 0, 0);
    let done = 0;
    direct!.send(pool.head - 1, () => done++);
    // werift marks its transport closed before it closes the socket; the batch waits for a microtask.
    t.closed = true;
    await Promise.resolve();
    assert.equal(done, 1, "the packet's send is over");
    assert.equal(direct!.send(pool.head - 1, () => done++), false, "nothing goes out after");
    await arrived(sent, 1);
    assert.equal(sent.length, 1);
  } finally {
    close();
  }
});

Deno.test("DirectSender does not apply to AES-GCM SRTP: werift's path serves it", async () => {
  const { direct, close } = await setup("gcm");
  close();
  assert.equal(direct, null);
});

Deno.test("DirectSender.moveTo() joins the other stream's timeline by capture time, keeps counting sequence numbers, and leaves the old stream's packets out of NACKs", async () => {
  const { direct, pool, sent, browser, close } = await setup();
  try {
    const ms = 1e6;
    for (let i = 0; i < 5; i++) {
      // Main stream: 20 fps (4500 ticks), captured every 50 ms.
      pool.push(camera(100 + i, 1_000_000 + 4500 * i, 300), 0, (1000 + 50 * i) * ms);
      direct!.send(pool.head - 1, () => {});
    }
    // The sub stream's timestamps have another origin; its next picture was captured 100 ms later.
    const sub = new PacketPool();
    direct!.moveTo(sub);
    for (let i = 0; i < 3; i++) {
      sub.push(camera(7000 + i, 3_000_000_000 + 9000 * i, 200), 0, (1300 + 100 * i) * ms);
      direct!.send(sub.head - 1, () => {});
    }
    await arrived(sent, 8);
    const open = sent.map((s) => RtpPacket.deSerialize(browser.decrypt(s.bytes)).header);
    const seq0 = open[0].sequenceNumber;
    open.forEach((h, i) => assert.equal(h.sequenceNumber, (seq0 + i) & 0xffff, "one count"));
    const ts = open.map((h) => h.timestamp);
    // 100 ms after the last main picture (captured at 1200 ms), at 90 kHz, then the sub's own steps.
    assert.equal((ts[5] - ts[4]) >>> 0, 100 * 90);
    assert.equal((ts[6] - ts[5]) >>> 0, 9000);
    assert.equal((ts[7] - ts[6]) >>> 0, 9000);
    // A NACK for a main-stream packet gets nothing once the viewer moved; a sub one is resent.
    const before = sent.length;
    direct!.resend([open[2].sequenceNumber, open[6].sequenceNumber]);
    await arrived(sent, before + 1);
    assert.equal(sent.length, before + 1);
    assert.equal(
      RtpPacket.deSerialize(browser.decrypt(sent[before].bytes)).header.timestamp,
      ts[6],
    );
  } finally {
    close();
  }
});

Deno.test("DirectSender with FEC on sends RED, then ULPFEC after each group, from which a lost packet is rebuilt; NACKs for FEC packets are answered", async () => {
  const { direct, pool, sent, browser, close } = await setup("aes-cm", { red: 123, ulpfec: 125 });
  try {
    direct!.setProtection(0.25);
    const packets: Buffer[] = [];
    // Two frames of 6 packets (marker on the last): two groups, two FEC packets each.
    for (let i = 0; i < 12; i++) {
      const p = camera(500 + i, 90_000 + 3000 * Math.floor(i / 6), 300 + 70 * i);
      if (i % 6 === 5) p[1] |= 0x80;
      packets.push(p);
      pool.push(p, 0, 0);
      direct!.send(pool.head - 1, () => {});
    }
    await arrived(sent, 16);
    const plain = sent.map((s) => new Uint8Array(browser.decrypt(s.bytes)));
    const got = plain.map((p) => unwrapRed(p, 123, 125));
    assert.deepEqual(
      got.map((u) => u.kind),
      [...Array(6).fill("media"), "fec", "fec", ...Array(6).fill("media"), "fec", "fec"],
    );
    const seq0 = got[0].seq;
    got.forEach((u, i) => assert.equal(u.seq, (seq0 + i) & 0xffff, "one sequence space"));
    assert.equal(direct!.fecPackets, 4);
    // Each media packet inside RED is the viewer's packet with H.264's payload type and the camera's payload.
    const media = got.filter((u) => u.kind === "media");
    media.forEach((u, i) => {
      const p = RtpPacket.deSerialize(Buffer.from(u.packet));
      assert.equal(p.header.payloadType, 108);
      assert.deepEqual(p.payload, packets[i].subarray(12));
    });
    // Lose any one media packet of the second frame: the FEC packets rebuild it, byte for byte.
    for (let lost = 8; lost < 14; lost++) {
      const received = new Map<number, Uint8Array>();
      for (const [i, u] of got.entries()) {
        if (i !== lost && u.kind === "media") received.set(u.seq, u.packet);
      }
      const fecs = got.filter((u) => u.kind === "fec");
      const rebuilt = fecs.map((f) => recover(f.fec, received, 0xcafebabe)).find((r) => r !== null);
      assert.deepEqual(rebuilt, (got[lost] as { packet: Uint8Array }).packet, `packet ${lost}`);
    }
    // A NACK for an FEC packet gets it again, same sequence number, same bytes.
    const before = sent.length;
    direct!.resend([got[6].seq]);
    await arrived(sent, before + 1);
    assert.equal(sent.length, before + 1);
    assert.deepEqual(
      unwrapRed(new Uint8Array(browser.decrypt(sent[before].bytes)), 123, 125),
      got[6],
    );
    // Off: plain packets again.
    direct!.setProtection(0);
    pool.push(camera(600, 99_000, 100), 0, 0);
    direct!.send(pool.head - 1, () => {});
    await arrived(sent, before + 2);
    const last = RtpPacket.deSerialize(browser.decrypt(sent[sent.length - 1].bytes));
    assert.equal(last.header.payloadType, 108);
  } finally {
    close();
  }
});
