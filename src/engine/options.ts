// Black-Scholes-Merton prices and greeks (docs/specification.md §2), and Black-76 on a future for VIX options.
// Prices go through the normalised Black function, so deep out-of-the-money prices keep their
// relative accuracy; greeks use the closed forms. Units: delta per point of spot, gamma per
// point², theta per calendar day, vega per vol point (0.01), rho per rate point (0.01).
import { normalisedBlackCall } from './math/black.ts';
import { normCdf, normPdf } from './math/normal.ts';

export type OptionType = 'call' | 'put';

export interface OptionInput {
  type: OptionType;
  spot: number;
  strike: number;
  /** ACT/365 years to settlement (discounting and carry); at or below 0 the option is worth intrinsic. */
  years: number;
  /**
   * Trading-time years of variance to settlement (sessions / 252, docs/engine.md "Two clocks");
   * defaults to `years`. At 0 with `years` above 0 the option is worth its discounted forward intrinsic.
   */
  varianceYears?: number;
  /** Annualised volatility as a decimal (0.16 = 16%). */
  vol: number;
  /** Continuously compounded risk-free rate (0.04 = 4%). */
  rate: number;
  /** Continuous dividend yield (0.013 = 1.3%). */
  dividendYield: number;
}

export interface OptionValue {
  price: number;
  delta: number;
  gamma: number;
  thetaPerDay: number;
  vegaPerVolPoint: number;
  /** Change in price for +0.01 of rate. */
  rhoPerPoint: number;
}

const DAYS_PER_YEAR = 365;

/**
 * The forward and discount factor, computed one way everywhere: the solver and the pricer must
 * agree to the last bit on x = ln(F/K), or far out of the money a one-ulp difference in x shows
 * up as a 1e-12 difference in price.
 */
export function forwardAndDiscount(
  spot: number,
  years: number,
  rate: number,
  dividendYield: number,
): { forward: number; discount: number; carry: number } {
  const discount = Math.exp(-rate * years);
  const carry = Math.exp(-dividendYield * years);
  return { forward: (spot * carry) / discount, discount, carry };
}

/**
 * The option's price alone (the hot path of marks, payoff curves and the backtest). Like
 * priceOption, it takes the textbook difference when it loses at most 6 bits and the normalised
 * Black form otherwise, so both agree to ~1.4e-14.
 */
export function optionPrice(
  type: OptionType,
  spot: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
  dividendYield: number,
  varianceYears = years,
): number {
  if (!(years > 0)) return Math.max(type === 'call' ? spot - strike : strike - spot, 0);
  const { forward, discount, carry } = forwardAndDiscount(spot, years, rate, dividendYield);
  if (!(vol > 0) || !(varianceYears > 0))
    return discount * Math.max(type === 'call' ? forward - strike : strike - forward, 0);
  const x = Math.log(forward / strike);
  const s = vol * Math.sqrt(varianceYears);
  const d1 = x / s + 0.5 * s;
  const sign = type === 'call' ? 1 : -1;
  const large = type === 'call' ? spot * carry * normCdf(d1) : strike * discount * normCdf(s - d1);
  const price = large - (type === 'call' ? strike * discount * normCdf(d1 - s) : spot * carry * normCdf(-d1));
  if (price > large / 64) return price;
  return discount * Math.sqrt(forward * strike) * normalisedBlackCall(sign * x, s);
}

function expired({ type, spot, strike }: OptionInput): OptionValue {
  const intrinsic = Math.max(type === 'call' ? spot - strike : strike - spot, 0);
  const inTheMoney = intrinsic > 0 ? 1 : 0;
  return {
    price: intrinsic,
    delta: type === 'call' ? inTheMoney : -inTheMoney,
    gamma: 0,
    thetaPerDay: 0,
    vegaPerVolPoint: 0,
    rhoPerPoint: 0,
  };
}

/**
 * Price and greeks of a European option under Black-Scholes-Merton. The price is taken from the
 * two CDFs the greeks need anyway whenever the subtraction loses at most 6 bits (relative error
 * ≤ 64 ulps ≈ 1.4e-14); otherwise (far out of the money, little time value) it goes through the
 * normalised Black function, which keeps full relative accuracy.
 */
export function priceOption(input: OptionInput): OptionValue {
  const { type, spot, strike, years, vol, rate, dividendYield } = input;
  const varianceYears = input.varianceYears ?? years;
  if (!(years > 0)) return expired(input);
  const { forward, discount, carry } = forwardAndDiscount(spot, years, rate, dividendYield);
  if (!(vol > 0) || !(varianceYears > 0)) return deterministic(input, discount, carry, forward);
  // Vol terms run on variance time, rate terms on calendar time; with one clock this is textbook BSM.
  const sqrtVarianceYears = Math.sqrt(varianceYears);
  const s = vol * sqrtVarianceYears;
  const x = Math.log(forward / strike);
  const d1 = x / s + 0.5 * s;
  const d2 = d1 - s;
  const density = normPdf(d1);
  const spotCarry = spot * carry;
  const strikeDiscount = strike * discount;
  const gamma = (carry * density) / (spot * s);
  const vegaPerVolPoint = (spotCarry * density * sqrtVarianceYears) / 100;
  const decay = (-spotCarry * density * vol) / (2 * sqrtVarianceYears);
  if (type === 'call') {
    const nd1 = normCdf(d1);
    const nd2 = normCdf(d2);
    const large = spotCarry * nd1;
    let price = large - strikeDiscount * nd2;
    if (!(price > large / 64)) price = discount * Math.sqrt(forward * strike) * normalisedBlackCall(x, s);
    return {
      price,
      delta: carry * nd1,
      gamma,
      thetaPerDay: (decay - rate * strikeDiscount * nd2 + dividendYield * spotCarry * nd1) / DAYS_PER_YEAR,
      vegaPerVolPoint,
      rhoPerPoint: (strikeDiscount * years * nd2) / 100,
    };
  }
  const nMinusD1 = normCdf(-d1);
  const nMinusD2 = normCdf(-d2);
  const large = strikeDiscount * nMinusD2;
  let price = large - spotCarry * nMinusD1;
  if (!(price > large / 64)) price = discount * Math.sqrt(forward * strike) * normalisedBlackCall(-x, s);
  return {
    price,
    delta: -carry * nMinusD1,
    gamma,
    thetaPerDay: (decay + rate * strikeDiscount * nMinusD2 - dividendYield * spotCarry * nMinusD1) / DAYS_PER_YEAR,
    vegaPerVolPoint,
    rhoPerPoint: (-strikeDiscount * years * nMinusD2) / 100,
  };
}

/** No uncertainty (vol 0): the discounted intrinsic value of the forward. */
function deterministic(
  { type, strike, spot, years, rate, dividendYield }: OptionInput,
  discount: number,
  carry: number,
  forward: number,
): OptionValue {
  const inTheMoney = type === 'call' ? forward > strike : strike > forward;
  const sign = type === 'call' ? 1 : -1;
  return {
    price: inTheMoney ? discount * Math.abs(forward - strike) : 0,
    delta: inTheMoney ? sign * carry : 0,
    gamma: 0,
    thetaPerDay: inTheMoney ? (sign * (dividendYield * spot * carry - rate * strike * discount)) / DAYS_PER_YEAR : 0,
    vegaPerVolPoint: 0,
    rhoPerPoint: inTheMoney ? (sign * strike * years * discount) / 100 : 0,
  };
}

export interface Black76Input {
  type: OptionType;
  forward: number;
  strike: number;
  years: number;
  vol: number;
  rate: number;
}

export interface Black76Value {
  price: number;
  /** Per point of the future. */
  delta: number;
  vegaPerVolPoint: number;
}

/** Black-76: a European option on a future (VIX options on the VIX future of their expiry). */
export function black76({ type, forward, strike, years, vol, rate }: Black76Input): Black76Value {
  const discount = Math.exp(-rate * Math.max(years, 0));
  if (!(years > 0) || !(vol > 0)) {
    const inTheMoney = type === 'call' ? forward > strike : strike > forward;
    return {
      price: discount * Math.max(type === 'call' ? forward - strike : strike - forward, 0),
      delta: inTheMoney ? (type === 'call' ? discount : -discount) : 0,
      vegaPerVolPoint: 0,
    };
  }
  const sqrtYears = Math.sqrt(years);
  const s = vol * sqrtYears;
  const x = Math.log(forward / strike);
  const d1 = x / s + 0.5 * s;
  const price = discount * Math.sqrt(forward * strike) * normalisedBlackCall(type === 'call' ? x : -x, s);
  return {
    price,
    delta: type === 'call' ? discount * normCdf(d1) : -discount * normCdf(-d1),
    vegaPerVolPoint: (discount * forward * normPdf(d1) * sqrtYears) / 100,
  };
}
