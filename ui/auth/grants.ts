/**
 * Grants in `auth_grants`, one per subject: "user:NAME" for a user,
 * "cert:FINGERPRINT" for a client certificate that maps to no user.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { QualityPreset } from "../../actors/defs.ts";
import { type Grant, parseCameraList, parseQuality } from "./grant.ts";

/** The subject of a user's grant. */
export function userSubject(name: string): string {
  return `user:${name}`;
}

/** The subject of a certificate's grant (bound to that exact certificate). */
export function certSubject(fingerprint256: string): string {
  return `cert:${fingerprint256}`;
}

/** A stored grant with who it is for and who set it. */
export interface GrantRecord {
  subject: string;
  label: string;
  grant: Grant;
  updatedMs: number;
  updatedBy: string;
}

function toGrant(row: Record<string, unknown>): Grant {
  let cameras: readonly string[] | "*" = [];
  try {
    const list = JSON.parse(String(row.cameras));
    if (Array.isArray(list)) cameras = parseCameraList(list.map(String));
  } catch {
    // A damaged row grants no camera.
  }
  let max: QualityPreset = "low";
  try {
    max = parseQuality(String(row.max_quality));
  } catch {
    // Likewise the lowest quality.
  }
  let libraries: readonly string[] | "*" = [];
  try {
    const list = JSON.parse(String(row.libraries ?? "[]"));
    // Library ids follow the camera id rule ([a-z0-9-]): the same parser checks them.
    if (Array.isArray(list)) libraries = parseCameraList(list.map(String));
  } catch {
    // A damaged row opens no library.
  }
  return {
    cameras,
    libraries,
    can_record: row.can_record === 1,
    can_download: row.can_download === 1,
    can_control_quality: row.can_control_quality === 1,
    can_talk: row.can_talk === 1,
    max_quality: max,
  };
}

function toRecord(row: Record<string, unknown>): GrantRecord {
  return {
    subject: String(row.subject),
    label: String(row.label),
    grant: toGrant(row),
    updatedMs: Number(row.updated_ms),
    updatedBy: String(row.updated_by),
  };
}

export class Grants {
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

  get(subject: string): Grant | null {
    const row = this.#sql("SELECT * FROM auth_grants WHERE subject = ?").get(subject);
    return row === undefined ? null : toGrant(row);
  }

  list(): GrantRecord[] {
    return this.#sql("SELECT * FROM auth_grants ORDER BY subject").all().map(toRecord);
  }

  /** Creates or replaces the grant of `subject`. */
  set(subject: string, label: string, grant: Grant, by: string, nowMs = Date.now()): void {
    const cameras = JSON.stringify(grant.cameras === "*" ? ["*"] : grant.cameras);
    const libraries = JSON.stringify(grant.libraries === "*" ? ["*"] : grant.libraries ?? []);
    this.#sql(
      `INSERT INTO auth_grants
         (subject, label, cameras, can_record, can_download, can_control_quality, max_quality,
          updated_ms, updated_by, libraries, can_talk)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (subject) DO UPDATE SET label = excluded.label, cameras = excluded.cameras,
         can_record = excluded.can_record, can_download = excluded.can_download,
         can_control_quality = excluded.can_control_quality, max_quality = excluded.max_quality,
         updated_ms = excluded.updated_ms, updated_by = excluded.updated_by,
         libraries = excluded.libraries, can_talk = excluded.can_talk`,
    ).run(
      subject,
      label,
      cameras,
      grant.can_record ? 1 : 0,
      grant.can_download ? 1 : 0,
      grant.can_control_quality ? 1 : 0,
      grant.max_quality,
      nowMs,
      by,
      libraries,
      grant.can_talk === true ? 1 : 0,
    );
  }

  remove(subject: string): boolean {
    return Number(
      this.#sql("DELETE FROM auth_grants WHERE subject = ?").run(subject).changes,
    ) > 0;
  }
}
