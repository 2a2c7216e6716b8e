/**
 * Starts werift 0.25.2's DTLS handshake as soon as ICE is connected. werift's
 * RTCDtlsTransport.start() makes its DtlsClient and then sleeps a fixed 100
 * ms before it sends the ClientHello: a tenth of a second on every viewer's
 * first frame (measured: ICE connected → DTLS connected 113 ms with one
 * viewer, of which 13 ms are the handshake).
 *
 * The sleep is not needed here: the browser is the DTLS server and has our
 * answer (so our fingerprint) before it sends its first ICE check, and a
 * browser keeps a ClientHello that arrives before its ICE transport is
 * writable (Chromium's DtlsTransport caches it). A ClientHello lost all the
 * same is sent again by werift's flight timer (0.5 s).
 *
 * How: the DtlsClient constructor calls setupExtensions(); from there a
 * microtask calls connect() once werift's code in the same turn has
 * subscribed to the client's events (it then awaits its sleep). When werift
 * calls connect() itself after the sleep it gets the same promise.
 *
 * @module
 */
import { DtlsClient } from "werift";

type Connect = (this: DtlsClient) => Promise<void>;

const started = new WeakMap<DtlsClient, Promise<void>>();
let installed = false;

/** Starts every werift DTLS client made from now on in this Worker at once. Idempotent. */
export function installEarlyDtlsStart(): void {
  if (installed) return;
  installed = true;
  const proto = DtlsClient.prototype as unknown as {
    connect: Connect;
    setupExtensions(this: DtlsClient): void;
  };
  const connect = proto.connect;
  proto.connect = function (this: DtlsClient) {
    let p = started.get(this);
    if (p === undefined) {
      p = connect.call(this);
      started.set(this, p);
    }
    return p;
  };
  // DtlsClient inherits setupExtensions from DtlsSocket; this own property shadows it for clients.
  const setup = Object.getPrototypeOf(proto).setupExtensions as (this: DtlsClient) => void;
  proto.setupExtensions = function (this: DtlsClient) {
    setup.call(this);
    queueMicrotask(() => {
      // werift attaches its own handler when it calls connect() after its sleep; until
      // then a failure is only held (it also reaches werift through the client's onError).
      this.connect().catch(() => {});
    });
  };
}
