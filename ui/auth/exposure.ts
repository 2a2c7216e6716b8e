/**
 * The start-up check that a console the network can reach has a way to
 * sign in: a user, or required client certificates. (Without [tls] such a
 * console is refused earlier, by checkExposure in ui/cli/run.ts.)
 *
 * @module
 */
import type { Config } from "../../actors/defs.ts";
import { ConfigError } from "../cli/errors.ts";
import { authMode, AuthStore } from "./service.ts";
import { usersLost } from "../../actors/state/recovery.ts";

/** Throws a ConfigError when auth would be "closed": reachable, and nobody can sign in. */
export function checkSignIn(config: Config, file: string): void {
  if (authMode(config, 0) !== "closed") return;
  let store: AuthStore;
  try {
    store = AuthStore.open(config.data_dir);
  } catch {
    // An unreadable state file (already logged): eyrie runs on and records, and the console
    // refuses every request while it cannot read users.
    return;
  }
  let users: number;
  let lost: boolean;
  try {
    users = store.users.count();
    lost = usersLost(store.db);
  } finally {
    store.close();
  }
  // Recovered without its users (already logged): run on, recording, with a closed console.
  if (lost) return;
  if (authMode(config, users) !== "closed") return;
  throw new ConfigError(file, [{
    path: "console.listen",
    line: undefined,
    message: `"${config.console.listen}" is reachable from the network, but nobody can sign in: ` +
      "add a user (eyrie user add NAME --admin --config FILE), set tls.require_client_cert = true, " +
      "or listen on 127.0.0.1",
  }]);
}
