/**
 * Approval requests in `auth_approvals`: a principal without a grant (an
 * unknown client certificate, a viewer without cameras) asks; an admin
 * approves, which writes its grant, or denies; the decision is kept.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { parseCameraList } from "./grant.ts";

export type ApprovalStatus = "pending" | "approved" | "denied";

/** A request for access and, once taken, its decision. */
export interface Approval {
  id: number;
  subject: string;
  /** The user name, or the certificate's common name. */
  label: string;
  fingerprint256: string | null;
  /** Cameras asked for; empty lets the admin choose. */
  cameras: readonly string[] | "*";
  note: string;
  address: string;
  status: ApprovalStatus;
  requestedMs: number;
  decidedMs: number | null;
  decidedBy: string | null;
}

/** Most requests waiting at once. Reason: each needs an admin's look; more is a flood. */
export const MAX_PENDING = 100;
/** Longest note. Reason: a line or two for the admin. */
export const MAX_NOTE_LENGTH = 500;
/** Decided requests kept for the record. Reason: bounded growth; the grants hold the outcome. */
const KEEP_DECIDED = 1000;

/** A request that cannot be made or decided, with the HTTP status that says why. */
export class ApprovalError extends Error {
  override name = "ApprovalError";
  readonly status: 400 | 403 | 404 | 409 | 429;
  constructor(status: 400 | 403 | 404 | 409 | 429, message: string) {
    super(message);
    this.status = status;
  }
}

function toApproval(row: Record<string, unknown>): Approval {
  let cameras: readonly string[] | "*" = [];
  try {
    cameras = parseCameraList(JSON.parse(String(row.cameras)).map(String));
  } catch {
    // A damaged row asks for nothing in particular.
  }
  return {
    id: Number(row.id),
    subject: String(row.subject),
    label: String(row.label),
    fingerprint256: row.fingerprint === null ? null : String(row.fingerprint),
    cameras,
    note: String(row.note),
    address: String(row.address),
    status: row.status === "approved" ? "approved" : row.status === "denied" ? "denied" : "pending",
    requestedMs: Number(row.requested_ms),
    decidedMs: row.decided_ms === null ? null : Number(row.decided_ms),
    decidedBy: row.decided_by === null ? null : String(row.decided_by),
  };
}

export class Approvals {
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

  get(id: number): Approval | null {
    const row = this.#sql("SELECT * FROM auth_approvals WHERE id = ?").get(id);
    return row === undefined ? null : toApproval(row);
  }

  /** The subject's latest request, if any. */
  latest(subject: string): Approval | null {
    const row = this.#sql(
      "SELECT * FROM auth_approvals WHERE subject = ? ORDER BY id DESC LIMIT 1",
    ).get(subject);
    return row === undefined ? null : toApproval(row);
  }

  /** Requests, newest first; pending ones only with `status`. */
  list(status?: ApprovalStatus): Approval[] {
    const rows = status === undefined
      ? this.#sql("SELECT * FROM auth_approvals ORDER BY id DESC LIMIT 500").all()
      : this.#sql("SELECT * FROM auth_approvals WHERE status = ? ORDER BY id DESC LIMIT 500")
        .all(status);
    return rows.map(toApproval);
  }

  /**
   * Records a request. A subject has at most one pending request (asking
   * again updates it); a subject that was denied cannot ask again until an
   * admin changes the decision.
   */
  ask(
    request: {
      subject: string;
      label: string;
      fingerprint256: string | null;
      cameras: readonly string[] | "*";
      note: string;
      address: string;
    },
    nowMs = Date.now(),
  ): Approval {
    if (request.note.length > MAX_NOTE_LENGTH) {
      throw new ApprovalError(400, `A note may have at most ${MAX_NOTE_LENGTH} characters`);
    }
    const cameras = JSON.stringify(request.cameras === "*" ? ["*"] : request.cameras);
    const last = this.latest(request.subject);
    if (last?.status === "denied") {
      throw new ApprovalError(
        403,
        `Access was denied by ${last.decidedBy} on ${new Date(last.decidedMs ?? 0).toISOString()}`,
      );
    }
    if (last?.status === "pending") {
      this.#sql(
        "UPDATE auth_approvals SET cameras = ?, note = ?, address = ?, requested_ms = ? WHERE id = ?",
      ).run(cameras, request.note, request.address, nowMs, last.id);
      return this.get(last.id)!;
    }
    const pending = Number(
      this.#sql("SELECT count(*) AS n FROM auth_approvals WHERE status = 'pending'").get()
        ?.n ?? 0,
    );
    if (pending >= MAX_PENDING) {
      throw new ApprovalError(429, `${MAX_PENDING} requests are already waiting for an admin`);
    }
    const row = this.#sql(
      `INSERT INTO auth_approvals
         (subject, label, fingerprint, cameras, note, address, status, requested_ms)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING *`,
    ).get(
      request.subject,
      request.label,
      request.fingerprint256,
      cameras,
      request.note,
      request.address,
      nowMs,
    );
    this.#prune();
    return toApproval(row!);
  }

  /** Records an admin's decision on request `id` (a decision may be changed later). */
  decide(id: number, status: "approved" | "denied", by: string, nowMs = Date.now()): Approval {
    const current = this.get(id);
    if (current === null) throw new ApprovalError(404, `No approval request ${id}`);
    this.#sql(
      "UPDATE auth_approvals SET status = ?, decided_ms = ?, decided_by = ? WHERE id = ?",
    ).run(status, nowMs, by, id);
    return this.get(id)!;
  }

  #prune(): void {
    this.#sql(
      `DELETE FROM auth_approvals WHERE status != 'pending' AND id NOT IN
         (SELECT id FROM auth_approvals WHERE status != 'pending' ORDER BY id DESC LIMIT ?)`,
    ).run(KEEP_DECIDED);
  }
}
