/**
 * Checks a source can be reached before a pipeline is built for it, so an
 * offline source costs one connect() or stat() per try instead of a
 * GStreamer pipeline, and its cause is precise: GStreamer's rtspsrc says
 * "Could not open resource for reading and writing" for a refused
 * connection, an unknown host and a timeout alike.
 *
 * @module
 */
import { connectCause, rtspAddress, SourceFault } from "./fault.ts";
import type { SourceKind } from "./source.ts";
import { displayAddress, noDisplayCause } from "./screen.ts";

/** An RTSP camera on a LAN answers a TCP connect in milliseconds; past this it is not there. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Throws a {@linkcode SourceFault} with the cause when `src` cannot be reached now. */
export async function preflight(src: SourceKind, signal?: AbortSignal): Promise<void> {
  switch (src.kind) {
    case "rtsp":
      return await probeTcp(rtspTarget(src.url), signal);
    case "screen":
      return await probeDisplay(src.display, signal);
    case "file":
      return await probeFile(src.path, "file not found");
    case "v4l2":
      return await probeFile(src.device, "no such device");
    case "test":
    case "libcamera":
      return;
  }
}

function rtspTarget(url: string): { hostname: string; port: number } {
  try {
    return rtspAddress(url);
  } catch {
    throw new SourceFault("the camera URL cannot be parsed");
  }
}

/** An X display is there when its socket is (a local display) or its port answers. */
async function probeDisplay(display: string, signal?: AbortSignal): Promise<void> {
  if (display === "") {
    throw new SourceFault(noDisplayCause({ wayland: Deno.env.get("WAYLAND_DISPLAY") }));
  }
  const address = displayAddress(display);
  if (address.kind === "tcp") return await probeTcp(address, signal);
  try {
    await Deno.stat(address.socket);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SourceFault(`no X server on display ${display} (no ${address.socket})`);
    }
    throw new SourceFault(`cannot reach display ${display}: ${(e as Error).message}`);
  }
}

async function probeTcp(
  address: { hostname: string; port: number },
  signal?: AbortSignal,
): Promise<void> {
  const { hostname, port } = address;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), CONNECT_TIMEOUT_MS);
  });
  const aborted = new Promise<"aborted">((resolve) => {
    if (signal?.aborted) resolve("aborted");
    signal?.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
  const connecting = Deno.connect({ hostname, port });
  let outcome: Deno.TcpConn | "timeout" | "aborted";
  try {
    outcome = await Promise.race([connecting, timeout, aborted]);
  } catch (e) {
    throw new SourceFault(connectCause(hostname, port, e as Error & { code?: string }));
  } finally {
    clearTimeout(timer);
  }
  if (typeof outcome !== "string") {
    outcome.close();
    return;
  }
  // A connect that outlived the race is closed when it lands, never leaked.
  connecting.then((c) => c.close(), () => {});
  if (outcome === "aborted") throw new SourceFault("stopped");
  throw new SourceFault(`no answer from ${hostname}:${port} within ${CONNECT_TIMEOUT_MS} ms`);
}

async function probeFile(path: string, missing: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new SourceFault(`${missing} ${path}`);
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new SourceFault(`no permission to open ${path}`);
    }
    throw new SourceFault(`cannot open ${path}: ${(e as Error).message}`);
  }
}

/**
 * The cause for a V4L2 device that v4l2src found busy, naming who holds it:
 * the kernel lets several processes open a device but only one stream, and
 * v4l2src's own error does not say who.
 */
export async function busyCause(device: string): Promise<string> {
  const holder = await holderOf(device);
  return holder === null
    ? `device ${device} is busy`
    : `device ${device} is busy (used by PID ${holder.pid}, ${holder.name})`;
}

/** The first other process that has `path` open, from /proc/<pid>/fd; null when none is seen. */
export async function holderOf(path: string): Promise<{ pid: number; name: string } | null> {
  let target: string;
  try {
    target = await Deno.realPath(path);
  } catch {
    return null;
  }
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
      const fds = `/proc/${entry.name}/fd`;
      try {
        for await (const fd of Deno.readDir(fds)) {
          if (await Deno.readLink(`${fds}/${fd.name}`).catch(() => "") !== target) continue;
          const name = (await Deno.readTextFile(`/proc/${entry.name}/comm`).catch(() => "?"))
            .trim();
          return { pid: Number(entry.name), name };
        }
      } catch {
        // Another user's process, or one that ended meanwhile: not ours to see.
      }
    }
  } catch {
    return null;
  }
  return null;
}
