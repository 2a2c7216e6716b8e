/**
 * A guard around werift 0.25.2's DTLS client (we are the client: an ICE-lite
 * agent is controlled, and werift's controlled side takes the client role).
 *
 * The race: werift's key exchange is JS crypto. When it takes longer than
 * the browser's retransmission timer, the browser sends its flight 4
 * (ServerHello … ServerHelloDone) again. werift handles the copy as new: it
 * builds another Flight5, feeds it the same messages again and, once the
 * handshake has finished, runs flight 5 a second time, deriving keys again.
 * The browser then rejects every SRTP packet: a connected session that never
 * shows a frame (about 3 % of sessions here, more under load).
 *
 * The guard drops a flight-4 message type that was already received once
 * the ServerHelloDone has been seen. Nothing is lost: werift's flight 5
 * retransmits on its own timer until the browser's Finished arrives, and a
 * flight-4 message that really was lost (not seen yet) still gets through.
 * A session that still goes wrong is caught by health.ts (no delivery in 3 s).
 *
 * @module
 */
import { DtlsClient } from "werift";

/** DTLS 1.2 handshake types of the server's flight 4 (RFC 6347 4.2.4). */
const SERVER_HELLO = 2;
const CERTIFICATE = 11;
const SERVER_KEY_EXCHANGE = 12;
const CERTIFICATE_REQUEST = 13;
const SERVER_HELLO_DONE = 14;
const FLIGHT_4 = [SERVER_HELLO, CERTIFICATE, SERVER_KEY_EXCHANGE, CERTIFICATE_REQUEST] as const;

type Handshakes = Parameters<DtlsClient["onHandleHandshakes"]>[0];

let installed = false;
let dropped = 0;
const guarded = new WeakSet<DtlsClient>();

/** Flight-4 messages dropped as retransmissions since the guard was installed (this Worker). */
export function dtlsRetransmitsDropped(): number {
  return dropped;
}

function guard(client: DtlsClient): void {
  // connect() may be called twice (dtls_start.ts): wrap the handler once.
  if (guarded.has(client)) return;
  guarded.add(client);
  const handle = client.onHandleHandshakes;
  const seen = new Set<number>();
  let helloDone = false;
  client.onHandleHandshakes = (assembled: Handshakes) => {
    let kept = assembled;
    if (helloDone) {
      kept = assembled.filter((h) => !seen.has(h.msg_type));
      dropped += assembled.length - kept.length;
      if (kept.length === 0) return Promise.resolve();
    }
    for (const h of kept) {
      if ((FLIGHT_4 as readonly number[]).includes(h.msg_type)) seen.add(h.msg_type);
      if (h.msg_type === SERVER_HELLO_DONE) {
        seen.add(SERVER_HELLO_DONE);
        helloDone = true;
      }
    }
    return handle(kept);
  };
}

/** Installs the guard on every werift DTLS client made from now on in this Worker. Idempotent. */
export function installDtlsGuard(): void {
  if (installed) return;
  installed = true;
  const proto = DtlsClient.prototype as { connect(this: DtlsClient): Promise<void> };
  const connect = proto.connect;
  proto.connect = function (this: DtlsClient) {
    // connect() sends ClientHello: nothing from the server can have arrived before it.
    guard(this);
    return connect.call(this);
  };
}
