/**
 * Whether an offer starts now, waits its turn, or is refused. Refused only
 * for what waiting cannot cure: the camera has `max_viewers`, or one client
 * already has too many offers connecting and waiting. A burst (handshakes
 * in flight, a Worker briefly busy) waits in a bounded queue
 * (offer_queue.ts) instead. Pure.
 *
 * A client is the user when the request carries one (a session cookie or a
 * client certificate), else its address: one user cannot hold every
 * connecting slot, and users who share an address (a NAT, a proxy, this
 * machine) do not share a cap.
 *
 * @module
 */
import type { OfferReply } from "./protocol.ts";

/**
 * Sessions in ICE + DTLS at once. werift's handshake is JS crypto (5–15 ms
 * of CPU per session here): a burst of them delays every connected viewer
 * in the Worker. More wait their turn.
 */
export const MAX_CONNECTING = 8;
/**
 * Connecting sessions (and offers being answered) of one client. A console
 * page starts one session per camera and a player retries one at a time;
 * half of MAX_CONNECTING leaves the other half to everyone else when one
 * client posts offers that never finish ICE (they hold a slot for
 * CONNECT_TIMEOUT_MS each).
 */
export const MAX_CONNECTING_PER_CLIENT = 4;
/** Offers of one client waiting at once; more are refused (429) at once. */
export const MAX_WAITING_PER_CLIENT = 4;
/** Offers waiting at once, all clients: bounded memory and a bounded wait. */
export const MAX_WAITING = 32;
/**
 * How long an offer waits for its turn: a few handshakes' time, well inside
 * a browser's patience and the actor call timeout (10 s); then 503 with
 * Retry-After.
 */
export const MAX_WAIT_MS = 3_000;
/**
 * The viewer Worker's own CPU (share of one core) above which new viewers
 * wait: one Worker is one core, each viewer costs it 2–3 % at 2 Mb/s, and
 * past this every viewer's packets would go out late. Its own thread's CPU,
 * not its tick lateness: other processes taking the cores make the tick
 * late without a viewer more or less changing anything.
 */
export const MAX_WORKER_CPU = 0.85;

/** Who asks, from the request (ui/http/whep.ts). */
export interface Client {
  /** The remote address ("" when unknown). */
  address: string;
  /** The grant subject of the signed-in user or client certificate, or null. */
  user: string | null;
}

/** The key a client's counts are kept under. */
export function clientKey(client: Client): string {
  return client.user !== null ? `user ${client.user}` : `address ${client.address}`;
}

export interface Load {
  /** Sessions in the actor (connected or connecting) plus offers being answered. */
  sessions: number;
  /** Sessions connecting plus offers being answered. */
  connecting: number;
  /** Offers waiting, all clients (not counting the one asking). */
  waiting: number;
  maxViewers: number;
  /** The Worker's own CPU, share of one core (smoothed). */
  cpu: number;
  /** The asking client's offers connecting (or being answered) and waiting (not this one). */
  mine: { connecting: number; waiting: number };
}

export type Refusal = Extract<OfferReply, { ok: false }>;

export type Admission =
  | { kind: "start" }
  | { kind: "wait"; why: string }
  | { kind: "refuse"; refusal: Refusal };

function tooMany(load: Load): Refusal {
  return {
    ok: false,
    problem: "too_many_viewers",
    message: `This camera has ${load.sessions} of at most ${load.maxViewers} viewers`,
  };
}

/** Why an offer cannot start now, or null when it can. */
function blocked(load: Load): string | null {
  if (load.mine.connecting >= MAX_CONNECTING_PER_CLIENT) {
    return `you have ${load.mine.connecting} viewers connecting to this camera`;
  }
  if (load.connecting >= MAX_CONNECTING) {
    return `${load.connecting} viewers are connecting to this camera`;
  }
  if (load.cpu > MAX_WORKER_CPU) {
    return `live view of this camera is at capacity (its Worker uses ${
      Math.round(load.cpu * 100)
    } % of a core)`;
  }
  return null;
}

/** A new offer: start, wait in the queue, or refuse. */
export function admit(load: Load): Admission {
  if (load.sessions >= load.maxViewers) return { kind: "refuse", refusal: tooMany(load) };
  const why = blocked(load);
  if (why === null) return { kind: "start" };
  if (load.mine.waiting >= MAX_WAITING_PER_CLIENT) {
    return {
      kind: "refuse",
      refusal: {
        ok: false,
        problem: "client_busy",
        message: `Too many offers from you at once: ${why}, and ${load.mine.waiting} waiting`,
      },
    };
  }
  if (load.waiting >= MAX_WAITING) {
    return {
      kind: "refuse",
      refusal: { ok: false, problem: "busy", message: `Too many viewers waiting: ${why}` },
    };
  }
  return { kind: "wait", why };
}

/** A waiting offer, `waitedMs` after it came: start, go on waiting, or refuse. */
export function admitWaiting(load: Load, waitedMs: number): Admission {
  if (load.sessions >= load.maxViewers) return { kind: "refuse", refusal: tooMany(load) };
  const why = blocked(load);
  if (why === null) return { kind: "start" };
  if (waitedMs < MAX_WAIT_MS) return { kind: "wait", why };
  const mine = load.mine.connecting >= MAX_CONNECTING_PER_CLIENT;
  return {
    kind: "refuse",
    refusal: {
      ok: false,
      problem: mine ? "client_busy" : "busy",
      message: `Waited ${Math.round(waitedMs / 1000)} s: ${why}; retry later`,
    },
  };
}
