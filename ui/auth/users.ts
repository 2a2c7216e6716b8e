/**
 * Users in `auth_users`: a name, a role, an optional scrypt password hash
 * (none: the user signs in with a client certificate only) and a session
 * generation that ends every session of the user when it changes.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { checkUserName, type Role } from "./grant.ts";
import { checkPassword, hashPassword, verifyPassword } from "./password.ts";
import { digestHa1 } from "../../transports/rtsp/mod.ts";
import { RTSP_REALM } from "../../actors/defs.ts";

/** A user as stored, without the password hash. */
export interface User {
  name: string;
  role: Role;
  /** False for a certificate-only user. */
  hasPassword: boolean;
  /** Whether the user has an RTSP password (`eyrie user rtsp`). */
  hasRtspPassword: boolean;
  generation: number;
  createdMs: number;
  updatedMs: number;
}

/** Most users. Reason: a camera box has a household or a team, not a directory. */
export const MAX_USERS = 1000;

/** A user name that is taken, or one that does not exist. */
export class UserError extends Error {
  override name = "UserError";
}

function toUser(row: Record<string, unknown>): User {
  return {
    name: String(row.name),
    role: row.role === "admin" ? "admin" : "viewer",
    hasPassword: row.password !== null,
    hasRtspPassword: row.rtsp_ha1 !== null && row.rtsp_ha1 !== undefined,
    generation: Number(row.generation),
    createdMs: Number(row.created_ms),
    updatedMs: Number(row.updated_ms),
  };
}

export class Users {
  readonly #db: DatabaseSync;
  /** Statements compiled once: the access check reads these on every request. */
  readonly #statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #sql(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** How many users exist (auth is on as soon as one does). */
  count(): number {
    return Number(this.#sql("SELECT count(*) AS n FROM auth_users").get()?.n ?? 0);
  }

  get(name: string): User | null {
    const row = this.#sql("SELECT * FROM auth_users WHERE name = ?").get(name);
    return row === undefined ? null : toUser(row);
  }

  list(): User[] {
    return this.#sql("SELECT * FROM auth_users ORDER BY name").all().map(toUser);
  }

  /** Adds a user; `password` null makes a certificate-only user. */
  async add(name: string, role: Role, password: string | null, nowMs = Date.now()): Promise<User> {
    checkUserName(name);
    const hash = password === null ? null : await hashPassword(password);
    if (this.get(name) !== null) throw new UserError(`A user named "${name}" already exists`);
    if (this.count() >= MAX_USERS) throw new UserError(`There are already ${MAX_USERS} users`);
    this.#sql(
      "INSERT INTO auth_users (name, role, password, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)",
    ).run(name, role, hash, nowMs, nowMs);
    return this.get(name)!;
  }

  /** Sets (or with null removes) the password and ends the user's sessions. */
  async setPassword(name: string, password: string | null, nowMs = Date.now()): Promise<void> {
    this.#require(name);
    const hash = password === null ? null : await hashPassword(password);
    this.#sql(
      "UPDATE auth_users SET password = ?, generation = generation + 1, updated_ms = ? WHERE name = ?",
    ).run(hash, nowMs, name);
  }

  /**
   * Sets (or with null removes) the user's RTSP password. RTSP Digest needs
   * a secret the server can use, so what is stored is MD5(name:realm:password)
   * (RFC 2617's HA1), apart from the console password's scrypt hash: a
   * stolen state file exposes this password to fast guessing, never the
   * console's. Console sessions go on.
   */
  setRtspPassword(name: string, password: string | null, nowMs = Date.now()): void {
    this.#require(name);
    if (password !== null) checkPassword(password);
    const ha1 = password === null ? null : digestHa1(name, RTSP_REALM, password.normalize("NFC"));
    this.#sql("UPDATE auth_users SET rtsp_ha1 = ?, updated_ms = ? WHERE name = ?")
      .run(ha1, nowMs, name);
  }

  /** The stored RTSP secret (HA1) of `name`, or null without a user or an RTSP password. */
  rtspHa1(name: string): string | null {
    const row = this.#sql("SELECT rtsp_ha1 FROM auth_users WHERE name = ?").get(name);
    return row === undefined || row.rtsp_ha1 === null ? null : String(row.rtsp_ha1);
  }

  /** Changes the role; refuses to demote the last admin. */
  setRole(name: string, role: Role, nowMs = Date.now()): void {
    const user = this.#require(name);
    if (user.role === "admin" && role !== "admin") this.#keepAnAdmin(name);
    this.#sql("UPDATE auth_users SET role = ?, updated_ms = ? WHERE name = ?")
      .run(role, nowMs, name);
  }

  /** Ends every session of the user (logout everywhere). */
  endSessions(name: string, nowMs = Date.now()): void {
    this.#sql(
      "UPDATE auth_users SET generation = generation + 1, updated_ms = ? WHERE name = ?",
    ).run(nowMs, name);
  }

  /**
   * Removes a user (its sessions end with it). Refuses to remove the last
   * admin while other users remain: nobody could manage them.
   */
  remove(name: string): void {
    const user = this.#require(name);
    if (user.role === "admin" && this.count() > 1) this.#keepAnAdmin(name);
    this.#sql("DELETE FROM auth_users WHERE name = ?").run(name);
  }

  /**
   * The user if `password` is theirs, else null. Always spends one scrypt
   * hash, whether or not the user exists or has a password.
   */
  async authenticate(name: string, password: string): Promise<User | null> {
    const row = this.#sql("SELECT * FROM auth_users WHERE name = ?").get(name);
    const stored = row === undefined || row.password === null ? null : String(row.password);
    const ok = await verifyPassword(password, stored);
    return ok && row !== undefined ? toUser(row) : null;
  }

  #require(name: string): User {
    const user = this.get(name);
    if (user === null) throw new UserError(`No user named "${name}"`);
    return user;
  }

  #keepAnAdmin(name: string): void {
    const admins = Number(
      this.#sql("SELECT count(*) AS n FROM auth_users WHERE role = 'admin' AND name != ?")
        .get(name)?.n ?? 0,
    );
    if (admins === 0) {
      throw new UserError(
        `"${name}" is the last admin; make another user admin first (eyrie user add NAME --admin)`,
      );
    }
  }
}
