/**
 * Requests as real clients send them (ffmpeg, GStreamer's rtspsrc,
 * live555 in VLC, libcurl in Janus), and interleaved RTCP: one table that
 * drives the reader's tests and seeds the fuzzer.
 *
 * @module
 */

/** One case: its bytes on the wire and what the reader must make of them. */
export interface ReaderCase {
  name: string;
  wire: string;
  /** What comes out, in order: a request's method and CSeq, or an interleaved frame. */
  expect: ({ method: string; cseq: number | null; body?: string } | {
    channel: number;
    length: number;
  })[];
}

const FFMPEG_UA = "User-Agent: Lavf59.27.100";

export const READER_CASES: readonly ReaderCase[] = [
  {
    name: "ffmpeg's OPTIONS",
    wire: `OPTIONS rtsp://127.0.0.1:8554/front RTSP/1.0\r\nCSeq: 1\r\n${FFMPEG_UA}\r\n\r\n`,
    expect: [{ method: "OPTIONS", cseq: 1 }],
  },
  {
    name: "ffmpeg's DESCRIBE with Digest credentials",
    wire:
      "DESCRIBE rtsp://127.0.0.1:8554/front RTSP/1.0\r\nAccept: application/sdp\r\nCSeq: 3\r\n" +
      `${FFMPEG_UA}\r\nAuthorization: Digest username="bob", realm="eyrie", nonce="0123456789abcdef", ` +
      'uri="rtsp://127.0.0.1:8554/front", response="0cc175b9c0f1b6a831c399e269772661"\r\n\r\n',
    expect: [{ method: "DESCRIBE", cseq: 3 }],
  },
  {
    name: "GStreamer's SETUP over UDP",
    wire: "SETUP rtsp://127.0.0.1:8554/front/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n" +
      "Transport: RTP/AVP;unicast;client_port=50000-50001\r\nUser-Agent: GStreamer/1.22.0\r\n\r\n",
    expect: [{ method: "SETUP", cseq: 3 }],
  },
  {
    name: "VLC's SETUP over TCP and PLAY in one segment",
    wire: "SETUP rtsp://127.0.0.1:8554/front/trackID=0 RTSP/1.0\r\nCSeq: 4\r\n" +
      "User-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)\r\n" +
      "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n" +
      "PLAY rtsp://127.0.0.1:8554/front/ RTSP/1.0\r\nCSeq: 5\r\nSession: 0123456789ABCDEF\r\n" +
      "Range: npt=0.000-\r\n\r\n",
    expect: [{ method: "SETUP", cseq: 4 }, { method: "PLAY", cseq: 5 }],
  },
  {
    name: "a GET_PARAMETER keep-alive with a body, then interleaved RTCP",
    wire: "GET_PARAMETER rtsp://127.0.0.1:8554/front RTSP/1.0\r\nCSeq: 9\r\n" +
      "Session: 0123456789ABCDEF\r\nContent-Type: text/parameters\r\nContent-Length: 7\r\n\r\n" +
      "packets" + "$\x01\x00\x08\x81\xc9\x00\x01\x00\x00\x00\x01",
    expect: [{ method: "GET_PARAMETER", cseq: 9, body: "packets" }, { channel: 1, length: 8 }],
  },
  {
    name: "bare line feeds, and blank lines between requests",
    wire:
      "OPTIONS * RTSP/1.0\nCSeq: 2\n\n\r\n\r\nTEARDOWN rtsp://h/front RTSP/1.0\r\nCSeq: 10\r\n\r\n",
    expect: [{ method: "OPTIONS", cseq: 2 }, { method: "TEARDOWN", cseq: 10 }],
  },
  {
    name: "a request without CSeq, and one with two CSeq",
    wire: "OPTIONS * RTSP/1.0\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n",
    expect: [{ method: "OPTIONS", cseq: null }, { method: "OPTIONS", cseq: null }],
  },
  {
    name: "an unknown method is still a request",
    wire: "FETCH rtsp://h/front RTSP/1.0\r\nCSeq: 7\r\n\r\n",
    expect: [{ method: "FETCH", cseq: 7 }],
  },
];

/** `text` as bytes, one byte per character (the cases are ASCII and \xNN). */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
