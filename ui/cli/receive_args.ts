/**
 * `eyrie receive` options, checked: every problem is a {@linkcode UsageError}
 * naming the option and the value.
 *
 * @module
 */
import { isIP } from "node:net";
import { isMulticastAddress, type ReceiveCodec } from "../../transports/rtp/mod.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { UsageError } from "./errors.ts";

/** Longest --duration. Reason: a day is plenty for a bounded run; longer runs stop with Ctrl-C. */
export const MAX_DURATION_S = 86_400;

export interface ReceiveOptions {
  help: boolean;
  /** The address to listen on, or the multicast group to join. */
  host: string;
  port: number;
  multicast: boolean;
  /** The interface to join the group on; undefined: the kernel's choice. */
  interface: string | undefined;
  /** undefined: from the payload type. */
  codec: ReceiveCodec | undefined;
  /** A file, "-" for stdout, or undefined for stats only. */
  out: string | undefined;
  count: number;
  durationS: number;
  json: boolean;
  quiet: boolean;
}

function usage(message: string): UsageError {
  return new UsageError(`${message} (see: eyrie receive --help)`);
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw usage(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

export function parseReceiveArgs(args: string[]): ReceiveOptions {
  const { values, positionals } = parseCommand("receive", args, {
    port: { type: "string", short: "p" },
    host: { type: "string" },
    interface: { type: "string" },
    codec: { type: "string" },
    out: { type: "string", short: "o" },
    count: { type: "string", short: "n" },
    duration: { type: "string", short: "t" },
    json: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  });
  const help = values.help === true;
  if (help) return { help } as ReceiveOptions;
  expectPositionals("receive", positionals, 0, 0);
  if (values.port === undefined) throw usage("eyrie receive needs --port");
  const port = integer("port", values.port, 1, 65535);
  const host = (values.host ?? "0.0.0.0").replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) === 0) {
    throw usage(`--host must be a local IPv4/IPv6 address or a multicast group, got "${host}"`);
  }
  const multicast = isMulticastAddress(host);
  if (values.interface !== undefined && !multicast) {
    throw usage(`--interface applies to a multicast --host only, and "${host}" is not one`);
  }
  let codec: ReceiveCodec | undefined;
  switch (values.codec ?? "auto") {
    case "auto":
      break;
    case "h264":
      codec = "h264";
      break;
    case "mjpeg":
    case "jpeg":
      codec = "mjpeg";
      break;
    default:
      throw usage(`--codec must be auto, h264 or mjpeg, got "${values.codec}"`);
  }
  if (values.out === "") throw usage("--out needs a file name (or - for stdout)");
  const count = values.count === undefined ? 0 : integer("count", values.count, 1, 2 ** 31);
  let durationS = 0;
  if (values.duration !== undefined) {
    durationS = Number(values.duration);
    if (!/^\d+(\.\d+)?$/.test(values.duration) || !(durationS > 0 && durationS <= MAX_DURATION_S)) {
      throw usage(
        `--duration must be a number of seconds above 0 and at most ${MAX_DURATION_S}, got "${values.duration}"`,
      );
    }
  }
  return {
    help,
    host,
    port,
    multicast,
    interface: values.interface,
    codec,
    out: values.out,
    count,
    durationS,
    json: values.json === true,
    quiet: values.quiet === true,
  };
}
