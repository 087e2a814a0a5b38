// OCC/OSI option symbols: root + YYMMDD + C|P + strike × 1000 as 8 digits, e.g. SPX241220P05600000.
// Roots vary in length (SPX, SPXW, and OSI pads them to 6 with spaces), so parse from the right.
import { formatIsoDate, parseIsoDate, type IsoDate } from '../../engine/dates.ts';
import type { Settlement } from '../expiry-calendar.ts';
import { failure, success, type ParseResult } from './result.ts';

export type OptionType = 'call' | 'put';

export interface OccContract {
  /** The full symbol, spaces removed: contracts are keyed by it (SPX and SPXW share expiries and strikes). */
  symbol: string;
  root: string;
  expiry: IsoDate;
  type: OptionType;
  strike: number;
  settlement: Settlement;
}

// Index roots whose options settle on the special opening quotation. Every other root (SPXW, XSP,
// NDXP, ...) settles on the close.
const AM_SETTLED_ROOTS = new Set(['SPX', 'NDX', 'RUT', 'VIX']);

export function settlementOfRoot(root: string): Settlement {
  return AM_SETTLED_ROOTS.has(root) ? 'AM' : 'PM';
}

const OSI_TAIL = /^(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;
const ROOT = /^[A-Z0-9]{1,6}$/;

export function parseOccSymbol(symbol: string): ParseResult<OccContract> {
  const compact = symbol.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 16) return failure(`not an OCC option symbol (too short): '${symbol}'`);
  const root = compact.slice(0, -15);
  const tail = OSI_TAIL.exec(compact.slice(-15));
  if (!ROOT.test(root) || !tail)
    return failure(`not an OCC option symbol (root + YYMMDD + C/P + 8-digit strike): '${symbol}'`);
  const [, yy, mm, dd, side, strikeDigits] = tail as unknown as [string, string, string, string, 'C' | 'P', string];
  // Two-digit years: listed options never reach back to the 1900s.
  const year = 2000 + Number(yy);
  if (!parseIsoDate(`${year}-${mm}-${dd}`))
    return failure(`OCC symbol '${symbol}' has an impossible expiry ${yy}${mm}${dd}`);
  const strike = Number(strikeDigits) / 1000;
  if (strike <= 0) return failure(`OCC symbol '${symbol}' has a zero strike`);
  return success({
    symbol: compact,
    root,
    expiry: formatIsoDate(year, Number(mm), Number(dd)),
    type: side === 'C' ? 'call' : 'put',
    strike,
    settlement: settlementOfRoot(root),
  });
}
