import { parseLabels } from "./labels.ts";
import { ModelError } from "./model_error.ts";

/**
 * Largest model file accepted. Reason: the file is read whole into memory;
 * yolov8x, the largest stock export, is about 260 MB.
 */
export const MAX_MODEL_BYTES = 1 << 30;

/** Reads a labels file (see {@linkcode parseLabels}); failures are {@linkcode ModelError}s. */
export async function loadLabels(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const what = e instanceof Deno.errors.NotFound ? "does not exist" : "cannot be read";
    throw new ModelError(path, "labels", `Labels file "${path}" ${what}`, { cause: e });
  }
  try {
    return parseLabels(text);
  } catch (e) {
    throw new ModelError(path, "labels", `Labels file "${path}": ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Reads a model file whole; failures are {@linkcode ModelError}s naming the path. */
export async function readModel(path: string): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new ModelError(path, "unreadable", `Model "${path}" is not a file`);
    if (info.size > MAX_MODEL_BYTES) {
      throw new ModelError(
        path,
        "unreadable",
        `Model "${path}" is ${info.size} bytes, more than ${MAX_MODEL_BYTES}`,
      );
    }
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof ModelError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new ModelError(path, "missing", `Model "${path}" does not exist`, { cause: e });
    }
    throw new ModelError(
      path,
      "unreadable",
      `Model "${path}" cannot be read: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}
