/**
 * Detection events on the main thread: their types, the SQLite store with
 * retention, the per-data-dir hub (store + live stream) and webhooks.
 *
 * @module
 */
export {
  type DetectionEventType,
  EVENT_TYPES,
  type EventBody,
  type EventBox,
  eventBox,
  eventZone,
  type GlobalChangeBody,
  isEventType,
  type ModelErrorBody,
  type MotionEndBody,
  type MotionStartBody,
  type ObjectBody,
  type StoredEvent,
} from "./types.ts";
export {
  DEFAULT_PAGE_SIZE,
  type EventLimits,
  type EventPage,
  type EventQuery,
  EventStore,
  MAX_EVENT_JSON,
  MAX_PAGE_SIZE,
  MAX_SNAPSHOT_BYTES,
} from "./store.ts";
export { migrateEvents, MIGRATIONS } from "./schema.ts";
export { closeEventHubs, EventHub, STATE_DB } from "./hub.ts";
export { WebhookSender, type WebhookStats } from "./webhook.ts";
export {
  type AttemptOutcome,
  delivered,
  describeOutcome,
  MAX_WEBHOOK_QUEUE,
  MAX_WEBHOOK_RETRIES,
  MAX_WEBHOOKS,
  networkCause,
  parseRetryAfter,
  retryable,
  retryWaitMs,
  wantsEvent,
} from "./webhook_policy.ts";
