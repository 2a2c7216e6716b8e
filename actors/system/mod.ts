/**
 * The running system on the main thread: cameras, their rings and subtrees,
 * the root supervisor, health.
 *
 * @module
 */
export { System, type SystemOptions } from "./system.ts";
export { CameraNode, type ChildFactory, type NodeContext } from "./camera_node.ts";
export { type CameraRings, READER } from "./rings.ts";
export { groupChild, INDEPENDENT } from "./group.ts";
export { type ActorHealth, type Health } from "./health.ts";
export { cameraProblem, type CameraStatus, cameraStatus } from "./camera_status.ts";
export { planReload, type ReloadPlan, type ReloadResult, RESTART_ONLY } from "./reload.ts";
export { type DiskSpace, diskSpace } from "./disk.ts";
export { ACTOR_SHUTDOWN_MS, CAMERA_FLAGS, ROOT_FLAGS, SHUTDOWN_MS } from "./flags.ts";
