/**
 * The screen's capture child: `gst-launch-1.0` running ximagesrc into
 * shared memory (why a child: see screen.ts). One child per session of the
 * camera; it ends with the session, and its failures become the source's
 * cause.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { SourceFault } from "./fault.ts";
import { captureArgs, captureCause, type Region } from "./screen.ts";

/** The child's socket appears within milliseconds of its start; past this it is not coming. */
const START_TIMEOUT_MS = 5_000;
/** How long a child gets to stop on SIGINT (gst-launch then sets its pipeline to NULL). */
const STOP_TIMEOUT_MS = 2_000;
/** How long a failed session waits for the child's own exit, whose stderr has the cause. */
const EXIT_WAIT_MS = 1_000;
/** stderr kept from the child. Reason: its error lines are a few hundred bytes; keep the tail. */
const MAX_STDERR = 16 * 1024;
const POLL_MS = 20;

const NO_GST_LAUNCH =
  "screen capture needs gst-launch-1.0 (gstreamer1.0-tools), which is not installed";

function spawn(command: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(command, { args, stdin: "null", stdout: "null", stderr: "piped" })
    .spawn();
}

/** A running capture child. */
export class ScreenCapture implements AsyncDisposable {
  #child: Deno.ChildProcess;
  #display: string;
  #socket: string;
  #stderr = "";
  #reading: Promise<void>;
  #status: Promise<Deno.CommandStatus>;
  #exited: Deno.CommandStatus | null = null;

  private constructor(child: Deno.ChildProcess, display: string, socket: string) {
    this.#child = child;
    this.#display = display;
    this.#socket = socket;
    this.#status = child.status.then((s) => (this.#exited = s));
    this.#reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true })).slice(-MAX_STDERR);
      }
    })().catch(() => {});
  }

  /**
   * Starts the child and waits until its socket is there for shmsrc. Throws
   * a {@linkcode SourceFault} with the cause when it cannot start.
   */
  static async start(
    cam: CameraConfig,
    screen: { display: string; region: Region | null; cursor: boolean },
    options: { socket: string; signal?: AbortSignal },
  ): Promise<ScreenCapture> {
    const { socket, signal } = options;
    // A child that was killed leaves its socket behind, and shmsink will not bind over it.
    await Deno.remove(socket).catch(() => {});
    await removeOrphanedShm();
    const args = captureArgs(cam, screen, socket);
    let child: Deno.ChildProcess;
    try {
      // The child dies with the thread that started it (PR_SET_PDEATHSIG through util-linux's
      // setpriv, which then execs gst-launch-1.0 in place): a camera actor whose Worker is
      // terminated, or an eyrie that is killed, leaves no capture running behind it.
      child = spawn("setpriv", ["--pdeathsig", "KILL", "gst-launch-1.0", ...args]);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      try {
        child = spawn("gst-launch-1.0", args);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) throw new SourceFault(NO_GST_LAUNCH);
        throw e;
      }
    }
    const capture = new ScreenCapture(child, screen.display, socket);
    const deadline = performance.now() + START_TIMEOUT_MS;
    try {
      while (!(await exists(socket))) {
        if (capture.#exited !== null) throw new SourceFault(await capture.cause());
        if (signal?.aborted) throw new SourceFault("stopped");
        if (performance.now() > deadline) {
          throw new SourceFault(`the screen capture did not start within ${START_TIMEOUT_MS} ms`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } catch (e) {
      await capture[Symbol.asyncDispose]();
      throw e;
    }
    return capture;
  }

  /** The pipeline the child runs, for `describe`. */
  static describe(
    cam: CameraConfig,
    screen: { display: string; region: Region | null; cursor: boolean },
    socket: string,
  ): string {
    return ["gst-launch-1.0", ...captureArgs(cam, screen, socket)].join(" ");
  }

  /**
   * Why the capture failed: the child's own words once it has exited (it
   * usually has, when the X server went away), else "".
   */
  async cause(): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#status,
      new Promise((r) => (timer = setTimeout(r, EXIT_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (this.#exited === null) return "";
    await this.#reading;
    if (/setpriv: failed to execute gst-launch-1\.0/.test(this.#stderr)) return NO_GST_LAUNCH;
    return captureCause(this.#display, this.#stderr) ??
      `the screen capture ended (exit code ${this.#exited.code})`;
  }

  /** Whether the child has exited. */
  get exited(): boolean {
    return this.#exited !== null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#exited === null) {
      try {
        this.#child.kill("SIGINT");
      } catch {
        // It ended meanwhile.
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#status,
        new Promise((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (this.#exited === null) {
        try {
          this.#child.kill("SIGKILL");
        } catch {
          // It ended meanwhile.
        }
      }
    }
    await this.#status;
    await this.#reading;
    await removeShm(this.#child.pid);
    await Deno.remove(this.#socket).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** shmsink names its memory "/shmpipe.%5d.%5d": the creator's pid, a counter. */
const SHM_NAME = /^shmpipe\.\s*(\d+)\./;

/**
 * Removes the shared memory a child left behind. shmsink unlinks it only
 * when it stops cleanly; a child that Xlib ended with exit(1) never does.
 */
async function removeShm(pid: number): Promise<void> {
  try {
    for await (const e of Deno.readDir("/dev/shm")) {
      const m = SHM_NAME.exec(e.name);
      if (m !== null && Number(m[1]) === pid) {
        await Deno.remove(`/dev/shm/${e.name}`).catch(() => {});
      }
    }
  } catch {
    // No /dev/shm here: nothing was left there either.
  }
}

/** Whether `pid` runs: a zombie (its parent gone before it could reap it) does not. */
async function running(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  // "pid (comm) S …": the state follows the last ")", since comm may hold one.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "" && state !== "Z" && state !== "X";
}

/**
 * Removes shmsink memory whose creator is gone: what the children of an
 * eyrie that was killed (and could not clean up) left behind. A reader that
 * still maps it keeps its pages until it lets go; nobody writes there again.
 * Returns the names removed.
 */
export async function removeOrphanedShm(): Promise<string[]> {
  const removed: string[] = [];
  try {
    for await (const e of Deno.readDir("/dev/shm")) {
      const m = SHM_NAME.exec(e.name);
      if (m === null || (await running(Number(m[1])))) continue;
      await Deno.remove(`/dev/shm/${e.name}`).then(() => removed.push(e.name), () => {});
    }
  } catch {
    // No /dev/shm (or no /proc): nothing to tidy.
  }
  return removed;
}
