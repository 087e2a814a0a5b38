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
  /** Strikes with a two-sided call and put in the band (the fit's points). */
  strikesUsed: number;
  /** Every strike pair (call and put at one strike) whose parity lies beyond its bid/ask. */
  beyondSpread: ParityDeviation[];
}

const twoSided = (q: ParityQuote) => q.bid > 0 && q.ask >= q.bid && Number.isFinite(q.ask);

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
  if (near.length < 3) return null;
  // Least squares of s = a + b·K.
  const n = near.length;
  const xs = near.map((p) => p.strike);
  const ys = near.map((p) => (p.call.bid + p.call.ask) / 2 - (p.put.bid + p.put.ask) / 2);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
    sxx += (xs[i]! - meanX) ** 2;
  }
  const discount = -sxy / sxx;
  if (!(discount > 0 && discount <= 1.5)) return null;
  const forward = (meanY + discount * meanX) / discount;
  if (!(forward > 0)) return null;
  const rate = -Math.log(discount) / years;
  const dividendYield = rate - Math.log(forward / spot) / years;
  const beyondSpread: ParityDeviation[] = [];
  for (const { strike, call, put } of pairs) {
    const parity = discount * (forward - strike);
    const buy = call.ask - put.bid;
    const sell = call.bid - put.ask;
    const beyond = Math.max(parity - buy, sell - parity, 0);
    if (beyond > 0) beyondSpread.push({ strike, parity, buy, sell, beyondSpread: beyond });
  }
  return { rate, dividendYield, forward, discount, strikesUsed: n, beyondSpread };
}
