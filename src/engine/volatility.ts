// Where each leg's volatility comes from (docs/specification.md §1): the user's explicit value, else the
// option chain's implied vol at that strike and expiry, else the VIX proxy σ = VIX/100 with an
// optional skew σ(K) = σ_atm (1 − β ln(K/F)), clamped to [0.5 σ_atm, 3 σ_atm]. VIX is a 30-day
// variance-swap level, not an at-the-money vol: the proxy is a model choice, and it says so.

export type VolSource = 'user' | 'chain' | 'vix-proxy';

export interface VolInputs {
  /** σ_atm as a decimal: VIX/100 for the proxy, or the chain's at-the-money IV. */
  atmVol: number;
  /** Where atmVol came from. */
  atmSource: VolSource;
  /** Skew slope β of the proxy (0 = flat, the default). */
  skewBeta?: number;
  /** Explicit vols by strike (the user's), checked first. */
  userVols?: ReadonlyMap<number, number>;
  /** The chain's implied vol at a strike for the position's expiry, or null where it has none. */
  chainVolAt?: (strike: number) => number | null;
}

export interface LegVol {
  vol: number;
  source: VolSource;
}

/** The proxy's vol at a strike: σ_atm (1 − β ln(K/F)), clamped to [0.5, 3] σ_atm. */
export function skewedVol(atmVol: number, skewBeta: number, strike: number, forward: number): number {
  if (!skewBeta) return atmVol;
  const vol = atmVol * (1 - skewBeta * Math.log(strike / forward));
  return Math.min(3 * atmVol, Math.max(0.5 * atmVol, vol));
}

/** The vol for one strike, with its source. */
export function volAtStrike(inputs: VolInputs, strike: number, forward: number): LegVol {
  const user = inputs.userVols?.get(strike);
  if (user !== undefined && user > 0) return { vol: user, source: 'user' };
  const chain = inputs.chainVolAt?.(strike);
  if (chain !== null && chain !== undefined && chain > 0) return { vol: chain, source: 'chain' };
  return {
    vol: skewedVol(inputs.atmVol, inputs.skewBeta ?? 0, strike, forward),
    source: inputs.atmSource === 'user' ? 'user' : 'vix-proxy',
  };
}

/** A flat proxy from a VIX level in points. */
export function vixProxy(vix: number, skewBeta = 0): VolInputs {
  return { atmVol: vix / 100, atmSource: 'vix-proxy', skewBeta };
}
