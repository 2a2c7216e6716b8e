// The player of MJPEG recordings: browsers play no Motion JPEG in <video>,
// whatever the container, but show a multipart/x-mixed-replace stream of
// JPEGs in an <img>. The pictures go out as recorded (no decode, no
// encode), from the first at or after the start, at the pace they were
// recorded: a stitch Worker demuxes them, one per "more".
import type { FromStitcher, StitchFile, ToStitcher } from "../../actors/recorder/stitch.ts";

const STITCH_WORKER = new URL("../../actors/recorder/stitch_worker.ts", import.meta.url);
const BOUNDARY = "eyrieframe";
const encoder = new TextEncoder();

/** 200 with the pictures of `files` from `fromMs` to `toMs`, paced in real time. */
export function framesResponse(
  files: StitchFile[],
  range: { fromMs: number; toMs: number },
  log: (error: string) => void,
): Response {
  const worker = new Worker(STITCH_WORKER, { type: "module", name: "mjpeg player" });
  const send = (m: ToStitcher) => worker.postMessage(m);
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    worker.terminate();
  };
  let firstAtMs: number | null = null;
  let startedAt = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      worker.onmessage = (e: MessageEvent<FromStitcher>) => {
        const m = e.data;
        if (m.type === "frame") {
          if (firstAtMs === null) {
            firstAtMs = m.atMs;
            startedAt = performance.now();
          }
          // Hold each picture until its time has come.
          const wait = (m.atMs - firstAtMs) - (performance.now() - startedAt);
          timer = setTimeout(() => {
            if (done) return;
            controller.enqueue(encoder.encode(
              `--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${m.bytes.length}\r\n` +
                `X-Timestamp: ${m.atMs}\r\n\r\n`,
            ));
            controller.enqueue(m.bytes);
            controller.enqueue(encoder.encode("\r\n"));
            send({ type: "more" });
          }, Math.max(0, wait));
        } else if (m.type === "done") {
          controller.close();
          finish();
        } else if (m.type === "error") {
          log(m.message);
          controller.error(new Error(m.message));
          finish();
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        controller.error(new Error(e.message));
        finish();
      };
      send({ type: "frames", files, fromMs: range.fromMs, toMs: range.toMs });
      send({ type: "more" });
    },
    cancel() {
      if (!done) send({ type: "cancel" });
      finish();
    },
  }, { highWaterMark: 4 });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
      "cache-control": "no-store",
    },
  });
}
