// The seeds of a chaos run. Run 1 of every scenario uses the given seed itself, run i a seed mixed from it:
// so that `--seed S --runs 1 --only F4` replays exactly the run the table printed with seed S.

export function runSeeds(seed: number, runs: number): number[] {
  const out = [seed >>> 0];
  let x = seed >>> 0;
  for (let i = 1; i < runs; i++) {
    // splitmix32's step: consecutive seeds far apart, the same for the same input on every machine.
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    out.push((z ^ (z >>> 16)) >>> 0);
  }
  return out;
}

export interface ChaosArgs {
  seed: number;
  runs: number;
  only: string[] | null;
}

/** `--seed N --runs K --only F3,F4`; a bad value is an error (the runner exits 2). */
export function parseChaosArgs(argv: readonly string[], freshSeed: () => number): ChaosArgs {
  const out: ChaosArgs = { seed: -1, runs: 20, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag}: a value is missing`);
      return v;
    };
    const count = (v: string, what: string, min: number): number => {
      if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 2 ** 32 - 1) throw new Error(`${what} ${v}: expected a whole number from ${min}`);
      return Number(v);
    };
    if (flag === '--seed') out.seed = count(value(), '--seed', 0);
    else if (flag === '--runs') out.runs = count(value(), '--runs', 1);
    else if (flag === '--only') out.only = value().split(',').map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0);
    else throw new Error(`${a}: unknown argument (expected --seed N, --runs K, --only F1,F4)`);
  }
  if (out.seed < 0) out.seed = freshSeed();
  return out;
}
