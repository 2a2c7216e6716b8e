/**
 * One RTP output's destination as a link to the world outside
 * (actors/supervisor/link.ts): resolved and opened, then up once it has
 * taken packets for {@linkcode PROBATION_MS} without the network refusing
 * them; offline with the cause when it does (connection refused, no route,
 * a name that does not resolve), and tried again per `LINK_RETRY` with new
 * sockets and a fresh name lookup. The actor keeps running all along; its
 * supervisor never hears of it.
 *
 * @module
 */
import { isMulticastAddress } from "../../transports/rtp/mod.ts";
import { type LinkStatus, linkStatus, type RtpOutputConfig } from "../defs.ts";
import { Link, type LinkNote } from "../supervisor/link.ts";
import { type RtpFault, type RtpFaultReason, sendFault, setupFault } from "./fault.ts";
import { resolveHost } from "./resolve.ts";
import { openSockets, type Sockets } from "./sockets.ts";

/**
 * A destination is up once it took packets this long with no fault. Reason:
 * the kernel hears of a closed port or a lost route through ICMP, which comes
 * back within a round trip (well under a second on a LAN) and shows on a
 * later send; before that, "up" would be a guess.
 */
export const PROBATION_MS = 1000;

/** What the actor's stats show of its destination. */
export interface DestinationStatus extends LinkStatus {
  /** The kind of the fault while offline, else null (a bounded metrics label). */
  reason: RtpFaultReason | null;
}

/** Options of {@linkcode RtpDestination}; clocks are injectable for tests. */
export interface RtpDestinationOptions {
  output: number;
  config: RtpOutputConfig;
  /** What the link is called in the log; default "rtp output N to host:port". */
  what?: string;
  now?: () => number;
  random?: () => number;
}

/** The link of one `[[camera.rtp]]` and its sockets while it has some. */
export class RtpDestination {
  readonly link: Link;
  readonly #config: RtpOutputConfig;
  readonly #now: () => number;
  #sockets: Sockets | null = null;
  #reason: RtpFaultReason | null = null;
  /** Epoch ms of the first packet sent on the current sockets; 0 before one. */
  #sendingSince = 0;
  #opening = false;
  /** Whether the first open is still to come. */
  #first = true;

  constructor(options: RtpDestinationOptions) {
    const { host, port } = options.config;
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
    this.link = new Link({
      what: options.what ??
        `rtp output ${options.output} to ${host.includes(":") ? `[${host}]` : host}:${port}`,
      now: this.#now,
      random: options.random,
    });
  }

  /** The open sockets, or null while connecting or offline. */
  get sockets(): Sockets | null {
    return this.#sockets;
  }

  status(): DestinationStatus {
    return { ...linkStatus(this.link.state), reason: this.#reason };
  }

  /** Whether to open now: no sockets, no open under way, and the first try or the retry time. */
  due(): boolean {
    if (this.#sockets !== null || this.#opening) return false;
    const s = this.link.state;
    return s.state !== "offline" || this.#now() >= s.retryAt;
  }

  /**
   * Resolves the host and opens the sockets. On failure the link goes
   * offline with the cause; the note (if any) is for the log.
   */
  async open(): Promise<{ opened: boolean; note: LinkNote | null }> {
    this.#opening = true;
    this.link.connecting();
    let resolved: { address: string; family: 4 | 6 } | null = null;
    try {
      resolved = await resolveHost(this.#config.host);
      this.#sockets = openSockets(this.#config, resolved);
      this.#sendingSince = 0;
      this.#first = false;
      return { opened: true, note: null };
    } catch (error) {
      const to = resolved === null ? null : {
        address: resolved.address,
        port: this.#config.port,
        multicast: isMulticastAddress(resolved.address),
      };
      return { opened: false, note: this.#down(setupFault(error, this.#config.host, to)) };
    } finally {
      this.#opening = false;
    }
  }

  /** Whether the next open is the first one (a retry after an outage asks for a keyframe). */
  get first(): boolean {
    return this.#first;
  }

  /** A packet went out; once the probation passed, the link is up (a note when it was down). */
  sent(): LinkNote | null {
    if (this.link.state.state === "up") return null;
    const now = this.#now();
    if (this.#sendingSince === 0) this.#sendingSince = now;
    if (now - this.#sendingSince < PROBATION_MS) return null;
    this.#reason = null;
    return this.link.up();
  }

  /**
   * A send returned `errno`. A fault of the destination closes the sockets
   * and takes the link offline (`fault: true`); anything else cost only the
   * packet.
   */
  failed(errno: number): { fault: boolean; note: LinkNote | null } {
    const s = this.#sockets;
    if (s === null) return { fault: false, note: null };
    const fault = sendFault(errno, {
      address: s.address,
      port: this.#config.port,
      multicast: s.multicast,
    });
    if (fault === null) return { fault: false, note: null };
    return { fault: true, note: this.#down(fault) };
  }

  /** Closes the sockets (stop). */
  close(): void {
    this.#sockets?.[Symbol.dispose]();
    this.#sockets = null;
  }

  #down(fault: RtpFault): LinkNote | null {
    this.close();
    this.#reason = fault.reason;
    return this.link.down(fault.cause).note;
  }
}
