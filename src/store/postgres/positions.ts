// A user's positions on PostgreSQL (src/store/positions.ts is the SQLite twin): every statement
// carries `user_id = $n`, bound to the user the repository was made for, so another user's
// position is indistinguishable from a missing one. add/close/addHedgeLayer each run in one
// transaction with their event; close and addHedgeLayer lock the position's row first.
import { UserError } from '../../app/errors.ts';
import type {
  HedgeLayerRecord,
  NewPosition,
  PositionEventKind,
  PositionStatus,
  StoredPosition,
} from '../../app/ports.ts';
import {
  entryJson,
  toHedgeLayer,
  toPositionEvent,
  toStoredPosition,
  type HedgeLayerRow,
  type PositionEventRow,
  type PositionRow,
} from '../position-rows.ts';
import { positionNotFound } from '../../app/errors.ts';
import type { Pool, Queryable } from './database.ts';
import type { PositionRepository } from '../../app/ports.ts';
import { inTransaction } from './transaction.ts';

const LAYER_JOIN = 'FROM hedge_layers h JOIN positions p ON p.id = h.position_id';
const MAX_ID_ATTEMPTS = 20;

const SQL = {
  insert: `INSERT INTO positions
      (id, user_id, underlying, long_put, short_put, short_call, long_call, expiry, settlement, settlement_ms,
       quantity, credit, note, status, opened_ms, entry_json, entry_source)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open', $14, $15, $16)
      ON CONFLICT (id) DO NOTHING RETURNING *`,
  get: 'SELECT * FROM positions WHERE id = $1 AND user_id = $2',
  lock: 'SELECT status FROM positions WHERE id = $1 AND user_id = $2 FOR UPDATE',
  listAll: 'SELECT * FROM positions WHERE user_id = $1 ORDER BY opened_ms, id',
  listByStatus: 'SELECT * FROM positions WHERE user_id = $1 AND status = $2 ORDER BY opened_ms, id',
  layersOf: `SELECT h.* ${LAYER_JOIN} WHERE p.user_id = $1 AND h.position_id = $2 ORDER BY h.layer`,
  layersAll: `SELECT h.* ${LAYER_JOIN} WHERE p.user_id = $1 ORDER BY h.position_id, h.layer`,
  layersByStatus: `SELECT h.* ${LAYER_JOIN} WHERE p.user_id = $1 AND p.status = $2 ORDER BY h.position_id, h.layer`,
  close: `UPDATE positions SET status = 'closed', closed_ms = $3, close_debit = $4, realized_pl = $5
      WHERE id = $1 AND user_id = $2 AND status = 'open' RETURNING *`,
  insertLayer: `INSERT INTO hedge_layers
      (position_id, layer, vix_expiry, long_strike, short_strike, debit, contracts, adopted_ms)
      SELECT id, $3, $4, $5, $6, $7, $8, $9 FROM positions WHERE id = $1 AND user_id = $2 AND status = 'open'`,
  insertEvent: `INSERT INTO position_events (position_id, kind, at_ms, detail_json)
      SELECT id, $3, $4, $5 FROM positions WHERE id = $1 AND user_id = $2`,
  events: `SELECT e.position_id, e.kind, e.at_ms, e.detail_json
      FROM position_events e JOIN positions p ON p.id = e.position_id
      WHERE p.user_id = $1 AND e.position_id = $2 ORDER BY e.id`,
};

export function createPostgresPositionRepository(pool: Pool, userId: string, newId: () => string): PositionRepository {
  const find = async (db: Queryable, id: string): Promise<StoredPosition | null> => {
    const { rows } = await db.query<PositionRow>(SQL.get, [id, userId]);
    if (!rows[0]) return null;
    const layers = await db.query<HedgeLayerRow>(SQL.layersOf, [userId, id]);
    return toStoredPosition(rows[0], layers.rows.map(toHedgeLayer));
  };

  const require = async (db: Queryable, id: string): Promise<StoredPosition> => {
    const position = await find(db, id);
    if (!position) throw positionNotFound(id);
    return position;
  };

  const recordEvent = async (
    db: Queryable,
    id: string,
    kind: PositionEventKind,
    atMs: number,
    detail: Record<string, unknown>,
  ) => {
    const result = await db.query(SQL.insertEvent, [id, userId, kind, atMs, JSON.stringify(detail)]);
    if (result.rowCount !== 1) throw positionNotFound(id);
  };

  /**
   * Inserts with fresh ids until one is free (ON CONFLICT: a collision must not abort the
   * transaction); returns the stored row, so no read follows (a new position has no layers).
   */
  const insertWithFreshId = async (db: Queryable, values: unknown[]): Promise<PositionRow> => {
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const result = await db.query<PositionRow>(SQL.insert, [newId(), userId, ...values]);
      if (result.rows[0]) return result.rows[0];
    }
    throw new Error(`No free position id after ${MAX_ID_ATTEMPTS} attempts`);
  };

  return {
    add: (position: NewPosition) => {
      // Refused before any connection is taken (a NaN in the snapshot is a bug, not a retry).
      const entry = entryJson(position.entry);
      return inTransaction(pool, async (client) => {
        const { strikes } = position;
        const row = await insertWithFreshId(client, [
          position.underlying,
          strikes.longPut,
          strikes.shortPut,
          strikes.shortCall,
          strikes.longCall,
          position.expiry,
          position.settlement,
          position.settlementMs,
          position.quantity,
          position.credit,
          position.note,
          position.openedMs,
          entry,
          position.entrySource,
        ]);
        await recordEvent(client, row.id, 'opened', position.openedMs, {
          strikes: position.strikes,
          expiry: position.expiry,
          quantity: position.quantity,
          credit: position.credit,
        });
        return toStoredPosition(row, []);
      });
    },

    get: (id) => find(pool, id),
    async require(id) {
      const position = await find(pool, id);
      if (!position) throw positionNotFound(id);
      return position;
    },

    async list(status: PositionStatus | 'all' = 'all') {
      const [positions, layers] = await Promise.all([
        status === 'all'
          ? pool.query<PositionRow>(SQL.listAll, [userId])
          : pool.query<PositionRow>(SQL.listByStatus, [userId, status]),
        status === 'all'
          ? pool.query<HedgeLayerRow>(SQL.layersAll, [userId])
          : pool.query<HedgeLayerRow>(SQL.layersByStatus, [userId, status]),
      ]);
      const layersByPosition = new Map<string, HedgeLayerRecord[]>();
      for (const row of layers.rows) {
        const list = layersByPosition.get(row.position_id) ?? [];
        list.push(toHedgeLayer(row));
        layersByPosition.set(row.position_id, list);
      }
      return positions.rows.map((row) => toStoredPosition(row, layersByPosition.get(row.id) ?? []));
    },

    close: (id, input) =>
      inTransaction(pool, async (client) => {
        const result = await client.query<PositionRow>(SQL.close, [
          id,
          userId,
          input.closedMs,
          input.debit,
          input.realizedPl,
        ]);
        const row = result.rows[0];
        if (!row) {
          await require(client, id);
          throw new UserError(
            'position-closed',
            `Position ${id} is already closed; nothing changed (see /position history).`,
            { id },
          );
        }
        await recordEvent(client, id, 'closed', input.closedMs, { debit: input.debit, realizedPl: input.realizedPl });
        const layers = await client.query<HedgeLayerRow>(SQL.layersOf, [userId, id]);
        return toStoredPosition(row, layers.rows.map(toHedgeLayer));
      }),

    addHedgeLayer: (id, layer) =>
      inTransaction(pool, async (client) => {
        // The row lock orders this against a concurrent close or another layer of the same position.
        const locked = await client.query<{ status: PositionStatus }>(SQL.lock, [id, userId]);
        if (!locked.rows[0]) throw positionNotFound(id);
        const position = await require(client, id);
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
        await client.query(SQL.insertLayer, [
          id,
          userId,
          layer.layer,
          layer.vixExpiry,
          layer.longStrike,
          layer.shortStrike,
          layer.debit,
          layer.contracts,
          layer.adoptedMs,
        ]);
        await recordEvent(client, id, 'hedged', layer.adoptedMs, { ...layer });
        return require(client, id);
      }),

    async events(id) {
      await require(pool, id);
      const { rows } = await pool.query<PositionEventRow>(SQL.events, [userId, id]);
      return rows.map(toPositionEvent);
    },
  };
}
