/**
 * Reading a password for `eyrie user`: from a prompt that does not echo
 * (the terminal in raw mode), or all of stdin (`--password-stdin`).
 *
 * @module
 */
import { MAX_PASSWORD_LENGTH } from "../auth/password.ts";
import { UsageError } from "./errors.ts";

const encoder = new TextEncoder();
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x08;
const DELETE = 0x7f;

/** Reads a line from the terminal without echoing it; `prompt` goes to stderr. */
export async function promptHidden(prompt: string): Promise<string> {
  if (!Deno.stdin.isTerminal()) {
    throw new UsageError(
      "No terminal to ask for the password: pipe it in with --password-stdin " +
        "(or use --no-password for a user who signs in with a client certificate only)",
    );
  }
  // No echo before the prompt shows: a fast typist (or a script) types only after seeing it.
  Deno.stdin.setRaw(true);
  Deno.stderr.writeSync(encoder.encode(prompt));
  const bytes: number[] = [];
  const buffer = new Uint8Array(64);
  try {
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) throw new UsageError("Password entry ended before Enter");
      for (const b of buffer.subarray(0, n)) {
        if (b === 0x0d || b === 0x0a) return new TextDecoder().decode(new Uint8Array(bytes));
        if (b === CTRL_C || (b === CTRL_D && bytes.length === 0)) {
          throw new UsageError("Password entry cancelled");
        }
        if (b === BACKSPACE || b === DELETE) bytes.pop();
        else if (bytes.length < MAX_PASSWORD_LENGTH * 4) bytes.push(b);
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(encoder.encode("\n"));
  }
}

/** Asks twice and returns the password if both entries match. */
export async function promptNewPassword(name: string): Promise<string> {
  const first = await promptHidden(`Password for ${name}: `);
  const again = await promptHidden("Again: ");
  if (first !== again) throw new UsageError("The two passwords differ; nothing changed");
  return first;
}

/** Largest stdin read for a password. Reason: a password, not a file. */
const MAX_STDIN_BYTES = 64 * 1024;

/** Reads all of stdin as the password, without its final line break. */
export async function readPasswordStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of Deno.stdin.readable) {
    size += chunk.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError("--password-stdin: stdin is too long");
    chunks.push(chunk);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const text = new TextDecoder().decode(all).replace(/\r?\n$/, "");
  if (text.includes("\n")) {
    throw new UsageError("--password-stdin: stdin has more than one line");
  }
  return text;
}
