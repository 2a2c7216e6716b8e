import assert from "node:assert/strict";
import {
  buildSdp,
  H264Payloader,
  JpegPayloader,
  PacketBuffer,
  parseSps,
  type Payloader,
  RtpPacketizer,
  splitAnnexB,
} from "../../../transports/rtp/mod.ts";
import { h264, jpegs } from "./_media.ts";
import { freePort, HAVE_FFPROBE, HAVE_GST, send, sleep, udpSender } from "./_peers.ts";

// A hand-assembled Constrained Baseline SPS for 320x240, level 3.0: profile 66,
// constraint flags 0xc0, level 30, then ue(0) ue(0) ue(2) ue(1) 0 ue(19) ue(14) 1 1 0 0 and the stop bit.
const SPS = Uint8Array.from([0x67, 0x42, 0xc0, 0x1e, 0xda, 0x05, 0x07, 0xe4]);
const PPS = Uint8Array.from([0x68, 0xce, 0x3c, 0x80]);

Deno.test("parseSps() reads the hand-assembled SPS: 320x240, profile-level-id 42c01e", () => {
  assert.deepEqual(parseSps(SPS), {
    profileIdc: 66,
    constraintFlags: 0xc0,
    levelIdc: 30,
    profileLevelId: "42c01e",
    width: 320,
    height: 240,
    reorderFrames: 0,
  });
});

Deno.test("buildSdp() describes an H.264 stream with packetization-mode, profile-level-id and sprop-parameter-sets", () => {
  const sdp = buildSdp({
    codec: "h264",
    address: "127.0.0.1",
    port: 5004,
    sps: SPS,
    pps: PPS,
    sessionId: 42,
  });
  assert.equal(
    sdp,
    [
      "v=0",
      "o=- 42 42 IN IP4 127.0.0.1",
      "s=eyrie",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      "m=video 5004 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=Z0LAHtoFB+Q=,aM48gA==",
      "a=recvonly",
      "",
    ].join("\r\n"),
  );
});

Deno.test("buildSdp() gives JPEG the static payload type 26 and a multicast group its TTL", () => {
  const sdp = buildSdp({ codec: "jpeg", address: "239.1.2.3", port: 6000, ttl: 4, framerate: 15 });
  assert.match(sdp, /\r\nc=IN IP4 239\.1\.2\.3\/4\r\n/);
  assert.match(
    sdp,
    /\r\nm=video 6000 RTP\/AVP 26\r\na=rtpmap:26 JPEG\/90000\r\na=framerate:15\r\n/,
  );
  const v6 = buildSdp({ codec: "jpeg", address: "ff0e::1", port: 6000 });
  assert.match(v6, /\r\nc=IN IP6 ff0e::1\r\n/);
  assert.match(v6, /IN IP6 ::1\r\n/);
});

Deno.test("buildSdp() rejects what an SDP cannot say", () => {
  assert.throws(
    () => buildSdp({ codec: "jpeg", address: "camera.local", port: 5004 }),
    /IPv4 or IPv6 address, got "camera.local"/,
  );
  assert.throws(() => buildSdp({ codec: "jpeg", address: "127.0.0.1", port: 0 }), RangeError);
  assert.throws(
    () => buildSdp({ codec: "h264", address: "127.0.0.1", port: 5004, sps: SPS }),
    /needs the PPS/,
  );
  assert.throws(
    () => buildSdp({ codec: "jpeg", address: "127.0.0.1", port: 5004, sessionName: "a\r\nb=c" }),
    TypeError,
  );
  assert.throws(
    () => buildSdp({ codec: "jpeg", address: "239.0.0.1", port: 5004, ttl: 0 }),
    RangeError,
  );
});

/** Runs ffprobe on an SDP file while frames are sent to its port; returns its JSON. */
async function probeWhileSending(
  sdp: string,
  port: number,
  payloader: Payloader,
  payloadType: number,
  frames: Uint8Array[],
) {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-sdp-" });
  await Deno.writeTextFile(`${dir}/stream.sdp`, sdp);
  const child = new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      "-protocol_whitelist",
      "file,udp,rtp",
      "-show_streams",
      // Decode ten packets' worth: the stream info must come from eyrie's
      // packets, not from the SDP's parameter sets alone.
      "-count_frames",
      "-read_intervals",
      "%+#10",
      "-of",
      "json",
      "-i",
      `${dir}/stream.sdp`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  let done = false;
  const output = child.output().finally(() => done = true);
  const socket = await udpSender();
  const packetizer = new RtpPacketizer(payloader, { payloadType, ssrc: 77 });
  const buf = new PacketBuffer();
  try {
    await sleep(300); // ffprobe opens its sockets after reading the file
    for (let f = 0; !done && f < 900; f++) {
      buf.clear();
      const n = packetizer.packetize({
        data: frames[f % frames.length],
        ptsNs: f * 33_333_333,
        captureNs: 0,
      }, buf);
      await send(socket, Array.from({ length: n }, (_, i) => buf.packet(i)), port);
      await sleep(10);
    }
  } finally {
    socket.close();
  }
  const out = await output;
  clearTimeout(killer);
  await Deno.remove(dir, { recursive: true });
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)).streams[0];
}

Deno.test({
  name: "ffprobe reads the SDP of an H.264 stream and finds 320x240 H.264 in eyrie's packets",
  ignore: !HAVE_FFPROBE || !HAVE_GST,
  async fn() {
    const set = await h264(30);
    const units = splitAnnexB(set.files[0]);
    const nal = (t: number) =>
      units.nal(Array.from({ length: units.count }, (_, i) => units.type(i)).indexOf(t));
    const port = await freePort();
    const sdp = buildSdp({ codec: "h264", address: "127.0.0.1", port, sps: nal(7), pps: nal(8) });
    const stream = await probeWhileSending(sdp, port, new H264Payloader(), 96, set.files);
    assert.equal(stream.codec_name, "h264");
    assert.ok(Number(stream.nb_read_frames) > 0, `frames decoded: ${stream.nb_read_frames}`);
    assert.equal(stream.width, 320);
    assert.equal(stream.height, 240);
  },
});

Deno.test({
  name: "ffprobe reads the SDP of a JPEG stream and finds 320x240 MJPEG in eyrie's packets",
  ignore: !HAVE_FFPROBE || !HAVE_GST,
  async fn() {
    const set = await jpegs("420");
    const port = await freePort();
    const sdp = buildSdp({ codec: "jpeg", address: "127.0.0.1", port });
    const stream = await probeWhileSending(sdp, port, new JpegPayloader(), 26, set.files);
    assert.equal(stream.codec_name, "mjpeg");
    assert.ok(Number(stream.nb_read_frames) > 0, `frames decoded: ${stream.nb_read_frames}`);
    assert.equal(stream.width, 320);
    assert.equal(stream.height, 240);
  },
});

Deno.test("buildSdp() with a control describes the stream for RTSP DESCRIBE: port 0, a=control, no direction", () => {
  const sdp = buildSdp({
    codec: "h264",
    address: "0.0.0.0",
    port: 0,
    sps: SPS,
    pps: PPS,
    control: "trackID=0",
  });
  assert.match(sdp, /\r\nm=video 0 RTP\/AVP 96\r\n/);
  assert.match(sdp, /\r\na=control:trackID=0\r\n$/);
  assert.doesNotMatch(sdp, /recvonly/);
  assert.throws(() => buildSdp({ codec: "h264", address: "0.0.0.0", port: 0 }), RangeError);
});
