/**
 * `eyrie certs init|issue|list|revoke|rotate|pin`: the command line over the
 * installation's PKI in certs/ (the CLI lives in ui/, the PKI below it).
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.ts";
import { HELP } from "./certs_help.ts";
import {
  acceptPin,
  type CertInfo,
  initCa,
  issueCert,
  type IssuedCert,
  listCerts,
  normalizeFingerprint,
  parseCertKind,
  parseKeyAlgorithm,
  parseSan,
  readPins,
  REVOCATION_REASONS,
  type RevocationReason,
  revokeCert,
  rotateServerCerts,
  validateDays,
  validateName,
} from "../../certs/mod.ts";

/** What `eyrie certs` needs from the CLI. */
export interface CertsContext {
  /** eyrie's data directory; certificates live in `<dataDir>/certs/`. */
  dataDir: string;
  stdout: (line: string) => void;
}

type Command = Exclude<keyof typeof HELP, "certs">;
const COMMANDS: readonly Command[] = ["init", "issue", "list", "revoke", "rotate", "pin"];

/** Runs a validator on user input, turning its TypeError/RangeError into a UsageError. */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(
  command: Command,
  args: string[],
  options: O,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split(". ")[0] : String(error);
    throw new UsageError(`${message} (see: eyrie certs ${command} --help)`);
  }
}

function days(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`Invalid ${flag} "${value}": expected a whole number of days`);
  }
  return usage(() => validateDays(Number(value)));
}

function positionals(command: Command, got: string[], min: number, max: number): void {
  if (got.length < min) {
    throw new UsageError(`Missing arguments (see: eyrie certs ${command} --help)`);
  }
  if (got.length > max) {
    throw new UsageError(`Unexpected argument "${got[max]}" (see: eyrie certs ${command} --help)`);
  }
}

const day = (date: Date) => `${date.toISOString().slice(0, 16)}Z`;

function status(row: CertInfo, now: Date): string {
  const state = row.revoked
    ? "revoked"
    : row.notAfter <= now
    ? "expired"
    : row.notBefore > now
    ? "not-yet-valid"
    : "valid";
  return row.current ? state : `${state},archived`;
}

function printIssued(ctx: CertsContext, verb: string, cert: IssuedCert): void {
  ctx.stdout(
    `${verb} ${cert.kind} certificate "${cert.name}" (serial ${cert.serial}), ` +
      `valid until ${day(cert.notAfter)}`,
  );
  if (cert.replacedSerial) ctx.stdout(`  replaced:    serial ${cert.replacedSerial} (in archive/)`);
  ctx.stdout(`  certificate: ${cert.certPath}`);
  ctx.stdout(`  key:         ${cert.keyPath} (0600)`);
  if (cert.sans.length > 0) ctx.stdout(`  SANs:        ${cert.sans.join(", ")}`);
  ctx.stdout(`  SHA-256:     ${cert.fingerprint256}`);
}

async function init(dir: string, args: string[], ctx: CertsContext): Promise<number> {
  const { values, positionals: rest } = parse("init", args, {
    algorithm: { type: "string" },
    name: { type: "string" },
    days: { type: "string" },
    force: { type: "boolean" },
  });
  if (values.help) return help(ctx, "init");
  positionals("init", rest, 0, 0);
  const algorithm = usage(() => parseKeyAlgorithm(values.algorithm ?? "ed25519"));
  const ca = await initCa({
    dir,
    algorithm,
    name: values.name,
    validityDays: days(values.days, "--days"),
    force: values.force,
  });
  if (ca.replacedDir) ctx.stdout(`Moved the previous certs directory to ${ca.replacedDir}`);
  ctx.stdout(`Created the CA "${ca.subject}" (${ca.algorithm}) in ${dir}`);
  ctx.stdout(`  valid until ${day(ca.notAfter)}, serial ${ca.serial}`);
  ctx.stdout(`  SHA-256:   ${ca.fingerprint256}`);
  return 0;
}

async function issue(dir: string, args: string[], ctx: CertsContext): Promise<number> {
  const { values, positionals: rest } = parse("issue", args, {
    san: { type: "string", multiple: true },
    days: { type: "string" },
    "no-default-sans": { type: "boolean" },
  });
  if (values.help) return help(ctx, "issue");
  positionals("issue", rest, 2, 2);
  const kind = usage(() => parseCertKind(rest[0]));
  const name = usage(() => validateName(rest[1]));
  const sans = (values.san ?? []).flatMap((value) => value.split(",")).filter((v) => v !== "");
  usage(() => sans.forEach(parseSan));
  if (values["no-default-sans"] && kind !== "server") {
    throw new UsageError("--no-default-sans only applies to server certificates");
  }
  const cert = await issueCert(dir, {
    kind,
    name,
    sans,
    days: days(values.days, "--days"),
    defaultSans: kind === "server" ? !values["no-default-sans"] : false,
  });
  printIssued(ctx, "Issued", cert);
  return 0;
}

async function list(dir: string, args: string[], ctx: CertsContext): Promise<number> {
  const { values, positionals: rest } = parse("list", args, {
    json: { type: "boolean" },
    all: { type: "boolean" },
  });
  if (values.help) return help(ctx, "list");
  positionals("list", rest, 0, 0);
  const rows = await listCerts(dir, { all: values.all });
  const now = new Date();
  if (values.json) {
    ctx.stdout(JSON.stringify(rows.map((row) => ({ ...row, status: status(row, now) }))));
    return 0;
  }
  const table = [
    ["KIND", "NAME", "SERIAL", "NOT-BEFORE", "NOT-AFTER", "STATUS", "SHA-256"],
    ...rows.map((row) => [
      row.kind,
      row.name,
      row.serial,
      day(row.notBefore),
      day(row.notAfter),
      status(row, now),
      row.fingerprint256,
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
  for (const cells of table) {
    ctx.stdout(cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  }
  return 0;
}

async function revoke(dir: string, args: string[], ctx: CertsContext): Promise<number> {
  const { values, positionals: rest } = parse("revoke", args, { reason: { type: "string" } });
  if (values.help) return help(ctx, "revoke");
  positionals("revoke", rest, 1, 1);
  const reason = values.reason === undefined ? undefined : parseReason(values.reason);
  const result = await revokeCert(dir, rest[0], { reason });
  if (result.alreadyRevoked) {
    ctx.stdout(
      `The ${result.kind} certificate "${result.name}" (serial ${result.serial}) ` +
        `was already revoked (${result.reason})`,
    );
    return 0;
  }
  ctx.stdout(
    `Revoked the ${result.kind} certificate "${result.name}" (serial ${result.serial}, ` +
      `${result.reason}); revocation list number ${result.crlNumber}`,
  );
  return 0;
}

function parseReason(value: string): RevocationReason {
  for (const reason of REVOCATION_REASONS) if (reason === value) return reason;
  throw new UsageError(
    `Unknown revocation reason "${value}": expected one of ${REVOCATION_REASONS.join(", ")}`,
  );
}

async function rotate(dir: string, args: string[], ctx: CertsContext): Promise<number> {
  const { values, positionals: rest } = parse("rotate", args, {
    days: { type: "string" },
    within: { type: "string" },
  });
  if (values.help) return help(ctx, "rotate");
  const names = usage(() => rest.map(validateName));
  const rotated = await rotateServerCerts(dir, {
    days: days(values.days, "--days"),
    withinDays: days(values.within, "--within"),
    names: names.length > 0 ? names : undefined,
  });
  if (rotated.length === 0) ctx.stdout("No server certificate needed rotating");
  for (const cert of rotated) printIssued(ctx, "Rotated", cert);
  return 0;
}

async function pin(dir: string, args: string[], ctx: CertsContext): Promise<number> {
  const { values, positionals: rest } = parse("pin", args, {
    accept: { type: "string" },
    name: { type: "string" },
  });
  if (values.help) return help(ctx, "pin");
  positionals("pin", rest, 0, 0);
  if ((values.accept === undefined) !== (values.name === undefined)) {
    throw new UsageError("--accept and --name go together (see: eyrie certs pin --help)");
  }
  if (values.accept !== undefined && values.name !== undefined) {
    const fingerprint = usage(() => normalizeFingerprint(values.accept ?? ""));
    const name = usage(() => validateName(values.name ?? ""));
    const result = await acceptPin(dir, name, fingerprint);
    ctx.stdout(
      result.added
        ? `Pinned "${name}" to ${result.fingerprint256}`
        : `"${name}" is already pinned to ${result.fingerprint256}`,
    );
    return 0;
  }
  const now = new Date();
  for (const row of await listCerts(dir)) {
    if (row.kind === "client" || row.revoked || row.notAfter <= now) continue;
    ctx.stdout(`${row.kind.padEnd(7)} ${row.name.padEnd(24)} ${row.fingerprint256}`);
  }
  for (const [name, fingerprints] of await readPins(dir)) {
    for (const fp of fingerprints) ctx.stdout(`${"pinned".padEnd(7)} ${name.padEnd(24)} ${fp}`);
  }
  return 0;
}

function help(ctx: CertsContext, topic: keyof typeof HELP): number {
  for (const line of HELP[topic].split("\n")) ctx.stdout(line);
  return 0;
}

/**
 * `eyrie certs <command> …`: returns the exit code (0) or throws a
 * {@linkcode UsageError} for bad usage (exit 2) or another Error for a
 * failure (exit 1). Certificates live in `<dataDir>/certs/`.
 */
export async function certsMain(args: string[], ctx: CertsContext): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    return help(ctx, "certs");
  }
  const dir = join(ctx.dataDir, "certs");
  switch (command as Command) {
    case "init":
      return await init(dir, rest, ctx);
    case "issue":
      return await issue(dir, rest, ctx);
    case "list":
      return await list(dir, rest, ctx);
    case "revoke":
      return await revoke(dir, rest, ctx);
    case "rotate":
      return await rotate(dir, rest, ctx);
    case "pin":
      return await pin(dir, rest, ctx);
  }
  throw new UsageError(
    `Unknown certs command "${command}": expected one of ${COMMANDS.join(", ")}`,
  );
}
