/**
 * The werift side of the viewer actor, loaded when the first viewer comes
 * (worker.ts imports it dynamically): werift and its DTLS, SRTP and ASN.1
 * code are ~30 MiB of a Worker's memory (measured: process RSS 53 → 84 MiB
 * for a Worker that loads it and makes its certificate), which a camera
 * nobody watches does not need. The first viewer waits for it once:
 * ~0.15–0.2 s to load, ~0.05–0.1 s for the DTLS certificate.
 *
 * @module
 */
import { RTCDtlsTransport } from "werift";
import { installDtlsGuard } from "./dtls_guard.ts";
import { installEarlyDtlsStart } from "./dtls_start.ts";
import { installFastSrtp } from "./fast_srtp.ts";

export { dtlsRetransmitsDropped } from "./dtls_guard.ts";
export { ViewerSession } from "./session.ts";
export { TalkSession } from "./talk.ts";

/** Patches werift for this Worker and makes the DTLS certificate every session uses. */
export async function prepare(): Promise<void> {
  installDtlsGuard();
  installEarlyDtlsStart();
  installFastSrtp();
  await RTCDtlsTransport.SetupCertificate();
}
