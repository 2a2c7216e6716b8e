/** WHEP offers shaped like Chromium 156's (recvonly video, optional audio), for the offer tests. */

export interface OfferShape {
  /** Video formats: [payload type, rtpmap codec, fmtp or ""]. Default: Chromium's VP8 + H.264 set. */
  video?: Array<[number, string, string]>;
  audio?: boolean;
  direction?: string;
  ice?: boolean;
  fingerprint?: boolean;
  rtcpMux?: boolean;
  proto?: string;
  extra?: string[];
}

export const CHROMIUM_VIDEO: Array<[number, string, string]> = [
  [96, "VP8/90000", ""],
  [97, "rtx/90000", "apt=96"],
  [102, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"],
  [103, "rtx/90000", "apt=102"],
  [104, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f"],
  [108, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"],
  [109, "rtx/90000", "apt=108"],
  [116, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f"],
  [45, "AV1/90000", "level-idx=5;profile=0;tier=0"],
];

/** RED, its RTX and ULPFEC, as Chromium 156 offers them after its video codecs. */
export const CHROMIUM_FEC: Array<[number, string, string]> = [
  [123, "red/90000", ""],
  [124, "rtx/90000", "apt=123"],
  [125, "ulpfec/90000", ""],
];

export function offer(shape: OfferShape = {}): string {
  const video = shape.video ?? CHROMIUM_VIDEO;
  const lines = [
    "v=0",
    "o=- 2553417012447761788 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    `a=group:BUNDLE 0${shape.audio ? " 1" : ""}`,
    "a=extmap-allow-mixed",
    "a=msid-semantic: WMS",
    `m=video 9 ${shape.proto ?? "UDP/TLS/RTP/SAVPF"} ${video.map((v) => v[0]).join(" ")}`,
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    ...(shape.ice === false ? [] : ["a=ice-ufrag:Vzyu", "a=ice-pwd:a4dBw4RkTjY1wnQPX+BiYuyk"]),
    "a=ice-options:trickle",
    ...(shape.fingerprint === false ? [] : [
      "a=fingerprint:sha-256 FC:F9:38:81:2F:74:CD:D7:E6:39:46:5C:7B:14:BD:76:FF:08:2F:45:33:F7:EC:A1:2A:FB:22:F9:42:20:05:94",
    ]),
    "a=setup:actpass",
    "a=mid:0",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid",
    `a=${shape.direction ?? "recvonly"}`,
    ...(shape.rtcpMux === false ? [] : ["a=rtcp-mux"]),
    "a=rtcp-rsize",
  ];
  for (const [pt, codec, fmtp] of video) {
    lines.push(`a=rtpmap:${pt} ${codec}`);
    if (!codec.startsWith("rtx")) {
      for (const fb of ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]) {
        lines.push(`a=rtcp-fb:${pt} ${fb}`);
      }
    }
    if (fmtp !== "") lines.push(`a=fmtp:${pt} ${fmtp}`);
  }
  if (shape.audio) {
    lines.push(
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
      "c=IN IP4 0.0.0.0",
      "a=mid:1",
      "a=recvonly",
      "a=rtcp-mux",
      "a=rtpmap:111 opus/48000/2",
      "a=rtcp-fb:111 transport-cc",
      "a=fmtp:111 minptime=10;useinbandfec=1",
      "a=rtpmap:0 PCMU/8000",
    );
  }
  lines.push(...(shape.extra ?? []));
  return lines.join("\r\n") + "\r\n";
}
