// Real media made by real encoders (GStreamer's jpegenc and x264enc, FFmpeg's
// mjpeg) into a temporary directory, once per test process.

import { gst, HAVE_FFMPEG, readSorted, run } from "./_peers.ts";

export interface MediaSet {
  dir: string;
  files: Uint8Array[];
}

const made = new Map<string, Promise<MediaSet>>();

function once(key: string, make: (dir: string) => Promise<void>): Promise<MediaSet> {
  let p = made.get(key);
  if (!p) {
    p = (async () => {
      const dir = await Deno.makeTempDir({ prefix: `eyrie-rtp-${key}-` });
      await make(dir);
      return { dir, files: (await readSorted(dir)).map((f) => f.data) };
    })();
    made.set(key, p);
  }
  return p;
}

/** JPEG sets: jpegenc 4:2:0 and 4:2:2, jpegenc at quality 50, FFmpeg with DRI. */
export type JpegKind = "420" | "422" | "q50" | "dri" | "gray" | "444" | "optimized";

export function jpegs(kind: JpegKind, frames = 12): Promise<MediaSet> {
  return once(`jpeg-${kind}-${frames}`, async (dir) => {
    const loc = `location=${dir}/%05d.jpg`;
    const src = `videotestsrc num-buffers=${frames} pattern=ball`;
    switch (kind) {
      case "420":
        return void await gst(
          `${src} ! video/x-raw,width=320,height=240,format=I420 ! jpegenc ! multifilesink ${loc}`,
        );
      case "422":
        return void await gst(
          `${src} ! video/x-raw,width=320,height=240,format=Y42B ! jpegenc ! multifilesink ${loc}`,
        );
      case "q50":
        return void await gst(
          `${src} ! video/x-raw,width=320,height=240,format=I420 ! jpegenc quality=50 ! multifilesink ${loc}`,
        );
      case "gray":
        return void await gst(
          `${src} ! video/x-raw,width=64,height=64,format=GRAY8 ! jpegenc ! multifilesink ${loc}`,
        );
      case "444":
        return void await gst(
          `${src} ! video/x-raw,width=64,height=64,format=Y444 ! jpegenc ! multifilesink ${loc}`,
        );
      case "dri":
      case "optimized": {
        if (!HAVE_FFMPEG) throw new Error("ffmpeg is needed for this JPEG set");
        // FFmpeg's slice threads write DRI and RSTn; "-huffman default" keeps
        // the standard tables RFC 2435 assumes, its default makes optimized ones.
        const huffman = kind === "dri" ? ["-huffman", "default"] : [];
        return void await run("ffmpeg", [
          "-v",
          "error",
          "-f",
          "lavfi",
          "-i",
          `testsrc=size=320x240:rate=30`,
          "-frames:v",
          String(frames),
          "-c:v",
          "mjpeg",
          ...huffman,
          "-pix_fmt",
          "yuvj420p",
          "-threads",
          "2",
          "-slices",
          "2",
          "-q:v",
          "4",
          "-start_number",
          "0",
          `${dir}/%05d.jpg`,
        ]);
      }
    }
  });
}

/** H.264 access units from x264enc, one Annex-B AU per file, SPS/PPS before every IDR. */
export function h264(
  frames = 30,
  options: { width?: number; height?: number; gop?: number; profile?: "high"; bframes?: number } =
    {},
) {
  const w = options.width ?? 320, h = options.height ?? 240, gop = options.gop ?? 10;
  const profile = options.profile ? `,profile=${options.profile}` : "";
  // B-frames need x264's lookahead, which the zerolatency tune turns off.
  const tune = options.bframes ? `bframes=${options.bframes} b-adapt=false` : "tune=zerolatency";
  const b = options.bframes ? `-b${options.bframes}` : "";
  return once(`h264-${frames}-${w}x${h}-${gop}${profile}${b}`, async (dir) => {
    await gst(
      `videotestsrc num-buffers=${frames} pattern=ball ! video/x-raw,width=${w},height=${h},format=I420 ! ` +
        `x264enc key-int-max=${gop} ${tune} speed-preset=${
          options.profile ? "veryfast" : "ultrafast"
        } bitrate=1500 ! ` +
        `video/x-h264${profile} ! h264parse config-interval=-1 ! ` +
        `video/x-h264,stream-format=byte-stream,alignment=au ! ` +
        `multifilesink location=${dir}/%05d.h264`,
    );
  });
}
