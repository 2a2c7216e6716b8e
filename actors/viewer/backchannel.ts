/**
 * An RTSP session with an IP camera for its ONVIF backchannel: the thin
 * adapter around the pure client pieces (transports/rtsp/client/). It
 * connects, DESCRIBEs with `Require: www.onvif.org/ver20/backchannel`
 * (answering a 401 with Digest or Basic from the URL's user and password),
 * SETUPs its streams interleaved on the same TCP connection (no UDP ports
 * to open toward the camera), PLAYs, and then sends RTP on the
 * backchannel's channel, with a GET_PARAMETER to keep the session alive.
 * Every stream is set up, not only the backchannel, as GStreamer's
 * rtspsrc does in its ONVIF mode: gst-rtsp-server's ONVIF media stops with
 * "not-linked" when a stream it serves has no client. What the camera
 * sends on them is read and passed over (its video, while someone talks). A camera that goes away is a cause, read by `closed`.
 *
 * @module
 */
import {
  INTERLEAVED_HEADER_BYTES,
  writeInterleavedHeader,
} from "../../transports/rtsp/interleaved.ts";
import { NEED_MORE } from "../../transports/rtsp/message.ts";
import { authorizationFor } from "../../transports/rtsp/client/auth.ts";
import {
  type Backchannel,
  BACKCHANNEL_REQUIRE,
  findBackchannel,
} from "../../transports/rtsp/client/backchannel_sdp.ts";
import {
  type ReplyResult,
  ResponseReader,
  type RtspReply,
} from "../../transports/rtsp/client/reader.ts";
import { writeRequest } from "../../transports/rtsp/client/request.ts";

/** Connecting and each request's answer. Reason: a camera on a LAN answers in milliseconds. */
const ANSWER_TIMEOUT_MS = 3_000;
/** RTSP's default session timeout (RFC 2326 12.37) when SETUP's Session says none. */
const DEFAULT_TIMEOUT_S = 60;
/** Packets waiting for the socket. Reason: 25 × 20 ms = 500 ms; a stalled link costs sound, not memory. */
const MAX_QUEUED = 25;

/** A camera that answered but offers no backchannel, or refused one: talk is refused (503). */
export class NoBackchannelError extends Error {}

export class BackchannelLink {
  readonly backchannel: Backchannel;
  readonly #conn: Deno.Conn;
  readonly #reader: ResponseReader;
  readonly #session: string;
  readonly #play: string;
  /** The backchannel's interleaved RTP channel. */
  readonly #channel: number;
  #cseq: number;
  readonly #keepAlive: ReturnType<typeof setInterval>;
  #queue: Uint8Array[] = [];
  #writing = false;
  #closed: string | null = null;
  /** Packets sent to the camera, and dropped because the link was slow. */
  sent = 0;
  dropped = 0;

  private constructor(
    conn: Deno.Conn,
    reader: ResponseReader,
    setup: {
      backchannel: Backchannel;
      session: string;
      play: string;
      cseq: number;
      timeoutS: number;
    },
  ) {
    this.#conn = conn;
    this.#reader = reader;
    this.backchannel = setup.backchannel;
    this.#session = setup.session;
    this.#play = setup.play;
    this.#cseq = setup.cseq;
    this.#channel = setup.backchannel.index * 2;
    // Half the session's timeout, as RFC 2326 clients do.
    this.#keepAlive = setInterval(
      () => this.#request("GET_PARAMETER", this.#play),
      setup.timeoutS * 500,
    );
    this.#readLoop();
  }

  /**
   * Opens the backchannel of the camera at `url`. Throws NoBackchannelError
   * when the camera has none, and Error with the cause for anything else
   * (refused, unreachable, a wrong password, a broken answer).
   */
  static async open(url: string): Promise<BackchannelLink> {
    const u = new URL(url);
    if (u.protocol !== "rtsp:") {
      throw new TypeError(`A backchannel needs an rtsp:// camera, not ${u.protocol}`);
    }
    const who = {
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    };
    u.username = "";
    u.password = "";
    const target = u.href;
    const hostname = u.hostname.replace(/^\[|\]$/g, "");
    const port = u.port === "" ? 554 : Number(u.port);
    const connecting = Deno.connect({ hostname, port });
    const conn = await withTimeout(
      connecting,
      `${hostname}:${port} did not accept a connection`,
    ).catch((e: Error) => {
      // A connection that comes after the timeout is nobody's: close it.
      connecting.then((c) => c.close(), () => {});
      throw new Error(`Cannot reach the camera at ${hostname}:${port}: ${e.message}`);
    });
    const reader = new ResponseReader();
    let cseq = 1;
    let auth: string | null = null;
    const ask = async (method: string, uri: string, headers: [string, string][]) => {
      for (;;) {
        const h: [string, string][] = [...headers, ["User-Agent", "eyrie"]];
        if (auth !== null) h.push(["Authorization", auth]);
        await writeAll(conn, writeRequest(method, uri, { cseq: cseq++, headers: h }));
        const reply = await withTimeout(readReply(conn, reader), `No answer to ${method}`);
        if (reply.status === 401 && auth === null && (who.username !== "" || who.password !== "")) {
          auth = authorizationFor(
            reply.headers.get("www-authenticate") ?? "",
            { method, uri },
            who,
          );
          if (auth !== null) continue;
        }
        return reply;
      }
    };
    try {
      const require: [string, string] = ["Require", BACKCHANNEL_REQUIRE];
      const described = await ask("DESCRIBE", target, [["Accept", "application/sdp"], require]);
      if (described.status === 401) {
        throw new Error(`The camera refused eyrie's credentials (401 ${described.reason})`);
      }
      if (described.status === 551) {
        throw new NoBackchannelError(
          `The camera does not support the ONVIF backchannel (DESCRIBE: 551 ${described.reason})`,
        );
      }
      if (described.status !== 200) {
        throw new Error(
          `The camera answered DESCRIBE with ${described.status} ${described.reason}`,
        );
      }
      const base = described.headers.get("content-base") ??
        described.headers.get("content-location") ?? target;
      const sdp = new TextDecoder().decode(described.body);
      const backchannel = findBackchannel(sdp, base);
      if (backchannel === null) {
        throw new NoBackchannelError(
          "The camera offers no backchannel (no sendonly audio in its SDP)",
        );
      }
      let sessionHeader = "";
      for (const [i, control] of backchannel.streams.entries()) {
        const session = sessionHeader.split(";")[0].trim();
        const setup = await ask("SETUP", control, [
          ["Transport", `RTP/AVP/TCP;unicast;interleaved=${i * 2}-${i * 2 + 1}`],
          ...(session === "" ? [] : [["Session", session] as [string, string]]),
          require,
        ]);
        if (setup.status !== 200) {
          throw new Error(
            `The camera answered SETUP of ${control} with ${setup.status} ${setup.reason}`,
          );
        }
        sessionHeader = setup.headers.get("session") ?? "";
      }
      const session = sessionHeader.split(";")[0].trim();
      if (session === "") throw new Error("The camera's SETUP answer has no Session");
      const timeout = /;\s*timeout=(\d+)/.exec(sessionHeader);
      const timeoutS = timeout === null ? DEFAULT_TIMEOUT_S : Math.max(2, Number(timeout[1]));
      const play = base;
      const played = await ask("PLAY", play, [["Session", session], require]);
      if (played.status !== 200) {
        throw new Error(`The camera answered PLAY with ${played.status} ${played.reason}`);
      }
      return new BackchannelLink(conn, reader, { backchannel, session, play, cseq, timeoutS });
    } catch (error) {
      conn.close();
      throw error;
    }
  }

  /** Why the link ended (the camera closed it, or an error), or null while it is up. */
  get closed(): string | null {
    return this.#closed;
  }

  /** Sends one RTP packet on the backchannel; dropped when the link is slow or closed. */
  send(rtp: Uint8Array): void {
    if (this.#closed !== null) return;
    const frame = new Uint8Array(INTERLEAVED_HEADER_BYTES + rtp.length);
    writeInterleavedHeader(frame, 0, { channel: this.#channel, length: rtp.length });
    frame.set(rtp, INTERLEAVED_HEADER_BYTES);
    if (this.#queue.length >= MAX_QUEUED) {
      this.#queue.shift();
      this.dropped++;
    }
    this.#queue.push(frame);
    this.#flush();
  }

  /** Ends the session (TEARDOWN, best effort) and the connection; idempotent. */
  close(): void {
    if (this.#closed !== null) return;
    // Sound still queued is dropped; the TEARDOWN goes out before the connection closes.
    this.#queue = [];
    this.#request("TEARDOWN", this.#play);
    this.#end("closed by eyrie", { teardown: true });
  }

  #end(cause: string, options: { teardown?: boolean } = {}): void {
    if (this.#closed !== null) return;
    this.#closed = cause;
    clearInterval(this.#keepAlive);
    if (!options.teardown) this.#queue = [];
    // Let a TEARDOWN already queued go out first.
    const conn = this.#conn;
    (this.#writing ? this.#drained() : Promise.resolve()).finally(() => {
      try {
        conn.close();
      } catch {
        // closed already
      }
    });
  }

  #drainedWaiters: (() => void)[] = [];
  #drained(): Promise<void> {
    return new Promise((r) => this.#drainedWaiters.push(r));
  }

  #request(method: string, uri: string): void {
    if (this.#closed !== null) return;
    this.#queue.push(
      writeRequest(method, uri, { cseq: this.#cseq++, headers: [["Session", this.#session]] }),
    );
    this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        await writeAll(this.#conn, next);
        if (next[0] === 0x24) this.sent++;
      }
    } catch (error) {
      this.#end(`sending to the camera failed: ${(error as Error).message}`);
    } finally {
      this.#writing = false;
      for (const w of this.#drainedWaiters.splice(0)) w();
    }
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(16_384);
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) return this.#end("the camera closed the connection");
        for (let chunk = buf.subarray(0, n); chunk.length > 0;) {
          chunk = chunk.subarray(this.#reader.push(chunk));
          // Answers to keep-alives and the camera's RTCP: read and passed over.
          for (let r = this.#reader.next(); r !== NEED_MORE; r = this.#reader.next()) {
            if (r.kind === "error") return this.#end(`the camera's answer: ${r.reason}`);
            if (r.kind === "response" && r.response.status === 454) {
              return this.#end("the camera ended the session (454 Session Not Found)");
            }
          }
        }
      }
    } catch (error) {
      this.#end(this.#closed ?? `the connection to the camera failed: ${(error as Error).message}`);
    }
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/** The next response on the connection (interleaved frames before it passed over). */
async function readReply(conn: Deno.Conn, reader: ResponseReader): Promise<RtspReply> {
  const buf = new Uint8Array(16_384);
  for (;;) {
    let r: ReplyResult | typeof NEED_MORE;
    while ((r = reader.next()) !== NEED_MORE) {
      if (r.kind === "error") throw new Error(`The camera's answer: ${r.reason}`);
      if (r.kind === "response") return r.response;
    }
    const n = await conn.read(buf);
    if (n === null) throw new Error("The camera closed the connection");
    // The reader holds the largest answer the bounds allow; what does not fit breaks them.
    if (reader.push(buf.subarray(0, n)) < n) throw new Error("The camera's answer is too long");
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
