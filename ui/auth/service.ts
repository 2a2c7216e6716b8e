/**
 * The auth state of a running console: the store in `<data_dir>/eyrie.db`,
 * the session key, the login throttle, and the rule that says whether auth
 * is on.
 *
 * The rule: auth is on as soon as one user exists, or when [tls] requires
 * client certificates. While it is off, a console on a loopback address (or
 * one the config marks `console.insecure`) lets every request through, as
 * eyrie did before users existed; any other console refuses everything
 * (and `eyrie run` refuses to start that way).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Config } from "../../actors/defs.ts";
import type { PeerIdentity } from "../../certs/mod.ts";
import { isLoopback, parseListen } from "../config/mod.ts";
import { Approvals } from "./approvals.ts";
import { openAuthDb } from "./db.ts";
import { certSubject, Grants, userSubject } from "./grants.ts";
import type { Principal } from "./policy.ts";
import { readSession, type SessionClaims, sessionCryptoKey, sessionKey } from "./session.ts";
import { LoginThrottle } from "./throttle.ts";
import { Users } from "./users.ts";
import { settleUsers, usersLost } from "../../actors/state/recovery.ts";

/**
 * Verified session tokens remembered. Reason: one entry per live session
 * (~300 bytes); past it the oldest is forgotten and verified again when seen.
 */
const VERIFIED_TOKENS = 1024;

/** How auth stands for a request. */
export type AuthMode =
  /** Users exist, or client certificates are required. */
  | "on"
  /** Off, on a local (or explicitly insecure) console: everything is allowed. */
  | "off"
  /** Off on a console the network reaches: nothing is allowed until a user exists. */
  | "closed";

/**
 * The mode for `config` with `userCount` users. `usersLost`: the state file
 * was recovered without its users (actors/state/recovery.ts) and none was
 * added since; sign-in may have been required, so nobody gets in.
 */
export function authMode(
  config: Pick<Config, "console" | "tls">,
  userCount: number,
  options: { usersLost?: boolean } = {},
): AuthMode {
  if (userCount > 0 || config.tls?.require_client_cert === true) return "on";
  if (options.usersLost === true) return "closed";
  const { hostname } = parseListen(config.console.listen);
  return isLoopback(hostname) || config.console.insecure ? "off" : "closed";
}

/** The users, grants and approvals of one state file. */
export class AuthStore {
  readonly db: DatabaseSync;
  readonly users: Users;
  readonly grants: Grants;
  readonly approvals: Approvals;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.users = new Users(db);
    this.grants = new Grants(db);
    this.approvals = new Approvals(db);
  }

  /** Opens `<dataDir>/eyrie.db` (creating it), migrating the auth tables. */
  static open(dataDir: string): AuthStore {
    return new AuthStore(openAuthDb(dataDir));
  }

  /** Removes a user with its grant (one transaction). */
  removeUser(name: string): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.users.remove(name);
      this.grants.remove(userSubject(name));
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }
}

/** The auth side of a running console. */
export class AuthService {
  readonly store: AuthStore;
  readonly throttle = new LoginThrottle();
  readonly #config: () => Config;
  #key: Promise<CryptoKey> | undefined;
  /** Tokens whose signature checked out, so a session's next request skips the HMAC. */
  readonly #verified = new Map<string, SessionClaims>();
  #usersLost: boolean | undefined;

  /** `config` is read per request, so a reloaded config applies. */
  constructor(store: AuthStore, config: () => Config) {
    this.store = store;
    this.#config = config;
  }

  get config(): Config {
    return this.#config();
  }

  mode(): AuthMode {
    const users = this.store.users.count();
    // Read once: a recovery happens only at start. Settled for good once a user exists.
    this.#usersLost ??= usersLost(this.store.db);
    if (this.#usersLost && users > 0) {
      settleUsers(this.store.db);
      this.#usersLost = false;
    }
    return authMode(this.#config(), users, { usersLost: this.#usersLost });
  }

  /** The session key (made on first use). */
  get key(): Promise<CryptoKey> {
    return this.#key ??= sessionCryptoKey(sessionKey(this.store.db));
  }

  /**
   * Who a request comes from, with auth on: a client certificate whose
   * common name is a user's name is that user; else a valid session
   * cookie's user; else the certificate itself; else nobody.
   */
  async principal(peer: PeerIdentity | null, sessionToken: string | undefined): Promise<Principal> {
    const { users, grants } = this.store;
    if (peer !== null) {
      const user = users.get(peer.cn);
      if (user !== null) {
        return {
          kind: "user",
          name: user.name,
          role: user.role,
          via: "certificate",
          grant: grants.get(userSubject(user.name)),
        };
      }
    }
    if (sessionToken !== undefined) {
      const claims = await this.#claims(sessionToken);
      const user = claims === null ? null : users.get(claims.name);
      if (user !== null && claims !== null && user.generation === claims.generation) {
        return {
          kind: "user",
          name: user.name,
          role: user.role,
          via: "session",
          grant: grants.get(userSubject(user.name)),
        };
      }
    }
    if (peer !== null) {
      return {
        kind: "certificate",
        cn: peer.cn,
        fingerprint256: peer.fingerprint256,
        grant: grants.get(certSubject(peer.fingerprint256)),
      };
    }
    return { kind: "anonymous" };
  }

  /** The token's claims (signature and expiry checked), remembering valid ones for next time. */
  async #claims(token: string): Promise<SessionClaims | null> {
    const known = this.#verified.get(token);
    if (known !== undefined) {
      if (known.expiresS * 1000 > Date.now()) return known;
      this.#verified.delete(token);
    }
    const claims = await readSession(await this.key, token);
    if (claims === null) return null;
    if (this.#verified.size >= VERIFIED_TOKENS) {
      this.#verified.delete(this.#verified.keys().next().value!);
    }
    this.#verified.set(token, claims);
    return claims;
  }
}
