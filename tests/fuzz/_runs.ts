/**
 * How many inputs each fuzz property runs, and the report of what ran.
 *
 * In the suite every property runs a small fixed number of inputs from a
 * fixed seed, so a run is bounded and repeatable (a failure prints the seed
 * and the shrunk input, and fails every time). `deno task fuzz` runs the
 * long form: `FUZZ_RUNS` inputs per property (10^6 there) from a seed of
 * its own (`FUZZ_SEED`, else the time), and each property appends a line
 * to `FUZZ_REPORT` when that is set.
 *
 * @module
 */
import fc from "fast-check";

/** Inputs per property: FUZZ_RUNS when set (the long form), else `ci`. */
export function fuzzRuns(ci: number): number {
  const long = Number(Deno.env.get("FUZZ_RUNS") ?? "");
  return Number.isSafeInteger(long) && long > 0 ? long : ci;
}

/** The seed: FUZZ_SEED when set; the suite's fixed one unless this is the long form. */
export function fuzzSeed(): number {
  const given = Deno.env.get("FUZZ_SEED");
  if (given !== undefined) return Number(given) | 0;
  return Deno.env.get("FUZZ_RUNS") === undefined ? 0x5eed14 : Date.now() | 0;
}

/** One line of the long run's report. */
export interface FuzzRecord {
  name: string;
  inputs: number;
  failures: number;
  seed: number;
  ms: number;
}

function record(r: FuzzRecord): void {
  const file = Deno.env.get("FUZZ_REPORT");
  if (file === undefined) return;
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(file, JSON.stringify(r) + "\n", { append: true });
}

/** How a property counts its inputs in the long form. */
export interface FuzzOptions {
  /**
   * At most this many runs in the long form, for a property that is slow
   * per input: it then runs fewer than FUZZ_RUNS inputs, and the report
   * says how many.
   */
  longMax?: number;
}

/**
 * Rounds of runs, as [numRuns, seed]: the suite's one round of `ciRuns`;
 * in the long form, rounds (each from the next seed) until `counted()`
 * inputs reach FUZZ_RUNS, or `longMax` runs were made.
 */
function* rounds(
  ciRuns: number,
  options: FuzzOptions,
  counted: () => number,
): Generator<[number, number]> {
  const target = fuzzRuns(0);
  const seed = fuzzSeed();
  if (target === 0) {
    yield [ciRuns, seed];
    return;
  }
  const max = options.longMax ?? Infinity;
  let runs = 0;
  for (let i = 0; counted() < target && runs < max; i++) {
    // A run may feed several inputs (a stream of packets): the first round, the suite's, says
    // how many on average; the next ones aim at what is left.
    const perRun = runs === 0 ? 0 : Math.max(1, counted() / runs);
    const wanted = perRun === 0 ? ciRuns : Math.ceil((target - counted()) / perRun);
    const next = Math.min(max - runs, wanted);
    yield [next, seed + i];
    runs += next;
  }
}

/**
 * Checks `check` on `ciRuns` inputs of `arb` (in the long form, until
 * FUZZ_RUNS inputs): it must not throw. `check` may return how many inputs
 * it fed the code under test (a stream of 30 packets is 30; default 1).
 * Returns the inputs counted. fast-check shrinks a failure to a small
 * input and reports it with the seed.
 */
export function fuzz<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => number | void,
  ciRuns: number,
  options: FuzzOptions = {},
): number {
  let inputs = 0;
  let seed = fuzzSeed();
  const started = performance.now();
  const done = (failures: number) =>
    record({ name, inputs, failures, seed, ms: Math.round(performance.now() - started) });
  const property = fc.property(arb, (value) => {
    inputs += check(value) ?? 1;
  });
  try {
    for (const [numRuns, s] of rounds(ciRuns, options, () => inputs)) {
      seed = s;
      fc.assert(property, { numRuns, seed });
    }
  } catch (error) {
    done(1);
    throw error;
  }
  done(0);
  return inputs;
}

/** {@linkcode fuzz} for a check that awaits. */
export async function fuzzAsync<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => Promise<number | void>,
  ciRuns: number,
  options: FuzzOptions = {},
): Promise<number> {
  let inputs = 0;
  let seed = fuzzSeed();
  const started = performance.now();
  const done = (failures: number) =>
    record({ name, inputs, failures, seed, ms: Math.round(performance.now() - started) });
  const property = fc.asyncProperty(arb, async (value) => {
    inputs += (await check(value)) ?? 1;
  });
  try {
    for (const [numRuns, s] of rounds(ciRuns, options, () => inputs)) {
      seed = s;
      await fc.assert(property, { numRuns, seed });
    }
  } catch (error) {
    done(1);
    throw error;
  }
  done(0);
  return inputs;
}

/** Rethrows `e` unless it is one of the error classes a parser documents. */
export function documented(
  e: unknown,
  allowed: readonly (abstract new (...args: never[]) => Error)[] = [SyntaxError, RangeError],
): void {
  if (!allowed.some((cls) => e instanceof cls)) throw e;
  const message = (e as Error).message;
  // A reason a person can read: something to say, starting with a word or a quote.
  if (!/^["\w]/.test(message)) throw new Error(`Not a reason: ${JSON.stringify(message)}`);
}
