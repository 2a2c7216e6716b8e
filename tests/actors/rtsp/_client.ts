/**
 * A raw RTSP client for the tests: sends whatever bytes a test writes and
 * reads back responses (passing over interleaved frames, which it counts),
 * so a test can say exactly what a broken or hostile client sends.
 *
 * @module
 */

export interface Response {
  status: number;
  headers: Map<string, string>;
  body: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class RawClient {
  readonly conn: Deno.Conn;
  #buf = new Uint8Array(0);
  #eof = false;
  /** Interleaved frames received, by channel. */
  readonly frames = new Map<number, number>();

  private constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  static async open(hostPort: string): Promise<RawClient> {
    const [hostname, port] = hostPort.split(":");
    return new RawClient(await Deno.connect({ hostname, port: Number(port) }));
  }

  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
  }

  /** One request, with CSeq and the given headers. */
  request(method: string, uri: string, cseq: number, headers: Record<string, string> = {}) {
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${cseq}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    return this.send(lines.join("\r\n") + "\r\n\r\n");
  }

  async #fill(deadline: number): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(65536);
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const n = await Promise.race([
      this.conn.read(chunk).catch(() => null),
      new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), left))),
    ]);
    clearTimeout(timer);
    if (n === "timeout") return false;
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
    return true;
  }

  /** The next response within `timeoutMs`, or null if the connection closed (or nothing came). */
  async response(timeoutMs = 10_000): Promise<Response | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#buf.length >= 4 && this.#buf[0] === 0x24) {
        const n = (this.#buf[2] << 8) | this.#buf[3];
        if (this.#buf.length < 4 + n) break;
        this.frames.set(this.#buf[1], (this.frames.get(this.#buf[1]) ?? 0) + 1);
        this.#buf = this.#buf.slice(4 + n);
      }
      if (this.#buf.length > 0 && this.#buf[0] !== 0x24) {
        const text = dec.decode(this.#buf);
        const end = text.indexOf("\r\n\r\n");
        if (end >= 0) {
          const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
          const headers = new Map<string, string>();
          for (const l of lines) {
            const i = l.indexOf(":");
            headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim());
          }
          const length = Number(headers.get("content-length") ?? 0);
          const headBytes = enc.encode(text.slice(0, end + 4)).length;
          if (this.#buf.length >= headBytes + length) {
            const body = dec.decode(this.#buf.slice(headBytes, headBytes + length));
            this.#buf = this.#buf.slice(headBytes + length);
            return { status: Number(statusLine.split(" ")[1]), headers, body };
          }
        }
      }
      if (!(await this.#fill(deadline))) return null;
    }
  }

  /** Reads (and counts interleaved frames) for `ms`. */
  async drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!(await this.#fill(deadline))) {
        if (this.#eof) return;
        continue;
      }
      await this.response(1).catch(() => null);
    }
  }

  /** Whether the server closed the connection within `timeoutMs`. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#eof && Date.now() < deadline) {
      await this.#fill(deadline);
      this.#buf = new Uint8Array(0);
    }
    return this.#eof;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}
