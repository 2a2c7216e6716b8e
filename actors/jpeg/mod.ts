/**
 * JPEG pictures of a camera while someone watches: the actor (worker.ts)
 * and the main thread's feed that starts and stops it (feed.ts).
 *
 * @module
 */
export { FEED_IDLE_MS, type JpegFeed, jpegFeed, type Listener } from "./feed.ts";
export {
  FEED_FPS,
  FEED_QUALITY,
  JPEG_WORKER,
  type JpegEvent,
  type JpegInit,
  type JpegProtocol,
} from "./protocol.ts";
