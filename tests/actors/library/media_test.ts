import assert from "node:assert/strict";
import {
  codecName,
  containerMime,
  isAppleQuickTime,
  mediaFacts,
} from "../../../actors/library/media.ts";

const H264 = "video/x-h264, stream-format=(string)avc, profile=(string)high";
const AAC = "audio/mpeg, mpegversion=(int)4, stream-format=(string)raw";
const v = (caps: string) => ({ caps, width: 1920, height: 1080, fps: 24, bitrate: 4_000_000 });
const a = (caps: string) => ({ caps, bitrate: 128_000 });
const ascii = (s: string) => new TextEncoder().encode(s);

Deno.test("containerMime() and codecName() read caps, and the ftyp brand tells MOV from MP4", () => {
  assert.equal(containerMime("video/x-matroska"), "video/x-matroska");
  assert.equal(containerMime("video/webm"), "video/webm");
  assert.equal(containerMime("video/x-msvideo"), "video/x-msvideo");
  assert.equal(containerMime("video/quicktime, variant=(string)apple"), "video/quicktime");
  assert.equal(containerMime("video/quicktime, variant=(string)iso"), "video/mp4");
  assert.equal(
    containerMime("video/quicktime", ascii("\0\0\0\x14ftypqt  \0\0")),
    "video/quicktime",
  );
  assert.equal(containerMime("video/quicktime", ascii("\0\0\0\x20ftypisom\0\0")), "video/mp4");
  assert.equal(isAppleQuickTime(ascii("\0\0\0\x08wide\0\0\0\0")), true, "no ftyp: old QuickTime");
  assert.equal(containerMime("video/mpegts"), null);
  assert.deepEqual(
    [
      H264,
      AAC,
      "audio/mpeg, mpegversion=(int)1, layer=(int)3",
      "video/x-h265",
      "audio/x-opus",
      "video/x-weird",
      "video/x-divx, divxversion=(int)5",
      "video/x-xvid",
    ]
      .map(codecName),
    ["h264", "aac", "mp3", "h265", "opus", "video/x-weird", "mpeg4", "mpeg4"],
  );
});

Deno.test("mediaFacts() decides direct, remux or unsupported, with the reason", () => {
  const cases: [string, string[], string[], string, string][] = [
    ["video/quicktime, variant=(string)iso", [H264], [AAC], "video/mp4", "direct"],
    ["video/webm", ["video/x-vp9"], ["audio/x-opus"], "video/webm", "direct"],
    ["video/x-matroska", [H264], [AAC], "video/x-matroska", "remux"],
    ["video/x-matroska", [H264], [], "video/x-matroska", "remux"],
    ["video/x-msvideo", [H264], [AAC], "video/x-msvideo", "remux"],
    ["video/quicktime, variant=(string)apple", [H264], [AAC], "video/quicktime", "remux"],
    ["video/x-matroska", ["video/x-h265"], [AAC], "video/x-matroska", "unsupported"],
    ["video/x-matroska", [H264], ["audio/x-ac3"], "video/x-matroska", "unsupported"],
    ["video/mpegts", [H264], [AAC], "application/octet-stream", "unsupported"],
  ];
  for (const [container, video, audio, mime, delivery] of cases) {
    const f = mediaFacts({ container, video: video.map(v), audio: audio.map(a) })!;
    assert.equal(f.mime, mime, container);
    assert.equal(f.delivery, delivery, `${container} ${video} ${audio}`);
    if (delivery === "unsupported") assert.ok(f.note.length > 0, "says why");
  }
  assert.equal(mediaFacts({ container: "video/x-matroska", video: [], audio: [a(AAC)] }), null);
  const f = mediaFacts({ container: "video/x-matroska", video: [v(H264)], audio: [a(AAC)] })!;
  assert.deepEqual([f.codecs, f.width, f.height, f.fps, f.bitrate], [
    ["h264", "aac"],
    1920,
    1080,
    24,
    4_128_000,
  ]);
});
