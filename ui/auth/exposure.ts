/**
 * The sign-in check of a console the network can reach: someone must be
 * able to sign in, a user or a required client certificate. It reads the
 * data dir's users, so it is state, not file: the config check takes it as
 * its `state` check (ui/config/exposure.ts), and `eyrie run` and `eyrie
 * config check` both run it through `loadRunConfig()` (ui/cli/run_config.ts).
 * Without [tls] such a console is refused before this, by the config check.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { ConfigIssue, ConsoleExposure } from "../config/mod.ts";
import { stateFile } from "./db.ts";
import { authMode, AuthStore } from "./service.ts";
import { rtspAuthMode } from "./stream_access.ts";
import { usersLost } from "../../actors/state/recovery.ts";

/**
 * Users in the data dir's state file (0 when there is none yet: it is not
 * created here), or null when the file cannot be read, or was recovered
 * without its users (actors/state/recovery.ts): eyrie then runs on and
 * records, and its console refuses every request until a user is added.
 */
export function countUsers(dataDir: string): number | null {
  if (!existsSync(stateFile(dataDir))) return 0;
  let store: AuthStore;
  try {
    store = AuthStore.open(dataDir);
  } catch {
    return null; // `eyrie run` reports and recovers the file (actors/state/recover.ts)
  }
  try {
    return usersLost(store.db) ? null : store.users.count();
  } finally {
    store.close();
  }
}

/**
 * The problems when auth would be "closed": the console or the RTSP server
 * is reachable, and nobody can sign in.
 */
export function signInIssues(config: ConsoleExposure): ConfigIssue[] {
  const rtsp = config.rtsp ?? null;
  const consoleClosed = authMode(config, 0) === "closed";
  const rtspClosed = rtsp !== null && rtspAuthMode(rtsp, 0) === "closed";
  if (!consoleClosed && !rtspClosed) return [];
  const users = countUsers(config.data_dir);
  if (users === null) return [];
  const issues: ConfigIssue[] = [];
  if (consoleClosed && authMode(config, users) === "closed") {
    issues.push({
      path: "console.listen",
      message:
        `"${config.console.listen}" is reachable from the network, but nobody can sign in: ` +
        "add a user (eyrie user add NAME --admin --config FILE), set tls.require_client_cert = true, " +
        "or listen on 127.0.0.1",
    });
  }
  if (rtsp !== null && rtspAuthMode(rtsp, users) === "closed") {
    issues.push({
      path: "rtsp.listen",
      message: `"${rtsp.listen}" is reachable from the network, but nobody can sign in: ` +
        "add a user with an RTSP password (eyrie user add NAME --cameras ID --config FILE, then " +
        "eyrie user rtsp NAME --config FILE), or listen on 127.0.0.1",
    });
  }
  return issues;
}
