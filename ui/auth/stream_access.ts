/**
 * Who may watch a camera over RTSP. The RTSP server (actors/rtsp/, a
 * Worker) asks here, on the main thread, for each DESCRIBE, SETUP and PLAY;
 * the answer follows the console's rules with RTSP's means of sign-in:
 *
 * - Auth is on as soon as one user exists. With none, an RTSP server on a
 *   loopback address lets everyone watch (as the console does) and one the
 *   network reaches lets nobody (`eyrie run` refuses to start that way).
 * - A user signs in with their RTSP password (`eyrie user rtsp NAME`), by
 *   Digest (MD5, what every RTSP client speaks), or by Basic only over an
 *   encrypted connection. Failures count against the same limits as the
 *   console's sign-in (per address and per account).
 * - The user then needs the `view` requirement of the access table for
 *   the camera: an admin, or a grant that names it within `max_quality`.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import {
  type Config,
  RTSP_REALM,
  type RtspConfig,
  type StreamAccessRequest,
  type StreamAccessVerdict,
} from "../../actors/defs.ts";
import { digestHa1, digestResponse, parseAuthorization } from "../../transports/rtsp/mod.ts";
import { isLoopback, parseListen } from "../config/mod.ts";
import type { AccessRule } from "./access_table.ts";
import { userSubject } from "./grants.ts";
import { decide } from "./policy.ts";
import type { AuthStore } from "./service.ts";
import { LoginThrottle } from "./throttle.ts";

/** How RTSP auth stands: as the console's AuthMode, without client certificates. */
export type RtspAuthMode = "on" | "off" | "closed";

export function rtspAuthMode(rtsp: Pick<RtspConfig, "listen">, userCount: number): RtspAuthMode {
  if (userCount > 0) return "on";
  return isLoopback(parseListen(rtsp.listen).hostname) ? "off" : "closed";
}

/** The requirement every RTSP request to a camera has: the access table's `view`. */
const VIEW: AccessRule = {
  methods: "*",
  pattern: "rtsp://*/:id",
  need: "view",
  camera: { param: "id" },
};

function equalHex(a: string, b: string): boolean {
  return a.length === b.length &&
    timingSafeEqual(new TextEncoder().encode(a), new TextEncoder().encode(b));
}

export interface StreamAccessOptions {
  /** The state file's auth tables (opened when the first request comes). */
  store: () => AuthStore;
  config: () => Config;
  /** Size and rate of a camera's stream, for `max_quality`; undefined for no such camera. */
  stream: (camera: string) => { width: number; height: number; fps: number } | undefined;
  now?: () => number;
}

/** Answers the RTSP server's access requests. */
export class StreamAccess {
  readonly throttle = new LoginThrottle();
  readonly #options: StreamAccessOptions;

  constructor(options: StreamAccessOptions) {
    this.#options = options;
  }

  check(req: StreamAccessRequest): StreamAccessVerdict {
    const { store: storeOf, config, stream, now = Date.now } = this.#options;
    const rtsp = config().rtsp;
    if (rtsp === null) return { ok: false, status: 403, reason: "The RTSP server is off" };
    const store = storeOf();
    const mode = rtspAuthMode(rtsp, store.users.count());
    if (mode === "off") return { ok: true, user: null };
    const challenge = (reason: string, stale = false): StreamAccessVerdict => ({
      ok: false,
      status: 401,
      reason,
      stale,
    });
    if (mode === "closed") return challenge("Nobody can sign in: no users exist");
    const auth = parseAuthorization(req.authorization ?? undefined);
    if (auth === null) return challenge("Sign in with Digest (user name and RTSP password)");
    const name = auth.scheme === "digest" ? auth.credentials.username : auth.username;
    if (auth.scheme === "basic" && !req.secure) {
      return challenge("Basic sends the password in clear text: use Digest");
    }
    if (auth.scheme === "digest") {
      if (auth.credentials.realm !== RTSP_REALM) return challenge("Wrong realm");
      // An answer to another connection's challenge: ask again, without counting a failure.
      if (auth.credentials.nonce !== req.nonce) return challenge("Stale nonce", true);
    }
    const admitted = this.throttle.begin(req.address, name, now());
    if (!admitted.ok) {
      return {
        ok: false,
        status: 503,
        reason: admitted.limited === "address"
          ? `Too many failed sign-ins from ${req.address}`
          : "Too many failed sign-ins for this user",
        retryAfterS: admitted.retryAfterS,
      };
    }
    const ha1 = store.users.rtspHa1(name);
    const right = ha1 !== null &&
      (auth.scheme === "digest"
        ? equalHex(digestResponse(ha1, req.method, auth.credentials), auth.credentials.response)
        : equalHex(digestHa1(name, RTSP_REALM, auth.password.normalize("NFC")), ha1));
    if (!right) return challenge("Wrong user name or RTSP password");
    this.throttle.succeed(admitted.attempt);
    const user = store.users.get(name)!;
    const decision = decide(
      {
        kind: "user",
        name,
        role: user.role,
        via: "session",
        grant: store.grants.get(userSubject(name)),
      },
      VIEW,
      { camera: req.camera, stream: stream(req.camera) },
    );
    switch (decision.kind) {
      case "allow":
        return { ok: true, user: name };
      case "unauthenticated":
        return challenge(decision.reason);
      case "forbidden":
        return { ok: false, status: 403, reason: decision.reason };
    }
  }
}
