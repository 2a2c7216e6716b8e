// Reads small pieces of a file through one window, so the Matroska and AVI
// scanners, which read a few header bytes per frame, skip the picture data
// they do not need with a seek. The reads are synchronous: an async read
// costs an op round trip (~30 µs here) that is most of a scan's time for a
// frame's 12 header bytes; a synchronous one of a page-cached 4 KiB is ~3 µs.
// Private to actors/recorder.

/**
 * Bytes read at a time. Reason: one page; a 2 Mbit/s stream's ~8 KB frames
 * put a header in every other window, MJPEG's ~80 KB ones one in ten pages:
 * reading more would copy picture data for nothing (measured in
 * bench/README.md, ## recorder: scanners).
 */
export const WINDOW_BYTES = 4 * 1024;

/** A read-only view of one open file. */
export class FileWindow {
  readonly size: number;
  readonly #file: Deno.FsFile;
  #buf = new Uint8Array(WINDOW_BYTES);
  #start = 0;
  #length = 0;

  constructor(file: Deno.FsFile, size: number) {
    this.#file = file;
    this.size = size;
  }

  /**
   * Up to `length` bytes at `offset` (fewer at the end of the file). The
   * view is valid until the next call; copy what must outlive it.
   */
  bytes(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.bytesSync(offset, length));
  }

  /** {@linkcode FileWindow.bytes}, synchronously. */
  bytesSync(offset: number, length: number): Uint8Array {
    const end = Math.min(offset + length, this.size);
    if (offset >= this.#start && end <= this.#start + this.#length) {
      return this.#buf.subarray(offset - this.#start, end - this.#start);
    }
    const want = Math.max(end - offset, 0);
    if (want > this.#buf.length) this.#buf = new Uint8Array(want);
    const span = Math.min(Math.max(want, WINDOW_BYTES), this.size - offset, this.#buf.length);
    this.#file.seekSync(offset, Deno.SeekMode.Start);
    let got = 0;
    while (got < span) {
      const n = this.#file.readSync(this.#buf.subarray(got, span));
      if (n === null) break;
      got += n;
    }
    this.#start = offset;
    this.#length = got;
    return this.#buf.subarray(0, Math.min(want, got));
  }
}
