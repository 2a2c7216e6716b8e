/**
 * The WHEP client of `eyrie view`: a werift peer that offers to receive one
 * H.264 video track, POSTs the offer to the camera's WHEP URL and hands every
 * RTP packet and sender report it receives to the viewer. `close()` ends the
 * session with a DELETE of its Location, as WHEP asks.
 *
 * @module
 */
import {
  RTCPeerConnection,
  type RtcpPacket,
  RtcpSrPacket,
  RTCRtpCodecParameters,
  useNACK,
  usePLI,
} from "werift";
import type { StreamInput, StreamSink } from "./input.ts";

/** How long ICE may take to gather host candidates. Reason: host-only gathering is local. */
const GATHER_MS = 5_000;
/** How long the connection may take once answered (ICE checks + DTLS). */
const CONNECT_MS = 10_000;

function h264(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: "video/H264",
    clockRate: 90_000,
    rtcpFeedback: [useNACK(), usePLI()],
    parameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
  });
}

/** The WHEP endpoint of a URL: `…/api/cameras/<id>` gets `/whep` appended. */
export function whepEndpoint(url: URL): URL {
  const u = new URL(url);
  if (/\/api\/cameras\/[a-z0-9-]+\/?$/.test(u.pathname)) {
    u.pathname = u.pathname.replace(/\/?$/, "/whep");
  }
  return u;
}

/** Opens a WHEP session at `url`; resolves once the peer connection is up. */
export async function openWhep(url: URL, sink: StreamSink): Promise<StreamInput> {
  const endpoint = whepEndpoint(url);
  const loopback = /^(127\.|localhost$|\[::1\]$)/.test(endpoint.hostname);
  const pc = new RTCPeerConnection({
    codecs: { video: [h264()], audio: [] },
    iceServers: [],
    // werift leaves loopback out of its host candidates; eyrie's console is often there.
    ...(loopback ? { iceAdditionalHostAddresses: ["127.0.0.1"], iceUseIpv6: false } : {}),
  });
  let location: URL | null = null;
  let ended: (why: string) => void = () => {};
  const end = new Promise<string>((resolve) => (ended = resolve));
  let mediaSsrc = -1;
  const transceiver = pc.addTransceiver("video", { direction: "recvonly" });
  transceiver.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      mediaSsrc = rtp.header.ssrc;
      sink.packet(rtp.serialize(), performance.now() * 1e6);
    });
  });
  transceiver.receiver.onRtcp.subscribe((p: RtcpPacket) => {
    if (!(p instanceof RtcpSrPacket)) return;
    const ntp = p.senderInfo.ntpTimestamp;
    sink.senderReport({
      ssrc: p.ssrc,
      ntpSeconds: Number(ntp >> 32n),
      ntpFraction: Number(ntp & 0xffff_ffffn),
      rtpTimestamp: p.senderInfo.rtpTimestamp,
    });
  });
  pc.connectionStateChange.subscribe((state) => {
    if (state === "failed") ended("the WebRTC connection failed");
    if (state === "closed" || state === "disconnected") ended("the WebRTC connection closed");
  });
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await within(GATHER_MS, "ICE gathering", gathered(pc));
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: pc.localDescription!.sdp,
    });
    const answer = await res.text();
    if (res.status !== 201) {
      throw new Error(
        `${endpoint} answered ${res.status} ${res.statusText}: ${answer.trim().slice(0, 200)}`,
      );
    }
    const where = res.headers.get("location");
    if (where !== null) location = new URL(where, endpoint);
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    await within(CONNECT_MS, "the WebRTC connection", connected(pc));
  } catch (error) {
    await pc.close().catch(() => {});
    throw error;
  }
  return {
    what: `WHEP ${endpoint}`,
    ended: end,
    requestKeyframe() {
      if (mediaSsrc >= 0) transceiver.receiver.sendRtcpPLI(mediaSsrc).catch(() => {});
    },
    async close() {
      if (location !== null) {
        await fetch(location, { method: "DELETE" }).then((r) => r.body?.cancel()).catch(() => {});
      }
      await pc.close().catch(() => {});
    },
  };
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve());
  });
}

function connected(pc: RTCPeerConnection): Promise<void> {
  if (pc.connectionState === "connected") return Promise.resolve();
  return new Promise((resolve, reject) => {
    pc.connectionStateChange.subscribe((s) => {
      if (s === "connected") resolve();
      if (s === "failed" || s === "closed") reject(new Error(`The WebRTC connection ${s}`));
    });
  });
}

async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
