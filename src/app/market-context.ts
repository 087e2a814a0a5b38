// Market context in words, shared by /market and the channel summary: SPX RSI(14) and
// MACD(12, 26, 9) from the daily closes (docs/engine.md, "Market context"), and the day after a
// FOMC, CPI or PPI release.
import { marketIndicators, type MacroEvent } from '../engine/index.ts';
import { points } from './format.ts';
import type { MarketSnapshot } from './ports.ts';

/** "RSI(14) 58.3 · MACD(12,26,9) 12.4, signal 9.8 (closes to 2026-11-20)", or why it is unknown. */
export function indicatorsText(snapshot: Pick<MarketSnapshot, 'spxCloses'>): string {
  const reading = marketIndicators(snapshot.spxCloses ?? []);
  if (!reading) return 'RSI and MACD unknown: no SPX daily closes kept yet';
  const rsi = reading.rsi ? `RSI(14) ${reading.rsi.value.toFixed(1)}` : 'RSI(14) unknown (15 closes needed)';
  const macd = reading.macd
    ? `MACD(12,26,9) ${points(reading.macd.macd, 1)}, signal ${points(reading.macd.signal, 1)}`
    : 'MACD unknown (34 closes needed)';
  return `${rsi} · ${macd} (closes to ${reading.asOf})`;
}

/** "Day after FOMC (2026-12-09): breaches of T deserve extra attention." or '' on other days. */
export function dayAfterText(events: readonly MacroEvent[]): string {
  if (!events.length) return '';
  const kinds = [...new Set(events.map((e) => e.kind))].join(' and ');
  return `Day after ${kinds} (${events[0]!.date}): breaches of T deserve extra attention.`;
}
