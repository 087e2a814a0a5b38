// Joining SPX and VIX daily closes for percentiles and backtests: SPX days are the trading days.
// VIX rows on days without an SPX close (CBOE's file has some US holidays since 2022) are dropped;
// SPX days without a VIX row (1991-03-01, 1997-01-31, 1997-11-26, 1999-12-31 in CBOE's file)
// carry the previous VIX close forward. Both are counted and listed so a report can say so.
import type { IsoDate } from '../../engine/dates.ts';
import type { DailyBar } from './history.ts';

export interface JoinedDay {
  date: IsoDate;
  spx: number;
  vix: number;
}

export interface JoinReport {
  /** VIX rows inside the SPX date range on a day with no SPX close: dropped. */
  vixDroppedOnNonSpxDays: IsoDate[];
  /** VIX rows before the first or after the last SPX date: dropped. */
  vixOutsideSpxRange: number;
  /** SPX days that got the previous VIX close. */
  vixCarriedForward: IsoDate[];
  /** SPX days before the first joined VIX close: dropped (nothing to carry). */
  spxBeforeFirstVix: number;
  /** VIX rows used whose open lies outside [low, high] (close kept). */
  vixOpenOutsideRange: number;
}

export interface JoinedHistory {
  rows: JoinedDay[];
  report: JoinReport;
}

/** Joins on SPX dates. Both inputs must be ascending and de-duplicated (as the history parsers return them). */
export function joinOnTradingDays(spx: readonly DailyBar[], vix: readonly DailyBar[]): JoinedHistory {
  const report: JoinReport = {
    vixDroppedOnNonSpxDays: [],
    vixOutsideSpxRange: 0,
    vixCarriedForward: [],
    spxBeforeFirstVix: 0,
    vixOpenOutsideRange: 0,
  };
  const rows: JoinedDay[] = [];
  const spxDates = new Set(spx.map((bar) => bar.date));
  const firstSpx = spx[0]?.date;
  const lastSpx = spx.at(-1)?.date;
  const vixByDate = new Map<IsoDate, DailyBar>();
  for (const bar of vix) {
    if (firstSpx === undefined || lastSpx === undefined || bar.date < firstSpx || bar.date > lastSpx)
      report.vixOutsideSpxRange++;
    else if (!spxDates.has(bar.date)) report.vixDroppedOnNonSpxDays.push(bar.date);
    else vixByDate.set(bar.date, bar);
  }
  // Carry the last close that was used on an SPX day, never one from a dropped holiday row.
  let previousVix: number | null = null;
  for (const day of spx) {
    const same = vixByDate.get(day.date);
    if (same) {
      const { open, high, low } = same;
      if (open !== undefined && high !== undefined && low !== undefined && (open > high || open < low))
        report.vixOpenOutsideRange++;
      rows.push({ date: day.date, spx: day.close, vix: same.close });
      previousVix = same.close;
    } else if (previousVix !== null) {
      report.vixCarriedForward.push(day.date);
      rows.push({ date: day.date, spx: day.close, vix: previousVix });
    } else {
      report.spxBeforeFirstVix++;
    }
  }
  return { rows, report };
}
