// bench: engine throughput and accuracy (printed figures only; nothing here asserts anything about time).
//
//   npm run bench                 all benchmarks (bench/run.ts runs every bench/*.ts in turn)
//   npm run bench -- engine       this one only  (or: npx tsx bench/engine.ts)
//
// Each figure is measured on one core (Node runs the loop on its main thread), after a warm-up,
// over at least a second of work. Targets (docs/specification.md §2 quality bar, not checked here):
//   (a) price + greeks  ≥ 5M/s on a realistic SPX chain     (b) implied vol ≥ 1M/s at ≤ 1e-12
//   (c) evaluatePosition ≥ 200k/s on a stored position
import os from 'node:os';
import {
  classifyRegime,
  createEntrySnapshot,
  evaluatePosition,
  impliedVolatility,
  modelCondor,
  priceOption,
  vixProxy,
  UNDERLYINGS,
  type MarketState,
  type OptionInput,
  type OptionType,
} from '../src/engine/index.ts';

const MIN_SECONDS = 1;
const WARMUP_SECONDS = 0.5;

const TRIALS = 3;

interface Measured {
  perCpuSecond: number;
  perSecond: number;
  checksum: number;
}

/**
 * Runs `pass` (which does `count` operations) for at least `seconds`, TRIALS times after a
 * warm-up. Returns the best trial both per second of this process's CPU time (what the engine
 * costs, whatever else the machine is doing) and per wall-clock second (what a user waits).
 */
function rate(count: number, pass: () => number, seconds = MIN_SECONDS): Measured {
  let checksum = 0;
  const warmEnd = performance.now() + WARMUP_SECONDS * 1000;
  while (performance.now() < warmEnd) checksum += pass();
  let perCpuSecond = 0;
  let perSecond = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    let operations = 0;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    let elapsed = 0;
    do {
      checksum += pass();
      operations += count;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < seconds);
    const cpu = process.cpuUsage(cpuStart);
    perCpuSecond = Math.max(perCpuSecond, operations / ((cpu.user + cpu.system) / 1e6));
    perSecond = Math.max(perSecond, operations / elapsed);
  }
  return { perCpuSecond, perSecond, checksum };
}

const rows: { what: string; value: string; target: string }[] = [];
const fmt1 = (perSecond: number) =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M/s` : `${(perSecond / 1e3).toFixed(0)}k/s`;
/** Per CPU second, with per wall-clock second in brackets. */
const fmt = (measured: Measured) => `${fmt1(measured.perCpuSecond)} (${fmt1(measured.perSecond)})`;

// ------------------------------------------------------------------ (a) price + greeks
interface Grid {
  types: Uint8Array;
  strikes: Float64Array;
  years: Float64Array;
  vols: Float64Array;
  spot: number;
  rate: number;
  dividendYield: number;
}

function spxChainGrid(): Grid {
  // Strikes ±20% around 5,800 on the 5-point grid (465), 1–365 DTE (every 4th day: 92), vols 10–80% (8): both types.
  const strikes: number[] = [];
  for (let k = 4640; k <= 6960; k += 5) strikes.push(k);
  const out = { types: [] as number[], strikes: [] as number[], years: [] as number[], vols: [] as number[] };
  for (let dte = 1; dte <= 365; dte += 4) {
    for (let v = 0; v < 8; v++) {
      for (const strike of strikes) {
        for (const type of [0, 1]) {
          out.types.push(type);
          out.strikes.push(strike);
          out.years.push(dte / 365);
          out.vols.push(0.1 + 0.1 * v);
        }
      }
    }
  }
  return {
    types: Uint8Array.from(out.types),
    strikes: Float64Array.from(out.strikes),
    years: Float64Array.from(out.years),
    vols: Float64Array.from(out.vols),
    spot: 5800,
    rate: 0.04,
    dividendYield: 0.013,
  };
}

/** The §2 grid: ln(K/F) in [−1, 1], τ 1 day–3 years and σ 1%–400% log-spaced, calls and puts. */
function section2Grid(points: { moneyness: number; years: number; vols: number }): Grid {
  const spot = 5800,
    rateValue = 0.04,
    dividendYield = 0.013;
  const n = 2 * points.moneyness * points.years * points.vols;
  const grid: Grid = {
    types: new Uint8Array(n),
    strikes: new Float64Array(n),
    years: new Float64Array(n),
    vols: new Float64Array(n),
    spot,
    rate: rateValue,
    dividendYield,
  };
  let i = 0;
  for (let a = 0; a < points.moneyness; a++) {
    const m = -1 + (2 * a) / (points.moneyness - 1);
    for (let b = 0; b < points.years; b++) {
      const years = (1 / 365) * (3 * 365) ** (b / (points.years - 1));
      const forward = spot * Math.exp((rateValue - dividendYield) * years);
      for (let c = 0; c < points.vols; c++) {
        const vol = 0.01 * 400 ** (c / (points.vols - 1));
        for (const type of [0, 1]) {
          grid.types[i] = type;
          grid.strikes[i] = forward * Math.exp(m);
          grid.years[i] = years;
          grid.vols[i] = vol;
          i++;
        }
      }
    }
  }
  return grid;
}

const TYPES: OptionType[] = ['call', 'put'];

function pricePass(grid: Grid): () => number {
  const input: OptionInput = {
    type: 'call',
    spot: grid.spot,
    strike: 0,
    years: 0,
    vol: 0,
    rate: grid.rate,
    dividendYield: grid.dividendYield,
  };
  return () => {
    let sum = 0;
    for (let i = 0; i < grid.strikes.length; i++) {
      input.type = TYPES[grid.types[i]!]!;
      input.strike = grid.strikes[i]!;
      input.years = grid.years[i]!;
      input.vol = grid.vols[i]!;
      const value = priceOption(input);
      sum += value.price + value.delta + value.gamma + value.thetaPerDay + value.vegaPerVolPoint + value.rhoPerPoint;
    }
    return sum;
  };
}

/** The options of a grid whose years satisfy `keep`. */
function subset(grid: Grid, keep: (years: number) => boolean): Grid {
  const index = [...grid.years.keys()].filter((i) => keep(grid.years[i]!));
  return {
    ...grid,
    types: Uint8Array.from(index, (i) => grid.types[i]!),
    strikes: Float64Array.from(index, (i) => grid.strikes[i]!),
    years: Float64Array.from(index, (i) => grid.years[i]!),
    vols: Float64Array.from(index, (i) => grid.vols[i]!),
  };
}

const chain = spxChainGrid();
const chainRate = rate(chain.strikes.length, pricePass(chain));
rows.push({
  what:
    `(a) priceOption, price + 5 greeks, SPX chain (${chain.strikes.length.toLocaleString('en-US')} options: ` +
    'K ±20% of 5,800, 1–365 DTE, σ 10–80%)',
  value: fmt(chainRate),
  target: '≥ 5M/s',
});
// Where the time goes: short-dated wings take the small-s series of the normalised Black function.
const shortDated = subset(chain, (years) => years < 30 / 365);
const shortRate = rate(shortDated.strikes.length, pricePass(shortDated));
rows.push({
  what: `    of which 1–29 DTE (${shortDated.strikes.length.toLocaleString('en-US')} options)`,
  value: fmt(shortRate),
  target: '',
});
const longDated = subset(chain, (years) => years >= 30 / 365);
const longRate = rate(longDated.strikes.length, pricePass(longDated));
rows.push({
  what: `    of which 30–365 DTE (${longDated.strikes.length.toLocaleString('en-US')} options)`,
  value: fmt(longRate),
  target: '',
});
const wide = section2Grid({ moneyness: 41, years: 61, vols: 61 });
const wideRate = rate(wide.strikes.length, pricePass(wide));
rows.push({
  what:
    `(a) priceOption, price + 5 greeks, §2 grid (${wide.strikes.length.toLocaleString('en-US')} options: ` +
    'ln K/F ±1, 1 d–3 y, σ 1–400%)',
  value: fmt(wideRate),
  target: '—',
});

// ------------------------------------------------------------------ (b) implied vol
const ivGrid = section2Grid({ moneyness: 50, years: 100, vols: 100 }); // 2 × 50 × 100 × 100 = 1,000,000
const ivPrices = new Float64Array(ivGrid.strikes.length);
for (let i = 0; i < ivPrices.length; i++) {
  ivPrices[i] = priceOption({
    type: TYPES[ivGrid.types[i]!]!,
    spot: ivGrid.spot,
    strike: ivGrid.strikes[i]!,
    years: ivGrid.years[i]!,
    vol: ivGrid.vols[i]!,
    rate: ivGrid.rate,
    dividendYield: ivGrid.dividendYield,
  }).price;
}
const solvedVols = new Float64Array(ivPrices.length);
const iterationCounts = new Uint8Array(ivPrices.length);
const failures = new Uint8Array(ivPrices.length);
const ivPass = () => {
  let sum = 0;
  const input = {
    type: 'call' as OptionType,
    spot: ivGrid.spot,
    strike: 0,
    years: 0,
    rate: ivGrid.rate,
    dividendYield: ivGrid.dividendYield,
    price: 0,
  };
  for (let i = 0; i < ivPrices.length; i++) {
    input.type = TYPES[ivGrid.types[i]!]!;
    input.strike = ivGrid.strikes[i]!;
    input.years = ivGrid.years[i]!;
    input.price = ivPrices[i]!;
    const result = impliedVolatility(input);
    if (result.ok) {
      solvedVols[i] = result.vol;
      iterationCounts[i] = result.iterations;
      sum += result.vol;
    } else {
      failures[i] = 1;
    }
  }
  return sum;
};
const ivRate = rate(ivPrices.length, ivPass, 2);
// Accuracy over attainable prices (> 1e-300), not timed.
let worstRepricing = 0;
let worstAt = '';
let attainable = 0;
let failed = 0;
let iterationSum = 0;
for (let i = 0; i < ivPrices.length; i++) {
  const price = ivPrices[i]!;
  if (!(price > 1e-300)) continue;
  attainable++;
  if (failures[i]) {
    failed++;
    continue;
  }
  iterationSum += iterationCounts[i]!;
  const repriced = priceOption({
    type: TYPES[ivGrid.types[i]!]!,
    spot: ivGrid.spot,
    strike: ivGrid.strikes[i]!,
    years: ivGrid.years[i]!,
    vol: solvedVols[i]!,
    rate: ivGrid.rate,
    dividendYield: ivGrid.dividendYield,
  }).price;
  const error = Math.abs(repriced - price) / price;
  if (error > worstRepricing) {
    worstRepricing = error;
    const forward = ivGrid.spot * Math.exp((ivGrid.rate - ivGrid.dividendYield) * ivGrid.years[i]!);
    worstAt =
      `${TYPES[ivGrid.types[i]!]} K/F=${(ivGrid.strikes[i]! / forward).toPrecision(4)} ` +
      `τ=${ivGrid.years[i]!.toPrecision(3)} σ=${ivGrid.vols[i]!.toPrecision(3)}`;
  }
}
rows.push({
  what: `(b) impliedVolatility, §2 grid (${ivPrices.length.toLocaleString('en-US')} prices)`,
  value: fmt(ivRate),
  target: '≥ 1M/s',
});
rows.push({
  what: `(b) worst |reprice − price| / price over ${attainable.toLocaleString('en-US')} attainable prices (> 1e-300)`,
  value: worstRepricing.toExponential(2),
  target: '≤ 1e-12',
});
rows.push({
  what: '(b) mean iterations; failures among attainable prices',
  value: `${(iterationSum / Math.max(1, attainable - failed)).toFixed(3)}; ${failed}`,
  target: '≤ 3; 0',
});

// ------------------------------------------------------------------ (c) evaluatePosition
// A stored position: the 16-delta SPX model condor opened at 5,800 / VIX 16, 45 days out; valued
// ten days later at 5,790 / VIX 16.5 with a year of VIX history (a HOLD: no re-strike is priced).
const settlementMs = Date.parse('2026-05-15T20:00:00Z');
const entryMarket: MarketState = {
  spot: 5800,
  rate: 0.04,
  dividendYield: 0.013,
  vol: vixProxy(16),
  valuationMs: Date.parse('2026-03-31T20:00:00Z'),
  valuationDate: '2026-03-31',
};
const model = modelCondor({ underlying: UNDERLYINGS.SPX, market: entryMarket, expiry: '2026-05-15', settlementMs });
const entry = createEntrySnapshot({ condor: model.condor, market: entryMarket, settlementMs, vix: 16 });
const history = Array.from({ length: 252 }, (_, i) => 14 + 6 * Math.abs(Math.sin(i / 17)));
const regime = classifyRegime({ vix: 16.5, history });
const today: MarketState = {
  spot: 5790,
  rate: 0.04,
  dividendYield: 0.013,
  vol: vixProxy(16.5),
  valuationMs: Date.parse('2026-04-10T20:00:00Z'),
  valuationDate: '2026-04-10',
};
const position = { condor: model.condor, entry, settlementMs, activeHedgeLayers: [] as number[] };
const sample = evaluatePosition({ position, market: today, regime });
const positionPass = () => {
  let sum = 0;
  for (let i = 0; i < 1000; i++) sum += evaluatePosition({ position, market: today, regime }).invariant.deviation;
  return sum;
};
const positionRate = rate(1000, positionPass);
rows.push({
  what:
    `(c) evaluatePosition, stored SPX condor ${model.condor.strikes.longPut}/${model.condor.strikes.shortPut}/` +
    `${model.condor.strikes.shortCall}/${model.condor.strikes.longCall} (action ${sample.action})`,
  value: fmt(positionRate),
  target: '≥ 200k/s',
});

// ------------------------------------------------------------------ report
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `Node ${process.version} on ${cpu} (${os.platform()} ${os.arch()}), one core; ` +
    `each rate is the best of ${TRIALS} trials of ${MIN_SECONDS}s+ after a ${WARMUP_SECONDS}s warm-up, ` +
    'per second of CPU time (per wall-clock second in brackets)\n',
);
const width = Math.max(...rows.map((r) => r.what.length));
const valueWidth = Math.max(...rows.map((r) => r.value.length), 8);
console.log(`${'measure'.padEnd(width)}  ${'result'.padStart(valueWidth)}  target`);
console.log(`${'-'.repeat(width)}  ${'-'.repeat(valueWidth)}  ------`);
for (const row of rows) console.log(`${row.what.padEnd(width)}  ${row.value.padStart(valueWidth)}  ${row.target}`);
if (worstAt) console.log(`\nworst repricing at ${worstAt}`);
// Keeps the optimiser honest: the sums depend on every result.
if (
  !Number.isFinite(
    chainRate.checksum +
      shortRate.checksum +
      longRate.checksum +
      wideRate.checksum +
      ivRate.checksum +
      positionRate.checksum,
  )
)
  console.log('(non-finite checksum)');
