/**
 * The connection to the MQTT broker, a link to the world outside
 * (actors/supervisor/link.ts): a broker that is down at start, restarts,
 * refuses the login or the certificate is `offline` with that cause, tried
 * again per LINK_RETRY (1 s doubling to a minute), forever, while the rest
 * of eyrie runs on. mqtt.js's own reconnect is off: the Link decides.
 *
 * While offline, events wait in a bounded queue (the oldest go first, and
 * are counted); state (availability, sensors, stats, snapshots, discovery)
 * is not queued: it is published whole again at each connect, so nothing
 * stale is replayed. A last will says `offline` for eyrie if the connection
 * dies; a clean stop says it itself.
 *
 * @module
 */
import type { IClientOptions, MqttClient } from "mqtt";
import { type LinkStatus, linkStatus, type MqttConfig } from "../../actors/defs.ts";
import type { Logger } from "../../actors/log/logger.ts";
import { Link, type LinkNote } from "../../actors/supervisor/link.ts";

/**
 * mqtt.js, loaded by the first connect (~11 MB of the main thread's heap, measured by importing it
 * alone): an eyrie without `[mqtt]` never loads it.
 */
let mqttJs: typeof import("mqtt").default | undefined;

/** Events kept while the broker is away. Reason: a few minutes of a busy camera; older ones are stale. */
export const MAX_QUEUED_EVENTS = 1000;
/**
 * Largest packet the broker may send (MQTT 5 Maximum Packet Size). Reason:
 * eyrie subscribes only to its command topics, whose payloads are a few bytes;
 * anyone who can publish there must not make it buffer megabytes.
 */
export const MAX_INCOMING_PACKET_BYTES = 64 * 1024;
/** A connection attempt that has not been acknowledged in this long failed. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Bytes waiting in the socket past which messages wait in the queue instead. */
const MAX_SOCKET_BACKLOG_BYTES = 4 << 20;

export interface LinkMessage {
  topic: string;
  payload: string | Uint8Array;
  retain: boolean;
}

/** The link's state and counts, as `/api/mqtt` shows them. */
export interface MqttStats extends LinkStatus {
  url: string;
  connects: number;
  published: number;
  received: number;
  /** Events that waited while offline and were dropped for newer ones. */
  dropped: number;
  queued: number;
  lastError: string | null;
}

export interface MqttLinkOptions {
  config: MqttConfig;
  log: Logger;
  /** What the broker says for eyrie when the connection dies. */
  will: { topic: string; payload: string };
  subscriptions: string[];
  /** Connected: publish the whole state. */
  onConnect(): void;
  onMessage(topic: string, payload: Uint8Array): void;
}

/** Why a connection failed, in words a user can act on. */
export function mqttCause(error: unknown, where: string): string {
  const e = error as { code?: string | number; message?: string };
  const message = e?.message ?? String(error);
  switch (e?.code) {
    case "ECONNREFUSED":
      return `connection refused by ${where} (is the broker running?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host name of ${where} does not resolve`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${where} cannot be reached (${e.code})`;
    case "ECONNRESET":
      return `${where} closed the connection`;
    case 4:
    case 134:
      return `${where} refused the user name or password`;
    case 5:
    case 135:
      return `${where} refused: not authorized`;
  }
  if (/certificate|self.signed|SSL|TLS/i.test(message)) return `TLS with ${where}: ${message}`;
  if (/connack timeout|timeout/i.test(message)) {
    return `no answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`;
  }
  return `${where}: ${message}`;
}

export class MqttLink {
  readonly #o: MqttLinkOptions;
  readonly #link: Link;
  readonly #where: string;
  readonly #queue: LinkMessage[] = [];
  #client: MqttClient | null = null;
  #connected = false;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  readonly stats: Omit<MqttStats, keyof LinkStatus | "queued">;

  constructor(options: MqttLinkOptions) {
    this.#o = options;
    const url = new URL(options.config.url);
    this.#where = `${url.hostname}:${url.port || (url.protocol === "mqtts:" ? 8883 : 1883)}`;
    this.#link = new Link({ what: `mqtt broker ${this.#where}` });
    this.stats = {
      url: options.config.url,
      connects: 0,
      published: 0,
      received: 0,
      dropped: 0,
      lastError: null,
    };
  }

  get connected(): boolean {
    return this.#connected;
  }

  status(): MqttStats {
    return { ...linkStatus(this.#link.state), ...this.stats, queued: this.#queue.length };
  }

  start(): void {
    this.#connect();
  }

  #note(n: LinkNote | null): void {
    if (n !== null) this.#o.log[n.level](n.message, n.fields);
  }

  #connect(): void {
    if (this.#stopped) return;
    if (mqttJs === undefined) {
      // The first connect loads mqtt.js; an eyrie without [mqtt] never does.
      import("mqtt").then((m) => {
        mqttJs = m.default;
        this.#connect();
      }, (e) => {
        this.#link.connecting();
        this.#down(`cannot load mqtt.js: ${(e as Error).message}`);
      });
      return;
    }
    const c = this.#o.config;
    this.#link.connecting();
    let ca: string | undefined;
    try {
      ca = c.ca === "" ? undefined : Deno.readTextFileSync(c.ca);
    } catch (e) {
      this.#down(`cannot read the CA file ${c.ca}: ${(e as Error).message}`);
      return;
    }
    const options: IClientOptions = {
      clientId: c.client_id,
      username: c.user === "" ? undefined : c.user,
      password: c.user === "" ? undefined : c.password,
      protocolVersion: 5,
      properties: { maximumPacketSize: MAX_INCOMING_PACKET_BYTES },
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      queueQoSZero: false,
      will: {
        topic: this.#o.will.topic,
        payload: new TextEncoder().encode(this.#o.will.payload) as never,
        qos: 1,
        retain: true,
      },
      ...(ca === undefined ? {} : { ca }),
    };
    const client = mqttJs.connect(c.url, options);
    this.#client = client;
    let failure: unknown = null;
    client.on("connect", () => {
      if (client !== this.#client) return;
      this.#connected = true;
      this.stats.connects++;
      this.#note(this.#link.up());
      client.subscribe(this.#o.subscriptions, { qos: 0 }, (error) => {
        if (error) this.#o.log.warn("mqtt subscribe failed", { error: error.message });
      });
      this.#o.onConnect();
      for (const m of this.#queue.splice(0)) this.#send(client, m);
    });
    client.on("message", (topic, payload) => {
      this.stats.received++;
      this.#o.onMessage(topic, payload);
    });
    client.on("error", (error) => {
      failure = error;
    });
    client.on("disconnect", (packet) => {
      failure = new Error(`the broker disconnected (reason ${packet.reasonCode ?? "?"})`);
    });
    client.on("close", () => {
      if (client !== this.#client) return;
      this.#connected = false;
      this.#client = null;
      client.removeAllListeners();
      client.on("error", () => {});
      client.end(true);
      if (this.#stopped) return;
      this.#down(mqttCause(failure ?? new Error("the broker closed the connection"), this.#where));
    });
  }

  #down(cause: string): void {
    this.stats.lastError = cause;
    const { delayMs, note } = this.#link.down(cause);
    this.#note(note);
    this.#retry = setTimeout(() => this.#connect(), delayMs);
  }

  #send(client: MqttClient, m: LinkMessage): void {
    client.publish(m.topic, typeof m.payload === "string" ? m.payload : m.payload as never, {
      qos: 0,
      retain: m.retain,
    });
    this.stats.published++;
  }

  /**
   * Publishes now if connected; else an event (not retained) waits in the
   * bounded queue and state is dropped (the next connect publishes it whole).
   */
  publish(m: LinkMessage): void {
    const client = this.#client;
    const backlog = (client?.stream as { writableLength?: number } | undefined)?.writableLength ??
      0;
    if (client !== null && this.#connected && backlog < MAX_SOCKET_BACKLOG_BYTES) {
      this.#send(client, m);
      return;
    }
    if (m.retain) return;
    if (this.#queue.length >= MAX_QUEUED_EVENTS) {
      this.#queue.shift();
      this.stats.dropped++;
    }
    this.#queue.push(m);
  }

  /** Publishes `last` (eyrie's own "offline"), then closes. Within `timeoutMs`. */
  async stop(last: LinkMessage | null, timeoutMs = 2000): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    if (client === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const end = () =>
        client.end(false, {}, () => {
          clearTimeout(timer);
          resolve();
        });
      if (last !== null && this.#connected) {
        client.publish(last.topic, last.payload as string, { qos: 1, retain: last.retain }, end);
      } else end();
    });
    this.#connected = false;
    client.removeAllListeners();
    client.on("error", () => {});
    client.end(true);
  }
}
