/**
 * The actors of one camera's subtree, in data-flow order: rest_for_one
 * restarts an actor and everything listed after it.
 *
 * @module
 */
import type { ChildFactory } from "./camera_node.ts";
import { cameraChild } from "../camera/spec.ts";
import { encoderChild } from "../encoder/spec.ts";

export const CAMERA_CHILDREN: readonly ChildFactory[] = [
  cameraChild,
  encoderChild,
];
