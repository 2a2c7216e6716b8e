/**
 * `eyrie user add|passwd|grant|remove|rtsp|list`: console users and what
 * they may do, in `<data_dir>/eyrie.db`. A running eyrie sees changes at
 * its next request; `passwd` and `remove` end the user's sessions; `rtsp`
 * sets the password RTSP clients sign in with (ui/auth/stream_access.ts).
 *
 * @module
 */
import {
  checkUserName,
  DEFAULT_GRANT,
  describeGrant,
  type Grant,
  parseCameraList,
  parseQuality,
  parseRole,
} from "../auth/grant.ts";
import { userSubject } from "../auth/grants.ts";
import { checkPassword } from "../auth/password.ts";
import { AuthStore } from "../auth/service.ts";
import { stateFile } from "../auth/db.ts";
import { UserError } from "../auth/users.ts";
import { defaultDataDir, loadConfig } from "../config/mod.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { UsageError } from "./errors.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";
import { promptNewPassword, readPasswordStdin } from "./prompt.ts";

const OPTIONS = {
  config: { type: "string", short: "c" },
  "data-dir": { type: "string" },
  admin: { type: "boolean" },
  role: { type: "string" },
  cameras: { type: "string" },
  "can-record": { type: "boolean" },
  "can-download": { type: "boolean" },
  "can-control-quality": { type: "boolean" },
  "can-talk": { type: "boolean" },
  "max-quality": { type: "string" },
  "no-password": { type: "boolean" },
  off: { type: "boolean" },
  "password-stdin": { type: "boolean" },
  password: { type: "string" },
  json: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>["values"];

function usage(message: string): UsageError {
  return new UsageError(`${message} (see: eyrie user --help)`);
}

async function dataDir(values: Values): Promise<string> {
  if (values.config !== undefined && values["data-dir"] !== undefined) {
    throw usage("Give --config or --data-dir, not both");
  }
  if (values.config !== undefined) return (await loadConfig(values.config)).data_dir;
  return values["data-dir"] ?? defaultDataDir();
}

/** The new password (null: certificate only), from the one source the options name. */
async function newPassword(name: string, values: Values, io: Io): Promise<string | null> {
  const none = values["no-password"] || values.off;
  const sources = [none, values["password-stdin"], values.password !== undefined]
    .filter(Boolean).length;
  if (sources > 1) throw usage("Give one of --no-password (--off), --password-stdin, --password");
  if (none) return null;
  let password: string;
  if (values["password-stdin"]) password = await readPasswordStdin();
  else if (values.password !== undefined) {
    io.stderr(
      "eyrie: warning: a password given with --password shows in the process list and in " +
        "shell history; prefer the prompt or --password-stdin",
    );
    password = values.password;
  } else password = await promptNewPassword(name);
  try {
    checkPassword(password);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return password;
}

/** The grant the options describe; `base` gives the cameras and quality they leave out. */
function grantOptions(values: Values, base: Grant): Grant {
  try {
    return {
      cameras: values.cameras === undefined ? base.cameras : parseCameraList(
        values.cameras === "none" ? "" : values.cameras,
      ),
      can_record: values["can-record"] ?? false,
      can_download: values["can-download"] ?? false,
      can_control_quality: values["can-control-quality"] ?? false,
      can_talk: values["can-talk"] ?? false,
      max_quality: values["max-quality"] === undefined
        ? base.max_quality
        : parseQuality(values["max-quality"]),
    };
  } catch (e) {
    throw usage((e as Error).message);
  }
}

function roleOption(values: Values) {
  if (values.admin && values.role !== undefined && values.role !== "admin") {
    throw usage(`--admin contradicts --role ${values.role}`);
  }
  if (values.admin) return "admin";
  if (values.role === undefined) return undefined;
  try {
    return parseRole(values.role);
  } catch (e) {
    throw usage((e as Error).message);
  }
}

function hasGrantOptions(values: Values): boolean {
  return values.cameras !== undefined || values["can-record"] !== undefined ||
    values["can-download"] !== undefined || values["can-control-quality"] !== undefined ||
    values["can-talk"] !== undefined || values["max-quality"] !== undefined;
}

function access(store: AuthStore, name: string, role: string): string {
  return role === "admin" ? "everything" : describeGrant(store.grants.get(userSubject(name)));
}

function list(store: AuthStore, values: Values, io: Io): number {
  const users = store.users.list();
  const certs = store.grants.list().filter((g) => g.subject.startsWith("cert:"));
  if (values.json) {
    io.stdout(JSON.stringify({
      users: users.map((u) => ({
        ...u,
        grant: u.role === "admin" ? null : store.grants.get(userSubject(u.name)),
      })),
      certificates: certs,
    }));
    return 0;
  }
  if (users.length === 0) {
    io.stdout("No users: auth is off (a console on 127.0.0.1 needs no sign-in).");
  } else {
    const rows = users.map((u) => [
      u.name,
      u.role,
      (u.hasPassword ? "password" : "certificate") + (u.hasRtspPassword ? ",rtsp" : ""),
      access(store, u.name, u.role),
    ]);
    const w = [4, 4, 7].map((min, i) => Math.max(min, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) =>
      `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`;
    io.stdout(line(["NAME", "ROLE", "SIGN-IN", "ACCESS"]));
    for (const r of rows) io.stdout(line(r));
  }
  if (certs.length > 0) {
    io.stdout("Client certificates with access (approved on the console):");
    for (const g of certs) {
      io.stdout(`  ${g.label}  ${g.subject.slice(5)}  ${describeGrant(g.grant)}`);
    }
  }
  return 0;
}

export async function userMain(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(HELP.user);
    return 0;
  }
  if (!["add", "passwd", "grant", "remove", "rtsp", "list"].includes(sub)) {
    throw usage(`Unknown user command "${sub}": expected add, passwd, grant, remove, rtsp or list`);
  }
  const { values, positionals } = parseCommand(`user ${sub}`, rest, OPTIONS);
  if (values.help) {
    io.stdout(HELP.user);
    return 0;
  }
  expectPositionals(`user ${sub}`, positionals, sub === "list" ? 0 : 1, sub === "list" ? 0 : 1);
  const name = positionals[0];
  if (name !== undefined) {
    try {
      checkUserName(name);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const dir = await dataDir(values);
  // Ask for the password before touching the database: a cancelled prompt changes nothing.
  if (values.off && sub !== "rtsp") throw usage("--off is for eyrie user rtsp");
  if (values["no-password"] && sub === "rtsp") throw usage("eyrie user rtsp takes --off");
  const password = sub === "add" || sub === "passwd" || sub === "rtsp"
    ? await newPassword(name, values, io)
    : null;
  const store = AuthStore.open(dir);
  try {
    switch (sub) {
      case "list":
        return list(store, values, io);
      case "add": {
        const role = roleOption(values) ?? "viewer";
        const user = await store.users.add(name, role, password);
        if (role === "viewer") {
          const grant = grantOptions(values, DEFAULT_GRANT);
          store.grants.set(userSubject(name), name, grant, "eyrie user");
        } else if (hasGrantOptions(values)) {
          io.stderr("eyrie: note: an admin may do everything; the grant options were ignored");
        }
        io.stdout(
          `Added ${role} "${user.name}" (${
            password === null ? "client certificate only" : "password"
          }; ` +
            `${access(store, name, role)}) in ${stateFile(dir)}`,
        );
        return 0;
      }
      case "passwd":
        await store.users.setPassword(name, password);
        io.stdout(
          `${
            password === null ? "Removed the password of" : "Changed the password of"
          } "${name}"; ` +
            "their sessions have ended",
        );
        return 0;
      case "rtsp":
        store.users.setRtspPassword(name, password);
        io.stdout(
          password === null
            ? `"${name}" has no RTSP password now: RTSP clients cannot sign in as them`
            : `Set the RTSP password of "${name}": RTSP clients sign in with it (Digest)`,
        );
        return 0;
      case "grant": {
        const user = store.users.get(name);
        if (user === null) throw new UserError(`No user named "${name}"`);
        const role = roleOption(values);
        if (role === undefined && !hasGrantOptions(values)) {
          throw usage("eyrie user grant needs --role, --admin or a grant option");
        }
        if (role !== undefined) store.users.setRole(name, role);
        // The options replace the grant (as add sets it), so a permission is taken back by leaving it out.
        if (hasGrantOptions(values)) {
          store.grants.set(
            userSubject(name),
            name,
            grantOptions(values, DEFAULT_GRANT),
            "eyrie user",
          );
        }
        const now = store.users.get(name)!;
        io.stdout(`"${name}" is ${now.role}: ${access(store, name, now.role)}`);
        return 0;
      }
      case "remove":
        store.removeUser(name);
        io.stdout(
          `Removed "${name}"` +
            (store.users.count() === 0
              ? "; no users remain, so auth is off (local console only)"
              : ""),
        );
        return 0;
    }
    return 2;
  } finally {
    store.close();
  }
}
