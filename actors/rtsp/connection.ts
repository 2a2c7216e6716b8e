/**
 * One client's TCP connection to the RTSP server: bytes read straight into
 * the protocol reader's buffer, requests answered one at a time in order,
 * interleaved RTCP passed on, everything sent through one {@linkcode Outbox}.
 * A request that cannot be read is answered with its status and the
 * connection closes: its framing is lost.
 *
 * @module
 */
import {
  type ReadErrorKind,
  RtspReader,
  type RtspRequest,
  type RtspResponse,
  type RtspStatus,
  writeResponse,
} from "../../transports/rtsp/mod.ts";
import { Outbox } from "./outbox.ts";

/** The status that tells a client why its bytes could not be read. */
const READ_ERROR_STATUS: Record<ReadErrorKind, RtspStatus> = {
  malformed: 400,
  head_too_large: 400,
  uri_too_long: 414,
  body_too_large: 413,
  version: 505,
};

export interface ConnectionHandlers {
  /** Answers one request (through {@linkcode Connection.respond}); the next waits for it. */
  request(req: RtspRequest, conn: Connection): Promise<void>;
  /** RTCP (or anything) the client sent on an interleaved channel. */
  interleaved(channel: number, payload: Uint8Array, conn: Connection): void;
  /** Bytes that could not be read; the connection closes after the answer. */
  malformed(reason: string, conn: Connection): void;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class Connection {
  readonly id: number;
  readonly address: string;
  readonly port: number;
  /** This connection's Digest nonce: a response must answer it (a replay elsewhere fails). */
  readonly nonce = randomHex(16);
  readonly outbox: Outbox;
  readonly reader = new RtspReader();
  /** Last bytes read, on the worker's clock (ms). */
  readAt: number;
  /** Since when part of a message waits for the rest (ms), or null. */
  partialSince: number | null = null;
  #conn: Deno.Conn;
  #closed = false;
  readonly #now: () => number;

  constructor(id: number, conn: Deno.Conn, now: () => number) {
    this.id = id;
    this.#conn = conn;
    this.#now = now;
    const remote = conn.remoteAddr as Deno.NetAddr;
    this.address = remote.hostname;
    this.port = remote.port;
    this.readAt = now();
    this.outbox = new Outbox(conn, { onError: () => this.close(), now });
  }

  get closed(): boolean {
    return this.#closed;
  }

  respond(response: RtspResponse): void {
    this.outbox.control(writeResponse(response));
  }

  /** Reads and answers until the client leaves, the framing is lost, or {@linkcode close}. */
  async run(handlers: ConnectionHandlers): Promise<void> {
    try {
      for (;;) {
        const space = this.reader.space();
        const n = space.length === 0 ? null : await this.#read(space);
        if (n === null) return;
        this.readAt = this.#now();
        this.reader.commit(n);
        for (;;) {
          const r = this.reader.next();
          if (r.kind === "need_more" || this.#closed) break;
          switch (r.kind) {
            case "request":
              await handlers.request(r.request, this);
              break;
            case "interleaved":
              handlers.interleaved(r.channel, r.payload, this);
              break;
            case "skipped":
              break;
            case "error":
              handlers.malformed(r.reason, this);
              this.respond({ status: READ_ERROR_STATUS[r.error], cseq: null, body: r.reason });
              await this.outbox.drained();
              return;
          }
        }
        this.partialSince = this.reader.buffered > 0 ? (this.partialSince ?? this.#now()) : null;
      }
    } finally {
      this.close();
    }
  }

  /** One read; null when the client left (or the connection was closed here). */
  async #read(into: Uint8Array): Promise<number | null> {
    try {
      return await this.#conn.read(into);
    } catch {
      // Reset by the client, or closed by close(): either way there is nobody to answer.
      return null;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.outbox.close();
    try {
      this.#conn.close();
    } catch {
      // Already closed by the other side.
    }
  }
}
