// Serves one file from disk with HTTP ranges (RFC 9110 §14): 200 with the
// whole file, 206 with one range and its Content-Range, 416 for a range past
// the end. The body streams from the file in chunks; nothing is buffered whole.
import { contentRange, parseRange, unsatisfiedRange } from "../../actors/recorder/http_range.ts";

/** Bytes read from disk per chunk of a response body. */
const CHUNK_BYTES = 256 * 1024;

// Streams `length` bytes of `file` from `start`, closing the file at the end or on cancel.
function body(file: Deno.FsFile, start: number, length: number): ReadableStream<Uint8Array> {
  let left = length;
  let sought = false;
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      try {
        if (!sought) {
          await file.seek(start, Deno.SeekMode.Start);
          sought = true;
        }
        const buf = new Uint8Array(Math.min(CHUNK_BYTES, left));
        const n = await file.read(buf);
        if (n === null || n === 0) {
          // The file shrank under us (retention, a repair): end what we have.
          file.close();
          controller.close();
          return;
        }
        left -= n;
        controller.enqueue(buf.subarray(0, n));
        if (left === 0) {
          file.close();
          controller.close();
        }
      } catch (e) {
        try {
          file.close();
        } catch { /* already closed */ }
        controller.error(e);
      }
    },
    cancel() {
      try {
        file.close();
      } catch { /* already closed */ }
    },
  });
}

/**
 * A response for the file at `path` (already checked to be one eyrie may
 * serve) honouring the request's Range header. HEAD gets the headers only.
 */
export async function fileResponse(
  path: string,
  request: Request,
  headers: Record<string, string>,
): Promise<Response> {
  const file = await Deno.open(path, { read: true });
  let size: number;
  try {
    size = (await file.stat()).size;
  } catch (e) {
    file.close();
    throw e;
  }
  const common = { ...headers, "accept-ranges": "bytes" };
  const range = parseRange(request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    file.close();
    return new Response(`Range ${request.headers.get("range")} is outside the ${size} bytes`, {
      status: 416,
      headers: { ...common, "content-range": unsatisfiedRange(size) },
    });
  }
  const start = range?.start ?? 0;
  const length = range === null ? size : range.end - range.start + 1;
  const status = range === null ? 200 : 206;
  const out: Record<string, string> = { ...common, "content-length": String(length) };
  if (range !== null) out["content-range"] = contentRange(range, size);
  if (request.method === "HEAD" || length === 0) {
    file.close();
    return new Response(null, { status, headers: out });
  }
  return new Response(body(file, start, length), { status, headers: out });
}
