// Put-call parity on one expiry of a quoted chain (docs/engine.md, "Parity"): the financing rate and
// dividend yield the chain implies, and the strikes whose parity lies beyond their bid/ask.
//
// For European options C − P = D·(F − K), D = e^(−r·T), F = S·e^((r−q)·T). The synthetic forward
// s(K) = mid(C) − mid(P) is therefore a line in K of slope −D: the slope between two strikes is a
// box spread's value per point of width. The least-squares line over the strikes near the money
// (a weighted average of those boxes) gives D, hence r, and its intercept D·F gives F, hence q.

export interface ParityQuote {
  strike: number;
  bid: number;
  ask: number;
}

export interface ParityInput {
  spot: number;
  /** Calendar years to settlement (the discounting clock). */
  years: number;
  calls: readonly ParityQuote[];
  puts: readonly ParityQuote[];
  /** Strikes used for the fit: within this share of spot (default 10%). */
  band?: number;
}

export interface ParityDeviation {
  strike: number;
  /** The parity value D·(F − K), points. */
  parity: number;
  /** Buying the synthetic forward costs ask(C) − bid(P); selling it brings bid(C) − ask(P). */
  buy: number;
  sell: number;
  /** How far parity lies outside [sell, buy], points (> 0 only for flagged strikes). */
  beyondSpread: number;
}

export interface ParityReading {
  /** Continuously compounded financing rate implied by the boxes. */
  rate: number;
  dividendYield: number;
  forward: number;
  discount: number;
  /**
   * Strikes with a two-sided call and put in the band that the final fit used (the refit drops
   * those beyond their spread).
   */
  strikesUsed: number;
  /** Every strike pair (call and put at one strike) whose parity lies beyond its bid/ask. */
  beyondSpread: ParityDeviation[];
}

const twoSided = (q: ParityQuote) => q.bid > 0 && q.ask >= q.bid && Number.isFinite(q.ask);

interface StrikePair {
  strike: number;
  call: ParityQuote;
  put: ParityQuote;
}

/** How far a parity value lies outside what the synthetic trades for (0 inside the bid/ask). */
const beyondOf = ({ call, put }: StrikePair, parity: number) =>
  Math.max(parity - (call.ask - put.bid), call.bid - put.ask - parity, 0);

/** Least squares of s = a − D·K over the pairs' mid synthetics; null when it is not a discount line. */
function fitLine(pairs: readonly StrikePair[]): { discount: number; forward: number; points: number } | null {
  const n = pairs.length;
  if (n < 3) return null;
  const xs = pairs.map((p) => p.strike);
  const ys = pairs.map((p) => (p.call.bid + p.call.ask) / 2 - (p.put.bid + p.put.ask) / 2);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
    sxx += (xs[i]! - meanX) ** 2;
  }
  if (!(sxx > 0)) return null;
  const discount = -sxy / sxx;
  if (!(discount > 0 && discount <= 1.5)) return null;
  const forward = (meanY + discount * meanX) / discount;
  if (!(forward > 0)) return null;
  return { discount, forward, points: n };
}

/** null with fewer than 3 usable strikes, no time left, or a fit that is not a discount factor. */
export function chainParity({ spot, years, calls, puts, band = 0.1 }: ParityInput): ParityReading | null {
  if (!(years > 0 && spot > 0)) return null;
  const putAt = new Map(puts.filter(twoSided).map((p) => [p.strike, p]));
  const pairs = calls
    .filter(twoSided)
    .flatMap((call) => {
      const put = putAt.get(call.strike);
      return put ? [{ strike: call.strike, call, put }] : [];
    })
    .sort((a, b) => a.strike - b.strike);
  const near = pairs.filter((p) => Math.abs(p.strike - spot) <= band * spot);
  const first = fitLine(near);
  if (!first) return null;
  // One stale quote far from the middle strike tilts a least-squares line (a call 1.5 points off
  // at 6,100 moves r by 7 bp): fit again without the strikes the first line puts beyond their
  // bid/ask, so the reading is the chain's and the odd strike stands out against it.
  const kept = near.filter((p) => beyondOf(p, first.discount * (first.forward - p.strike)) === 0);
  const fit = (kept.length < near.length && fitLine(kept)) || first;
  const { discount, forward } = fit;
  const rate = -Math.log(discount) / years;
  const dividendYield = rate - Math.log(forward / spot) / years;
  const beyondSpread: ParityDeviation[] = [];
  for (const pair of pairs) {
    const parity = discount * (forward - pair.strike);
    const beyond = beyondOf(pair, parity);
    if (beyond > 0)
      beyondSpread.push({
        strike: pair.strike,
        parity,
        buy: pair.call.ask - pair.put.bid,
        sell: pair.call.bid - pair.put.ask,
        beyondSpread: beyond,
      });
  }
  return { rate, dividendYield, forward, discount, strikesUsed: fit.points, beyondSpread };
}
