/**
 * One seed policy for every property test. `npm test` (and CI) runs a fixed seed, so a green
 * build stays green; exploration is explicit: `FC_SEED=random` draws a new seed each run (printed
 * on failure), `FC_SEED=<n>` replays one, `FC_RUNS=<n>` scales the runs (`npm run test:explore`).
 */
import fc from 'fast-check';

/** The seed `npm test` uses: fixed, so that a run is reproducible without any environment. */
export const DEFAULT_SEED = 20_261_124;

function seedFromEnv(): number {
  const raw = process.env.FC_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  if (raw === 'random') return (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${JSON.stringify(raw)}`);
  return seed;
}

export const SEED = seedFromEnv();
const SCALE = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) / 100 : 1;

/** `n` runs scaled by FC_RUNS (per 100), at least one. */
export const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** fc.assert with the run's seed and scaled runs; a failure says how to replay it. */
export function check<T>(property: fc.IAsyncProperty<T> | fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(property as fc.IProperty<T>, { endOnFailure: false, seed: SEED, numRuns: runs(numRuns) });
  } catch (e) {
    (e as Error).message = `Replay with FC_SEED=${SEED} (fast-check prints the path below).\n${(e as Error).message}`;
    throw e;
  }
}
