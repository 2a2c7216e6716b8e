import { ControlDecoder, type ControlMessage, encodeControl } from "./control.ts";

/** A control stream as messages: one writer, one reader, each in order. */
export class ControlChannel {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #decoder = new ControlDecoder();

  constructor(stream: Deno.QuicBidirectionalStream) {
    this.#reader = stream.readable.getReader();
    this.#writer = stream.writable.getWriter();
  }

  send(message: ControlMessage): Promise<void> {
    return this.#writer.write(encodeControl(message));
  }

  /** The next message; null when the peer ended the stream. Throws on a malformed message. */
  async next(): Promise<ControlMessage | null> {
    for (;;) {
      const r = this.#decoder.next();
      if (r.type === "error") throw new Error(`The peer's control stream broke: ${r.message}`);
      if (r.type !== "more") return r;
      const { value, done } = await this.#reader.read();
      if (done) return null;
      this.#decoder.push(value);
    }
  }

  /** Like {@linkcode next} but rejects after `ms` with `what` in the message. */
  nextWithin(ms: number, what: string): Promise<ControlMessage | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`No ${what} in ${ms} ms`)), ms);
    });
    return Promise.race([this.next(), timeout]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.#writer.close().catch(() => {});
    this.#reader.cancel().catch(() => {});
  }
}

/** 32 random bytes. */
export function nonce(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** The ALPN token of eyrie's forward over QUIC. */
export const ALPN = "eyrie-rtp/1";
/** QUIC close codes the two ends use (application error space). */
export const CloseCode = { done: 0, refused: 1, protocol: 2 } as const;
