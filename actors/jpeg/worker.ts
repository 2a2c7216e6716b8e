/**
 * The JPEG feed actor: at most `fps` times a second, the newest frame of its
 * ring as a JPEG picture — encoded with `appsrc ! jpegenc ! appsink` from raw
 * frames (pulled on Deno's blocking pool, so the Worker's other actors keep
 * running), or copied as it is from an MJPEG camera's access units. Started
 * by the feed (feed.ts) when someone watches, stopped when nobody has for a
 * while.
 *
 * @module
 */
import { type AppSink, type AppSrc, Pipeline } from "../../ffi/gst/mod.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { ENCODE_TIMEOUT_MS, type JpegInit, type JpegProtocol } from "./protocol.ts";

interface Encoder extends Disposable {
  src: AppSrc;
  sink: AppSink;
}

function openEncoder(source: Extract<JpegInit["source"], { kind: "raw" }>, quality: number) {
  const caps = `video/x-raw,format=${source.format},width=${source.width},` +
    `height=${source.height},framerate=${source.fps}/1`;
  const pipeline = Pipeline.parse(
    `appsrc name=src format=time caps=${caps} ! jpegenc quality=${quality}` +
      " ! appsink name=out max-buffers=1 drop=true sync=false",
  );
  try {
    pipeline.setState("playing", { timeoutMs: 0 }); // "async" until the first push
    return {
      src: pipeline.appSrc("src"),
      sink: pipeline.appSink("out"),
      [Symbol.dispose]: () => pipeline[Symbol.dispose](),
    };
  } catch (e) {
    pipeline[Symbol.dispose]();
    throw e;
  }
}

/** The JPEG of the reader's current raw frame, or null when it was torn or none came out. */
async function encode(reader: RingReader, e: Encoder): Promise<Uint8Array<ArrayBuffer> | null> {
  e.src.push(reader.view(), { pts: null });
  if (!reader.valid()) return null; // overwritten while copied: skip this one
  const s = await e.sink.pullAsync({ timeoutMs: ENCODE_TIMEOUT_MS });
  if (s === null) return null;
  const out = new Uint8Array(s.size);
  s.copyTo(out);
  return out;
}

function copy(reader: RingReader): Uint8Array<ArrayBuffer> | null {
  const out = new Uint8Array(reader.size);
  return reader.copyTo(out) < 0 ? null : out;
}

runActor<JpegProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  return {
    start(init, ctx) {
      const source = init.source;
      const reader = new RingReader(init.ring, init.reader, { start: "latest" });
      const encoder = source.kind === "raw" ? openEncoder(source, init.quality) : null;
      const frameMs = 1000 / init.fps;
      loop = (async () => {
        try {
          while (running) {
            const started = performance.now();
            if ((await reader.wait(frameMs)) === "ready") {
              // Only the newest frame matters.
              let got = false;
              while (reader.next()) got = true;
              if (got) {
                const jpeg = encoder === null ? copy(reader) : await encode(reader, encoder);
                if (jpeg !== null) ctx.emit({ type: "picture", jpeg });
              }
            }
            const left = frameMs - (performance.now() - started);
            if (left > 0 && running) await new Promise((r) => setTimeout(r, left));
          }
        } finally {
          reader.close();
          encoder?.[Symbol.dispose]();
        }
      })();
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
    },
    cast() {},
    calls: {},
  };
});
