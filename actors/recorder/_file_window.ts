// Reads small pieces of a file through one window of WINDOW_BYTES, so the
// Matroska and AVI scanners, which read a few header bytes per frame, make
// one read per window instead of one per frame, and skip sample data they
// do not need with a seek. Private to actors/recorder.

/**
 * Bytes read at a time. Reason: a 2 Mbit/s stream has ~8 KB frames, so a
 * 64 KiB window holds about eight block headers; MJPEG frames are larger and
 * their headers are reached by seeking past the pictures.
 */
export const WINDOW_BYTES = 64 * 1024;

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
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (offset >= this.#start && end <= this.#start + this.#length) {
      return this.#buf.subarray(offset - this.#start, end - this.#start);
    }
    const want = Math.max(end - offset, 0);
    if (want > this.#buf.length) this.#buf = new Uint8Array(want);
    const span = Math.min(Math.max(want, WINDOW_BYTES), this.size - offset, this.#buf.length);
    await this.#file.seek(offset, Deno.SeekMode.Start);
    let got = 0;
    while (got < span) {
      const n = await this.#file.read(this.#buf.subarray(got, span));
      if (n === null) break;
      got += n;
    }
    this.#start = offset;
    this.#length = got;
    return this.#buf.subarray(0, Math.min(want, got));
  }
}
