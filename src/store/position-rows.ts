// Rows of the positions tables and their mapping to the app's types.
import { isUnderlyingSymbol, type EntrySnapshot, type UnderlyingSymbol } from '../engine/index.ts';
import type { HedgeLayerRecord, PositionEvent, PositionEventKind, StoredPosition } from '../app/ports.ts';

export interface PositionRow {
  id: string;
  user_id: string;
  underlying: string;
  long_put: number;
  short_put: number;
  short_call: number;
  long_call: number;
  expiry: string;
  settlement: 'PM' | 'AM';
  settlement_ms: number;
  quantity: number;
  credit: number;
  note: string | null;
  status: 'open' | 'closed';
  opened_ms: number;
  closed_ms: number | null;
  close_debit: number | null;
  realized_pl: number | null;
  entry_json: string;
  entry_source: string;
}

export interface HedgeLayerRow {
  position_id: string;
  layer: number;
  vix_expiry: string;
  long_strike: number;
  short_strike: number;
  debit: number;
  contracts: number;
  adopted_ms: number;
}

export interface PositionEventRow {
  position_id: string;
  kind: PositionEventKind;
  at_ms: number;
  detail_json: string;
}

// An entry snapshot never changes once stored, and listing positions parses every one of them on
// every call: remember the parsed (frozen) snapshots by their text.
const parsedEntries = new Map<string, EntrySnapshot>();

function parseEntry(text: string): EntrySnapshot {
  let entry = parsedEntries.get(text);
  if (!entry) {
    if (parsedEntries.size >= 10_000) parsedEntries.clear();
    entry = Object.freeze(JSON.parse(text) as EntrySnapshot);
    parsedEntries.set(text, entry);
  }
  return entry;
}

export const toHedgeLayer = (row: HedgeLayerRow): HedgeLayerRecord => ({
  layer: row.layer,
  vixExpiry: row.vix_expiry,
  longStrike: row.long_strike,
  shortStrike: row.short_strike,
  debit: row.debit,
  contracts: row.contracts,
  adoptedMs: row.adopted_ms,
});

export const toPositionEvent = (row: PositionEventRow): PositionEvent => ({
  positionId: row.position_id,
  kind: row.kind,
  atMs: row.at_ms,
  detail: JSON.parse(row.detail_json) as Record<string, unknown>,
});

/** The underlying of a stored row: /position add writes only known symbols, so another is a fault. */
function underlyingOf(row: PositionRow): UnderlyingSymbol {
  if (!isUnderlyingSymbol(row.underlying))
    throw new Error(`position ${row.id} has an unknown underlying ${JSON.stringify(row.underlying)}`);
  return row.underlying;
}

export function toStoredPosition(row: PositionRow, hedgeLayers: HedgeLayerRecord[]): StoredPosition {
  return {
    id: row.id,
    userId: row.user_id,
    underlying: underlyingOf(row),
    strikes: { longPut: row.long_put, shortPut: row.short_put, shortCall: row.short_call, longCall: row.long_call },
    expiry: row.expiry,
    settlement: row.settlement,
    settlementMs: row.settlement_ms,
    quantity: row.quantity,
    credit: row.credit,
    note: row.note,
    status: row.status,
    openedMs: row.opened_ms,
    closedMs: row.closed_ms,
    closeDebit: row.close_debit,
    realizedPl: row.realized_pl,
    // JSON keeps doubles exactly: JSON.stringify writes the shortest text that reads back the same bits.
    entry: parseEntry(row.entry_json),
    entrySource: row.entry_source,
    hedgeLayers,
  };
}

/** JSON would silently turn NaN and ±Infinity into null: refuse them instead of storing a lie. */
export function entryJson(entry: EntrySnapshot): string {
  const badPath = nonFinitePath(entry, 'entry');
  if (badPath) throw new Error(`Entry snapshot has a non-finite number at ${badPath}; it cannot be stored`);
  return JSON.stringify(entry);
}

function nonFinitePath(value: unknown, at: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : at;
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = nonFinitePath(inner, `${at}.${key}`);
      if (found) return found;
    }
  }
  return null;
}
