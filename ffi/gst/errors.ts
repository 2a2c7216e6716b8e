/** What a {@linkcode GstError} carries besides its message. */
export interface GstErrorOptions {
  /** Name of the element that reported the error, or the missing factory name. */
  element?: string;
  /** GStreamer's debug text (source file, function, details), or "". */
  debug?: string;
  /**
   * The GError domain, such as "gst-stream-error-quark"; "gst-flow" when a
   * push was refused; "" when GStreamer gave none.
   */
  domain?: string;
  /** The GError code within its domain (the GstFlowReturn for "gst-flow"), or 0. */
  code?: number;
  cause?: unknown;
}

/**
 * A failure reported by GStreamer: a parse error, a missing element, a
 * refused state change, an error message on a bus, a failed push.
 * `message` is GStreamer's text (sentence case); `element` names the element
 * concerned ("" when none) and `debug` holds GStreamer's debug details.
 */
export class GstError extends Error {
  override name = "GstError";
  readonly element: string;
  readonly debug: string;
  readonly domain: string;
  readonly code: number;

  constructor(message: string, options: GstErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.element = options.element ?? "";
    this.debug = options.debug ?? "";
    this.domain = options.domain ?? "";
    this.code = options.code ?? 0;
  }
}
