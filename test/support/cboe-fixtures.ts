// Bodies shaped like CBOE's (and FRED's) real files, per shared/formats: the same keys in the same
// order, the same date formats. Numbers are made up for the tests: never market data.

/** The delayed-quotes /quotes/_X.json body. lastTradeTime: New York wall clock 'YYYY-MM-DDTHH:MM:SS'. */
export function quoteJson(
  symbol: string,
  values: { price: number; prevClose?: number; lastTradeTime: string; timestamp?: string; iv30?: number },
): string {
  const { price, prevClose = price * 0.99, lastTradeTime } = values;
  return JSON.stringify(
    {
      timestamp: values.timestamp ?? '2026-11-18 16:00:00',
      data: {
        symbol: `^${symbol}`,
        security_type: 'index',
        exchange_id: 5,
        current_price: price,
        price_change: Math.round((price - prevClose) * 100) / 100,
        price_change_percent: Math.round((price / prevClose - 1) * 1e6) / 1e4,
        bid: 0.0,
        ask: 0.0,
        bid_size: 0,
        ask_size: 0,
        open: prevClose,
        high: Math.max(price, prevClose) * 1.002,
        low: Math.min(price, prevClose) * 0.998,
        close: price,
        prev_day_close: prevClose,
        volume: 0,
        iv30: values.iv30 ?? 0.0,
        iv30_change: 0.0,
        iv30_change_percent: 0.0,
        seqno: 25163916020,
        last_trade_time: lastTradeTime,
        tick: 'up',
      },
      symbol: `_${symbol}`,
    },
    null,
    1,
  );
}

export interface ChainRow {
  option: string;
  iv: number | null;
  bid?: number;
  ask?: number;
}

/** The /options/_SPX.json body: the SPX header plus data.options[] rows in the feed's key order. */
export function chainJson(values: { spot: number; lastTradeTime: string; rows: readonly ChainRow[] }): string {
  const quote = JSON.parse(
    quoteJson('SPX', { price: values.spot, lastTradeTime: values.lastTradeTime, iv30: 13.373 }),
  ) as { timestamp: string; data: Record<string, unknown>; symbol: string };
  const options = values.rows.map((row) => ({
    option: row.option,
    bid: row.bid ?? 10,
    bid_size: 10.0,
    ask: row.ask ?? 10.6,
    ask_size: 12.0,
    iv: row.iv,
    open_interest: 14210.0,
    volume: 512.0,
    delta: -0.1117,
    gamma: 0.0007,
    vega: 3.2247,
    theta: -0.8473,
    rho: -0.5564,
    theo: 10.3,
    change: -1.3,
    open: 11.6,
    high: 12.8,
    low: 9.8,
    tick: 'down',
    last_trade_price: 10.2,
    last_trade_time: null,
    percent_change: -7.55814,
    prev_day_close: 11.2,
  }));
  return JSON.stringify({ timestamp: quote.timestamp, data: { options, ...quote.data }, symbol: quote.symbol });
}

export interface Bar {
  date: string;
  close: number;
}

const us = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

/** CBOE's VIX/VIX3M layout: DATE,OPEN,HIGH,LOW,CLOSE with MM/DD/YYYY and 6 decimals. */
export function cboeOhlcCsv(bars: readonly Bar[]): string {
  const rows = bars.map((b) =>
    [us(b.date), b.close.toFixed(6), (b.close * 1.05).toFixed(6), (b.close * 0.95).toFixed(6), b.close.toFixed(6)].join(
      ',',
    ),
  );
  return ['DATE,OPEN,HIGH,LOW,CLOSE', ...rows].join('\n') + '\n';
}

/** CBOE's close-only layout: DATE,<NAME> (VVIX, SPX). */
export function cboeCloseCsv(name: string, bars: readonly Bar[]): string {
  return [`DATE,${name}`, ...bars.map((b) => `${us(b.date)},${b.close.toFixed(6)}`)].join('\n') + '\n';
}

/** FRED's fredgraph.csv: observation_date,SERIES with empty values on holidays. */
export function fredCsv(series: string, bars: readonly (Bar | { date: string; close: null })[]): string {
  return (
    [`observation_date,${series}`, ...bars.map((b) => `${b.date},${b.close === null ? '' : b.close}`)].join('\n') + '\n'
  );
}

export const HTML_CHALLENGE =
  '<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>' +
  '<body>Checking your browser before accessing cdn.cboe.com. SECRET-BODY-MARKER</body></html>';

/** A logger that keeps what it is told (child bindings merged in): the one in app.ts. */
export { capturingLogger as recordingLogger, type LogEntry } from './logger.ts';
