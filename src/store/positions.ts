// A user's positions. Every statement carries `user_id = ?`, bound to the user the repository was
// made for, so another user's position is indistinguishable from a missing one.
import type { Database } from 'better-sqlite3';
import { positionNotFound, UserError } from '../app/errors.ts';
import type {
  HedgeLayerRecord,
  NewPosition,
  PositionEventKind,
  PositionRepository,
  PositionStatus,
  StoredPosition,
} from '../app/ports.ts';
import {
  entryJson,
  toHedgeLayer,
  toPositionEvent,
  toStoredPosition,
  type HedgeLayerRow,
  type PositionEventRow,
  type PositionRow,
} from './position-rows.ts';
import { isConstraintError, writeTransaction } from './transaction.ts';

const LAYER_JOIN = 'FROM hedge_layers h JOIN positions p ON p.id = h.position_id';

export function preparePositionStatements(db: Database) {
  return {
    insert: db.prepare(`INSERT INTO positions
      (id, user_id, underlying, long_put, short_put, short_call, long_call, expiry, settlement, settlement_ms,
       quantity, credit, note, status, opened_ms, entry_json, entry_source)
      VALUES (@id, @userId, @underlying, @longPut, @shortPut, @shortCall, @longCall, @expiry, @settlement,
       @settlementMs, @quantity, @credit, @note, 'open', @openedMs, @entryJson, @entrySource)`),
    get: db.prepare('SELECT * FROM positions WHERE id = ? AND user_id = ?'),
    listAll: db.prepare('SELECT * FROM positions WHERE user_id = ? ORDER BY opened_ms, id'),
    listByStatus: db.prepare('SELECT * FROM positions WHERE user_id = ? AND status = ? ORDER BY opened_ms, id'),
    layersOf: db.prepare(`SELECT h.* ${LAYER_JOIN} WHERE p.user_id = ? AND h.position_id = ? ORDER BY h.layer`),
    layersAll: db.prepare(`SELECT h.* ${LAYER_JOIN} WHERE p.user_id = ? ORDER BY h.position_id, h.layer`),
    layersByStatus: db.prepare(
      `SELECT h.* ${LAYER_JOIN} WHERE p.user_id = ? AND p.status = ? ORDER BY h.position_id, h.layer`,
    ),
    close: db.prepare(`UPDATE positions
      SET status = 'closed', closed_ms = @closedMs, close_debit = @debit, realized_pl = @realizedPl
      WHERE id = @id AND user_id = @userId AND status = 'open'`),
    insertLayer: db.prepare(`INSERT INTO hedge_layers
      (position_id, layer, vix_expiry, long_strike, short_strike, debit, contracts, adopted_ms)
      SELECT id, @layer, @vixExpiry, @longStrike, @shortStrike, @debit, @contracts, @adoptedMs
      FROM positions WHERE id = @id AND user_id = @userId AND status = 'open'`),
    insertEvent: db.prepare(`INSERT INTO position_events (position_id, kind, at_ms, detail_json)
      SELECT id, @kind, @atMs, @detailJson FROM positions WHERE id = @id AND user_id = @userId`),
    events: db.prepare(`SELECT e.position_id, e.kind, e.at_ms, e.detail_json
      FROM position_events e JOIN positions p ON p.id = e.position_id
      WHERE p.user_id = ? AND e.position_id = ? ORDER BY e.id`),
  };
}

export type PositionStatements = ReturnType<typeof preparePositionStatements>;

const MAX_ID_ATTEMPTS = 20;

export function createPositionRepository(
  db: Database,
  statements: PositionStatements,
  userId: string,
  newId: () => string,
): PositionRepository {
  const s = statements;

  const find = (id: string): StoredPosition | null => {
    const row = s.get.get(id, userId) as PositionRow | undefined;
    if (!row) return null;
    return toStoredPosition(row, (s.layersOf.all(userId, id) as HedgeLayerRow[]).map(toHedgeLayer));
  };

  const require = (id: string): StoredPosition => {
    const position = find(id);
    if (!position) throw positionNotFound(id);
    return position;
  };

  const recordEvent = (id: string, kind: PositionEventKind, atMs: number, detail: Record<string, unknown>) => {
    const result = s.insertEvent.run({ id, userId, kind, atMs, detailJson: JSON.stringify(detail) });
    if (result.changes !== 1) throw positionNotFound(id);
  };

  const insertWithFreshId = (values: Record<string, unknown>): string => {
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const id = newId();
      try {
        s.insert.run({ ...values, id });
        return id;
      } catch (error) {
        // A collision aborts only this statement; the transaction goes on with another id.
        if (!isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw error;
      }
    }
    throw new Error(`No free position id after ${MAX_ID_ATTEMPTS} attempts`);
  };

  const add = writeTransaction(db, (position: NewPosition): StoredPosition => {
    const id = insertWithFreshId({
      userId,
      underlying: position.underlying,
      ...position.strikes,
      expiry: position.expiry,
      settlement: position.settlement,
      settlementMs: position.settlementMs,
      quantity: position.quantity,
      credit: position.credit,
      note: position.note,
      openedMs: position.openedMs,
      entryJson: entryJson(position.entry),
      entrySource: position.entrySource,
    });
    recordEvent(id, 'opened', position.openedMs, {
      strikes: position.strikes,
      expiry: position.expiry,
      quantity: position.quantity,
      credit: position.credit,
    });
    return require(id);
  });

  const close = writeTransaction(db, (id: string, input: { debit: number; closedMs: number; realizedPl: number }) => {
    const result = s.close.run({
      id,
      userId,
      closedMs: input.closedMs,
      debit: input.debit,
      realizedPl: input.realizedPl,
    });
    if (result.changes !== 1) {
      require(id);
      throw new UserError(
        'position-closed',
        `Position ${id} is already closed; nothing changed (see /position history).`,
        { id },
      );
    }
    recordEvent(id, 'closed', input.closedMs, { debit: input.debit, realizedPl: input.realizedPl });
    return require(id);
  });

  const addHedgeLayer = writeTransaction(db, (id: string, layer: HedgeLayerRecord) => {
    const position = require(id);
    if (position.status !== 'open') {
      throw new UserError(
        'position-closed',
        `Position ${id} is closed: a hedge can only be recorded on an open position.`,
        { id },
      );
    }
    if (position.hedgeLayers.some((existing) => existing.layer === layer.layer)) {
      throw new UserError(
        'hedge-layer-exists',
        `Hedge layer ${layer.layer} is already recorded on position ${id}; each layer is adopted once.`,
        { id, layer: layer.layer },
      );
    }
    s.insertLayer.run({
      id,
      userId,
      layer: layer.layer,
      vixExpiry: layer.vixExpiry,
      longStrike: layer.longStrike,
      shortStrike: layer.shortStrike,
      debit: layer.debit,
      contracts: layer.contracts,
      adoptedMs: layer.adoptedMs,
    });
    recordEvent(id, 'hedged', layer.adoptedMs, { ...layer });
    return require(id);
  });

  // The transactions run synchronously inside (better-sqlite3); `async` only fits them to the port.
  return {
    add: async (position) => add(position),
    get: async (id) => find(id),
    require: async (id) => require(id),
    async list(status: PositionStatus | 'all' = 'all') {
      const rows = (status === 'all' ? s.listAll.all(userId) : s.listByStatus.all(userId, status)) as PositionRow[];
      const layerRows = (
        status === 'all' ? s.layersAll.all(userId) : s.layersByStatus.all(userId, status)
      ) as HedgeLayerRow[];
      const layersByPosition = new Map<string, HedgeLayerRecord[]>();
      for (const row of layerRows) {
        const layers = layersByPosition.get(row.position_id) ?? [];
        layers.push(toHedgeLayer(row));
        layersByPosition.set(row.position_id, layers);
      }
      return rows.map((row) => toStoredPosition(row, layersByPosition.get(row.id) ?? []));
    },
    close: async (id, input) => close(id, input),
    addHedgeLayer: async (id, layer) => addHedgeLayer(id, layer),
    async events(id: string) {
      require(id);
      return (s.events.all(userId, id) as PositionEventRow[]).map(toPositionEvent);
    },
  };
}
