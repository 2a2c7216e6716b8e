/**
 * OTP supervision for eyrie's actors, written as data: child specs and
 * flags validated when built, one_for_one / rest_for_one / one_for_all,
 * restart intensity with backoff, escalation, and nested supervisors.
 *
 * @module
 */
export {
  type Child,
  type ChildSpec,
  type ChildStatus,
  RESTART_POLICIES,
  type RestartPolicy,
  wantsRestart,
} from "./child.ts";
export {
  type Backoff,
  backoffDelay,
  MAX_SHUTDOWN_MS,
  type OnIntensity,
  STRATEGIES,
  type Strategy,
  type SupervisorFlags,
  validateFlags,
  validateSpecs,
} from "./flags.ts";
export { RestartWindow } from "./restart_window.ts";
export { EventStream, type Listener, type SupervisorEvent } from "./events.ts";
export {
  type Clock,
  realClock,
  Supervisor,
  SupervisorGaveUpError,
  type SupervisorOptions,
} from "./supervisor.ts";
export {
  Link,
  LINK_RETRY,
  LINK_SUMMARY_EVERY_MS,
  type LinkNote,
  type LinkOptions,
  type LinkState,
  retryDelayMs,
  type RetryPolicy,
} from "./link.ts";
