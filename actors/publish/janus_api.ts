/**
 * Janus's HTTP API (janus.transport.http), as much of it as a publisher
 * needs: a session with a handle on the streaming plugin, and the plugin's
 * create, info and destroy requests. Every request is bounded in time; a
 * failure is a {@linkcode JanusError} whose message says what a user can
 * act on ("connection refused by 127.0.0.1:8088", "Janus refused the
 * api_secret", "the streaming plugin refused: Missing mandatory element
 * (admin_key)").
 *
 * @module
 */

/** A request that Janus does not answer in this long failed. */
export const REQUEST_TIMEOUT_MS = 5000;
/** Largest answer read. Reason: these answers are a few hundred bytes; a megabyte is not Janus. */
const MAX_ANSWER_BYTES = 1 << 20;

/** Janus's "no such mountpoint" (the streaming plugin's error 455). */
export const NO_SUCH_MOUNTPOINT = 455;
/** "A stream with the provided ID already exists" (456). */
export const MOUNTPOINT_EXISTS = 456;
/** The core's "no such session" (458): it expired, or Janus restarted. */
const NO_SUCH_SESSION = 458;

export class JanusError extends Error {
  override name = "JanusError";
  /** The plugin's or the core's error code, when Janus answered with one. */
  readonly code: number | null;
  constructor(message: string, code: number | null = null) {
    super(message);
    this.code = code;
  }
}

type Json = Record<string, unknown>;

/** What `info` says of a mountpoint. */
export interface MountpointInfo {
  viewers: number;
  /** Since its last packet, in ms, when Janus says. */
  ageMs: number | null;
  port: number | null;
}

export class JanusApi {
  readonly base: string;
  readonly #apiSecret: string;
  readonly #where: string;
  #session: number | null = null;
  #handle: number | null = null;

  constructor(base: string, options: { apiSecret?: string } = {}) {
    this.base = base;
    this.#apiSecret = options.apiSecret ?? "";
    const u = new URL(base);
    this.#where = `${u.hostname}:${u.port || (u.protocol === "https:" ? 443 : 80)}`;
  }

  async #post(path: string, body: Json): Promise<Json> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...body,
          transaction: crypto.randomUUID(),
          ...(this.#apiSecret === "" ? {} : { apisecret: this.#apiSecret }),
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new JanusError(networkCause(e, this.#where));
    }
    const text = await res.text();
    if (text.length > MAX_ANSWER_BYTES) {
      throw new JanusError(`${this.#where} answered ${text.length} bytes`);
    }
    if (!res.ok && res.headers.get("content-type")?.includes("json") !== true) {
      throw new JanusError(
        `${this.#where} answered HTTP ${res.status} (is ${this.base} Janus's API?)`,
      );
    }
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new JanusError(
        `${this.#where} answered something other than JSON (is ${this.base} Janus's API?)`,
      );
    }
    if (json.janus === "error") {
      const error = json.error as { code?: number; reason?: string } | undefined;
      const code = error?.code ?? null;
      if (code === 403) {
        throw new JanusError(`Janus refused the api_secret: ${error?.reason ?? ""}`.trim(), code);
      }
      throw new JanusError(`Janus refused: ${error?.reason ?? "an error without a reason"}`, code);
    }
    return json;
  }

  /** The session and handle, made on first use (and again when Janus forgot them). */
  async #ensureHandle(): Promise<[number, number]> {
    if (this.#session !== null && this.#handle !== null) return [this.#session, this.#handle];
    const created = await this.#post("", { janus: "create" });
    const session = (created.data as { id?: number } | undefined)?.id;
    if (typeof session !== "number") throw new JanusError(`${this.#where} made no session`);
    const attached = await this.#post(`/${session}`, {
      janus: "attach",
      plugin: "janus.plugin.streaming",
    });
    const handle = (attached.data as { id?: number } | undefined)?.id;
    if (typeof handle !== "number") {
      throw new JanusError("Janus has no streaming plugin (janus.plugin.streaming): enable it");
    }
    this.#session = session;
    this.#handle = handle;
    return [session, handle];
  }

  /** A request to the streaming plugin; its answer's `data`. Throws JanusError with its code. */
  async message(body: Json): Promise<Json> {
    for (let attempt = 0;; attempt++) {
      const [session, handle] = await this.#ensureHandle();
      let answer: Json;
      try {
        answer = await this.#post(`/${session}/${handle}`, { janus: "message", body });
      } catch (e) {
        if (e instanceof JanusError && e.code === NO_SUCH_SESSION && attempt === 0) {
          this.#session = this.#handle = null;
          continue;
        }
        throw e;
      }
      const data = (answer.plugindata as { data?: Json } | undefined)?.data ?? {};
      if (typeof data.error_code === "number") {
        throw new JanusError(
          `the streaming plugin refused: ${data.error ?? data.error_code}`,
          data.error_code,
        );
      }
      return data;
    }
  }

  /** Forgets the session (Janus went away: the next request makes a new one). */
  reset(): void {
    this.#session = this.#handle = null;
  }

  /** Creates an H.264 RTP mountpoint; its RTP port (and RTCP port) as Janus chose them. */
  async create(request: {
    id: number;
    description: string;
    adminKey: string;
    fmtp: string;
  }): Promise<{ port: number; rtcpPort: number | null }> {
    const data = await this.message({
      request: "create",
      type: "rtp",
      id: request.id,
      name: `eyrie-${request.id}`,
      description: request.description,
      is_private: false,
      permanent: false,
      ...(request.adminKey === "" ? {} : { admin_key: request.adminKey }),
      media: [{
        type: "video",
        mid: "v",
        port: 0,
        rtcpport: 0,
        pt: 96,
        codec: "h264",
        fmtp: request.fmtp,
      }],
    });
    const ports = (data.stream as { ports?: { port?: number; rtcp_port?: number }[] } | undefined)
      ?.ports;
    const port = ports?.[0]?.port;
    if (typeof port !== "number") {
      throw new JanusError("Janus created the mountpoint without a port");
    }
    return { port, rtcpPort: ports?.[0]?.rtcp_port ?? null };
  }

  /** The mountpoint's state, or null when Janus has no such mountpoint. */
  async info(id: number): Promise<MountpointInfo | null> {
    try {
      const data = await this.message({ request: "info", id });
      const info = data.info as { viewers?: number; media?: { age_ms?: number; port?: number }[] };
      return {
        viewers: info?.viewers ?? 0,
        ageMs: info?.media?.[0]?.age_ms ?? null,
        port: info?.media?.[0]?.port ?? null,
      };
    } catch (e) {
      if (e instanceof JanusError && e.code === NO_SUCH_MOUNTPOINT) return null;
      throw e;
    }
  }

  /** Destroys the mountpoint; true when it was there. */
  async destroy(id: number, adminKey: string): Promise<boolean> {
    try {
      await this.message({
        request: "destroy",
        id,
        permanent: false,
        ...(adminKey === "" ? {} : { admin_key: adminKey }),
      });
      return true;
    } catch (e) {
      if (e instanceof JanusError && e.code === NO_SUCH_MOUNTPOINT) return false;
      throw e;
    }
  }

  /** Ends the session (best effort). */
  async close(): Promise<void> {
    const session = this.#session;
    this.reset();
    if (session !== null) await this.#post(`/${session}`, { janus: "destroy" }).catch(() => {});
  }
}

/** What a failed fetch means, in words a user can act on. */
export function networkCause(e: unknown, where: string): string {
  const message = e instanceof Error
    ? `${e.message} ${String((e as { cause?: unknown }).cause ?? "")}`
    : String(e);
  if (e instanceof DOMException && e.name === "TimeoutError") {
    return `no answer from ${where} within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  if (/refused/i.test(message)) return `connection refused by ${where} (is Janus running?)`;
  if (/dns|lookup|resolve|not known/i.test(message)) {
    return `host name of ${where} does not resolve`;
  }
  if (/certificate|tls|ssl/i.test(message)) return `TLS with ${where}: ${message.trim()}`;
  return `${where}: ${message.trim()}`;
}
