/**
 * Prometheus metrics: a scrape of families ({@linkcode Scrape}), the
 * collectors that fill it ({@linkcode METRIC_COLLECTORS}, where each area
 * adds its own), and {@linkcode collectMetrics} that runs them all.
 *
 * @module
 */
import { Scrape } from "./scrape.ts";
import { METRIC_COLLECTORS, type ScrapeContext } from "./collectors.ts";

export {
  Family,
  formatLabels,
  formatValue,
  type Labels,
  type MetricType,
  Scrape,
} from "./scrape.ts";
export {
  type Collector,
  METRIC_COLLECTORS,
  type ScrapeContext,
  statsMetric,
} from "./collectors.ts";
export { EventLoopLag, processCpuSeconds } from "./process.ts";

/**
 * Runs every collector into one scrape and renders it. A collector that
 * throws is left out of this scrape and counted in
 * `eyrie_metrics_collector_errors_total`, so one bad area never hides the rest.
 */
export function collectMetrics(ctx: ScrapeContext): string {
  const parts: string[] = [];
  let failed = 0;
  for (const collect of METRIC_COLLECTORS) {
    const scrape = new Scrape();
    try {
      collect(scrape, ctx);
      parts.push(scrape.render());
    } catch (e) {
      failed++;
      ctx.system.log.warn("a metrics collector failed", { error: (e as Error).message });
    }
  }
  const meta = new Scrape();
  meta.counter(
    "eyrie_metrics_collector_errors_total",
    "Collectors that failed in this scrape (their metrics are missing from it).",
  ).set(failed);
  return parts.join("") + meta.render();
}
