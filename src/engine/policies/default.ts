// The default policy for new users, channel paper positions and the daily summaries: the one the
// walk-forward evidence recommends by the criterion stated in docs/evidence.md (best out-of-sample
// Sortino of daily return on risk, then the smaller drawdown). test/backtest/real-history.test.ts
// fails when the recommendation on the shared data no longer matches this line.
import type { PolicyName } from './types.ts';

export const DEFAULT_POLICY: PolicyName = 'cndr';

/** The one-line evidence shown in /settings, /help settings and docs/evidence.md. */
export const DEFAULT_POLICY_EVIDENCE =
  'Walk-forward 1998–2026 (out of sample, with costs): cndr Sortino 1.87, max drawdown 2.3× the risk; cp Sortino ' +
  '0.15, drawdown 9.8×; static 50-delta 0.86, 3.3×.';

/** The default in plain words, with its evidence (shown by /settings and /help settings). */
export const DEFAULT_POLICY_LINE =
  `The default policy is ${DEFAULT_POLICY}` +
  `${(DEFAULT_POLICY as string) === 'cp' ? '' : ', not the constant-product cp of the methodology'}: ` +
  'it had the best out-of-sample risk-adjusted result in the walk-forward backtest (docs/evidence.md). ' +
  DEFAULT_POLICY_EVIDENCE;
