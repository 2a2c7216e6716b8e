/**
 * One scrape's worth of metric families, and their Prometheus text
 * exposition (format 0.0.4). Names are checked as they are declared: every
 * metric is `eyrie_…`, counters end in `_total`, and a family declared twice
 * must agree with itself. Label values are escaped; a series that appears
 * twice is a bug and throws.
 *
 * @module
 */

export type MetricType = "counter" | "gauge";
export type Labels = Readonly<Record<string, string>>;

const NAME = /^eyrie_[a-z0-9_]*[a-z0-9]$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Series in one family. Reason: a few cameras × rings × readers is hundreds; more is a label leak. */
export const MAX_SERIES_PER_FAMILY = 10_000;

/** One metric family: its samples for this scrape. */
export class Family {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly #samples = new Map<string, number>();

  constructor(name: string, type: MetricType, help: string) {
    if (!NAME.test(name)) throw new TypeError(`Metric name "${name}" must match ${NAME}`);
    if (type === "counter" && !name.endsWith("_total")) {
      throw new TypeError(`Counter "${name}" must end in _total`);
    }
    if (help.trim() === "") throw new TypeError(`Metric "${name}" needs a help text`);
    this.name = name;
    this.type = type;
    this.help = help;
  }

  /** Adds one series. Counters take finite values ≥ 0; gauges any number. */
  set(value: number, labels: Labels = {}): this {
    if (this.type === "counter" && !(value >= 0 && Number.isFinite(value))) {
      throw new RangeError(`Counter ${this.name} got ${value}`);
    }
    const key = formatLabels(labels);
    if (this.#samples.has(key)) throw new TypeError(`Series ${this.name}${key} appears twice`);
    if (this.#samples.size >= MAX_SERIES_PER_FAMILY) {
      throw new RangeError(`Metric ${this.name} has more than ${MAX_SERIES_PER_FAMILY} series`);
    }
    this.#samples.set(key, value);
    return this;
  }

  /** The family in text format: HELP, TYPE, then one line per series. */
  render(): string {
    let out = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    for (const [labels, value] of this.#samples) {
      out += `${this.name}${labels} ${formatValue(value)}\n`;
    }
    return out;
  }
}

/** The families of one scrape, in the order they were first declared. */
export class Scrape {
  readonly #families = new Map<string, Family>();

  /** The gauge `name` (declared on first use; later uses must agree). */
  gauge(name: string, help: string): Family {
    return this.#family(name, "gauge", help);
  }

  /** The counter `name` (must end in `_total`). */
  counter(name: string, help: string): Family {
    return this.#family(name, "counter", help);
  }

  render(): string {
    return [...this.#families.values()].map((f) => f.render()).join("");
  }

  #family(name: string, type: MetricType, help: string): Family {
    const known = this.#families.get(name);
    if (known === undefined) {
      const f = new Family(name, type, help);
      this.#families.set(name, f);
      return f;
    }
    if (known.type !== type || known.help !== help) {
      throw new TypeError(`Metric ${name} declared twice with a different type or help`);
    }
    return known;
  }
}

/** `{a="x",b="y"}`, or "" without labels; names checked, values escaped. */
export function formatLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL.test(k) || k.startsWith("__")) throw new TypeError(`Label name "${k}" is not valid`);
    parts.push(
      `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`,
    );
  }
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** A sample value as Prometheus reads it (Go's ParseFloat, plus +Inf/-Inf/NaN). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function escapeHelp(help: string): string {
  return help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}
