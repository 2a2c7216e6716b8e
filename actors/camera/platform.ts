/**
 * Which board this is: a Raspberry Pi (from the device tree's model), a
 * Jetson (from its release file), or a generic Linux box.
 *
 * @module
 */

export interface Platform {
  kind: "raspberry-pi" | "jetson" | "generic";
  /** The board's own name ("Raspberry Pi 4 Model B Rev 1.4"), or the OS and CPU for generic boxes. */
  model: string;
  arch: string;
}

/** Reads a file as text, or null. The device tree's strings end in NUL. */
function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path).replace(/\0+$/, "").trim();
  } catch {
    return null;
  }
}

/** Classifies from what the files say. Pure, for tests. */
export function classifyPlatform(
  model: string | null,
  tegraRelease: string | null,
  arch: string,
): Platform {
  if (model !== null && /raspberry pi/i.test(model)) return { kind: "raspberry-pi", model, arch };
  if (tegraRelease !== null || (model !== null && /jetson|nvidia/i.test(model))) {
    return { kind: "jetson", model: model ?? tegraRelease!.split("\n")[0], arch };
  }
  return { kind: "generic", model: model ?? `${Deno.build.os} ${arch}`, arch };
}

export function detectPlatform(): Platform {
  return classifyPlatform(
    readText("/proc/device-tree/model"),
    readText("/etc/nv_tegra_release"),
    Deno.build.arch,
  );
}
