/**
 * `[[camera.publish]]`: the camera's RTP to a media server that serves the
 * viewers (actors/publish/). At most {@linkcode MAX_PUBLISH} per camera:
 * each takes one reader of the camera's RTP ring. Reference: docs/janus.md.
 *
 * @module
 */
import type { PublishConfig } from "../../actors/defs.ts";
import { type Checker, int, str, tableParts } from "./schema.ts";

/** Publishers per camera. Reason: each reads the RTP ring at READER.publish + index (10 to 13). */
export const MAX_PUBLISH = 4;

const HOST = /^([A-Za-z0-9.-]{1,253}|\[?[0-9A-Fa-f:.]+\]?)$/;

export const publishOutput: Checker<PublishConfig> = (v, path, issues) => {
  const p = tableParts<PublishConfig>({
    kind: [str({ oneOf: ["janus"] }) as Checker<"janus">, "janus"],
    url: [(x, at, is) => {
      if (typeof x !== "string") return void is.add(at, "must be a string");
      let url: URL;
      try {
        url = new URL(x);
      } catch {
        return void is.add(at, `${JSON.stringify(x)} is not a URL: use http://host:8088/janus`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return void is.add(
          at,
          `${JSON.stringify(x)} must be http:// or https:// (Janus's HTTP API)`,
        );
      }
      if (url.username !== "" || url.password !== "") {
        return void is.add(at, "must not hold credentials: use api_secret and admin_key");
      }
      return x.replace(/\/+$/, "");
    }, ""],
    admin_key: [str({ maxLength: 256 }), ""],
    api_secret: [str({ maxLength: 256 }), ""],
    id: [int({ min: 0, max: 2 ** 31 - 1 }), 0],
    rtp_host: [
      (x, at, is) =>
        x === "" ? "" : str({ pattern: HOST, hint: "an address or host name" })(x, at, is),
      "",
    ],
  })(v, path, issues);
  if (p === undefined) return undefined;
  if (p.value.url === "") {
    issues.add(`${path}.url`, "is required: Janus's HTTP API, e.g. http://127.0.0.1:8088/janus");
    return undefined;
  }
  return p.ok ? p.value as PublishConfig : undefined;
};
