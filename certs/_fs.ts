import { dirname } from "node:path";

/**
 * Mode of every file in the certs directory, keys and public parts alike:
 * owner read/write only. The directory is 0700 anyway, so a 0644 certificate
 * would be no easier to read; one mode means one rule to check.
 */
export const FILE_MODE = 0o600;
/** Mode of the certs directory and its folders. */
export const DIR_MODE = 0o700;

/** Creates `path` (and parents) if missing and sets it to {@linkcode DIR_MODE}. */
export async function ensureDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: DIR_MODE });
  await Deno.chmod(path, DIR_MODE);
}

/** True if `path` exists (any type). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Writes `data` to `path` (mode {@linkcode FILE_MODE}) so that a reader sees
 * the old file or the new one, never a part: a sibling temporary file created
 * with that mode from the start (a key is never readable by others, not even
 * briefly), then a rename.
 */
export async function writeAtomic(path: string, data: string): Promise<void> {
  const mode = FILE_MODE;
  await ensureDir(dirname(path));
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0].toString(16);
  const tmp = `${path}.tmp-${suffix}`;
  try {
    await Deno.writeTextFile(tmp, data, { createNew: true, mode });
    await Deno.chmod(tmp, mode); // whatever the umask, exactly this mode
    const file = await Deno.open(tmp, { read: true });
    try {
      await file.sync(); // on disk before the rename makes it visible
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Reads a text file, turning "not found" into an Error that says what was expected there. */
export async function readRequired(path: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`No ${what} at "${path}"`, { cause: error });
    }
    throw error;
  }
}

/**
 * Runs `fn` holding an exclusive advisory lock (flock) on `<dir>/.lock`, so two
 * `eyrie certs` commands never interleave their read-modify-write of the CA
 * state. The kernel drops the lock if the process dies: no stale lock files.
 */
export async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await ensureDir(dir);
  const file = await Deno.open(`${dir}/.lock`, { write: true, create: true, mode: FILE_MODE });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}
