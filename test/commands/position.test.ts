// /position add, list, show, close, history and export through runLine on the real app: the
// entry snapshot stored, what-if valuation, the close and its record, the CSV, the list's order.
import { describe, expect, it } from 'vitest';
import { newYorkInstant } from '../../src/market/calendar.ts';
import { demoClose } from '../../src/market/demo.ts';
import { renderDiscordMessage, TONE_COLOURS } from '../../src/render/discord.ts';
import { renderTelegram } from '../../src/render/telegram.ts';
import { replyToText } from '../../src/render/text.ts';
import { ADD_LINE, dataOf, errorLine, listedAction, listedId, makeApp, MONDAY_10_NY, TODAY } from '../support/app.ts';

/** RFC 4180 reader, enough for the export. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += char;
    }
  }
  return rows;
}

describe('/position add', () => {
  it('stores the position with its entry snapshot from the market now', async () => {
    const t = makeApp();
    const reply = await t.run(`${ADD_LINE} qty=2 note="Dec cycle"`);
    const { position } = dataOf(reply, 'position add');
    expect(position.id).toMatch(/^[a-z0-9]{6}$/);
    expect(reply.title).toBe(`Position ${position.id} recorded`);
    const close = demoClose(TODAY);
    expect(position).toMatchObject({
      underlying: 'SPX',
      expiry: '2027-01-07',
      settlement: 'PM',
      quantity: 2,
      credit: 14.2,
      note: 'Dec cycle',
      status: 'open',
      openedMs: MONDAY_10_NY,
      entrySource: 'demo',
      hedgeLayers: [],
    });
    const entry = position.entry;
    expect(entry).toMatchObject({
      openedMs: MONDAY_10_NY,
      openedDate: TODAY,
      spot: close.spx,
      vix: close.vix,
      credit: 14.2,
      rate: 0.04,
      dividendYield: 0.013,
    });
    expect(entry.legVols).toEqual({
      longPut: close.vix / 100,
      shortPut: close.vix / 100,
      shortCall: close.vix / 100,
      longCall: close.vix / 100,
    });
    expect(entry.cushion).toBeCloseTo(close.spx - (5665 - 14.2), 9);
    expect(entry.baselineK).toBeCloseTo(14.2 * entry.cushion, 9);
    expect(entry.calibration).toBeCloseTo(14.2 / entry.modelMark, 12);
    const oneDecimal = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
    expect(reply.lines?.join(' ')).toContain(
      `baseline k₀ ${(14.2 * entry.cushion).toLocaleString('en-US', oneDecimal)}`,
    );

    // What is in the file is what the reply said.
    const row = t.app.store.db.prepare('SELECT * FROM positions WHERE id = ?').get(position.id) as Record<
      string,
      unknown
    >;
    expect(row).toMatchObject({
      long_put: 5615,
      short_put: 5665,
      short_call: 6335,
      long_call: 6385,
      expiry: '2027-01-07',
      quantity: 2,
      credit: 14.2,
      note: 'Dec cycle',
      entry_source: 'demo',
    });
    expect(JSON.parse(row.entry_json as string)).toEqual(entry);
    const events = t.app.store.db
      .prepare('SELECT kind FROM position_events WHERE position_id = ?')
      .pluck()
      .all(position.id);
    expect(events).toEqual(['opened']);
  });

  it('an entry spot and vix given by the trader make the snapshot (source user)', async () => {
    const t = makeApp();
    const { position } = dataOf(await t.run(`${ADD_LINE} spot=5800 vix=20`), 'position add');
    expect(position.entry).toMatchObject({ spot: 5800, vix: 20, atmVol: 0.2 });
    expect(position.entrySource).toBe('user');
  });

  it('a past opening date needs spot and vix, and then values the entry at that close', async () => {
    const t = makeApp();
    const before = t.rowCounts();
    const refused = await t.run(`${ADD_LINE} opened=2026-11-20`);
    expect(errorLine(refused)).toMatch(/opened on 2026-11-20 needs its entry market.*spot=5800 vix=16\.4/);
    const afterRefusal = t.rowCounts();
    expect(afterRefusal.positions).toBe(before.positions ?? 0);
    const { position } = dataOf(
      await t.run(`/position add 5615 5665 6335 6385 2027-01-08 credit=14.2 opened=2026-11-20 spot=5950 vix=17`),
      'position add',
    );
    expect(position.openedMs).toBe(newYorkInstant('2026-11-20', '16:00'));
    expect(position.entry).toMatchObject({ openedDate: '2026-11-20', spot: 5950, vix: 17 });
  });

  it('refuses an opening date in the future', async () => {
    const t = makeApp();
    expect(errorLine(await t.run(`${ADD_LINE} opened=2026-11-24`))).toBe(
      'Option opened 2026-11-24 is in the future (today is 2026-11-23); e.g. opened=2026-11-23.',
    );
  });
});

describe('position round trip: add, list, show, close, history, export', () => {
  it('goes through the whole life of a position', async () => {
    const t = makeApp();
    const id = await t.addPosition(`${ADD_LINE} note="first, \\"quoted\\""`);

    // list
    const list = await t.run('/position list');
    const listed = dataOf(list, 'position list').positions;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id, action: 'HOLD', dte: 45 });
    expect(list.table?.rows[0]?.[0]).toBe(id);
    expect(list.table?.rows[0]?.[6]).toBe('HOLD');

    // show: today, then what-if
    const show = dataOf(await t.run(`/position show ${id}`), 'position show', 'evaluation');
    expect(show.position.id).toBe(id);
    expect(show.evaluation.action).toBe('HOLD');
    expect(show.evaluation.invariant.deviation).toBeCloseTo(0, 9);
    expect(show.evaluation.unrealizedPl).toBeCloseTo(0, 6);
    expect(show.evaluation.dte).toBe(45);

    // close
    const closed = await t.run(`/position close ${id} 6.1`);
    const closedData = dataOf(closed, 'position close');
    expect(closedData.realizedPl).toBeCloseTo(810, 9);
    expect(closedData.position).toMatchObject({ status: 'closed', closeDebit: 6.1, closedMs: MONDAY_10_NY });
    expect(closed.lines?.join(' ')).toContain('Realized P/L +$810');
    const events = t.app.store.db
      .prepare('SELECT kind FROM position_events WHERE position_id = ? ORDER BY id')
      .pluck()
      .all(id);
    expect(events).toEqual(['opened', 'closed']);

    // a closed position: not in the open list, in status=closed, show says closed, close again refused
    expect((await t.run('/position list')).lines).toEqual([expect.stringMatching(/^No open positions/)]);
    const closedList = await t.run('/position list status=closed');
    expect(closedList.table?.rows[0]).toEqual([
      id,
      '5,615/5,665/6,335/6,385',
      '2027-01-07',
      '—',
      '+$810',
      '—',
      'CLOSED',
    ]);
    const showClosed = await t.run(`/position show ${id}`);
    expect(showClosed.title).toBe(`Position ${id} (closed)`);
    expect(showClosed.lines?.[0]).toContain('realized +$810');
    const closeAgain = await t.run(`/position close ${id} 1`);
    expect(errorLine(closeAgain)).toBe(`Position ${id} is already closed (at 6.10).`);
    // One id for "closed", whichever command refuses it (hedges on a closed position say the same).
    expect(closeAgain.error?.identifier).toBe('position-closed');

    // history
    const history = await t.run('/position history');
    expect(dataOf(history, 'position history')).toMatchObject({
      closed: 1,
      wins: 1,
      winRate: 1,
    });
    expect(dataOf(history, 'position history').totalPl).toBeCloseTo(810, 9);
    expect(history.table?.rows[0]?.[0]).toBe(id);

    // export
    const exported = await t.run('/position export');
    expect(exported.attachments?.[0]).toMatchObject({ filename: 'condor-positions.csv', contentType: 'text/csv' });
    const rows = parseCsv(exported.attachments![0]!.data.toString('utf8'));
    expect(rows[0]).toEqual([
      'id',
      'status',
      'underlying',
      'long_put',
      'short_put',
      'short_call',
      'long_call',
      'expiry',
      'quantity',
      'credit',
      'opened',
      'closed',
      'close_debit',
      'realized_pl',
      'entry_spot',
      'entry_vix',
      'baseline_k',
      'hedge_layers',
      'note',
    ]);
    expect(rows).toHaveLength(2);
    const record = Object.fromEntries(rows[0]!.map((key, i) => [key, rows[1]![i]]));
    expect(record).toMatchObject({
      id,
      status: 'closed',
      underlying: 'SPX',
      long_put: '5615',
      short_put: '5665',
      short_call: '6335',
      long_call: '6385',
      expiry: '2027-01-07',
      quantity: '1',
      credit: '14.2',
      opened: TODAY,
      closed: TODAY,
      close_debit: '6.1',
      realized_pl: String(closedData.realizedPl),
      entry_spot: String(show.position.entry.spot),
      entry_vix: String(show.position.entry.vix),
      note: 'first, "quoted"',
    });
  });

  it('show: what-if spot, vix and date each change the numbers, and are labelled', async () => {
    const t = makeApp();
    // The cp rules act on the what-if (the default policy, held to expiry, would not).
    await t.run('/settings policy=cp');
    const id = await t.addPosition();
    const base = dataOf(await t.run(`/position show ${id}`), 'position show', 'evaluation').evaluation;

    const lowerSpot = await t.run(`/position show ${id} spot=5700`);
    const spot = dataOf(lowerSpot, 'position show', 'evaluation').evaluation;
    expect(spot.condor.greeks.deltaPerPoint).not.toBeCloseTo(base.condor.greeks.deltaPerPoint, 3);
    expect(spot.invariant.cushion).toBeLessThan(base.invariant.cushion);
    expect(spot.invariant.cushion).toBeCloseTo(5700 - (5665 - 14.2), 9);
    expect(spot.unrealizedPl).toBeLessThan(base.unrealizedPl - 100);
    expect(lowerSpot.footer).toContain('What-if: spot 5,700.00 (given, not market).');

    const higherVix = dataOf(await t.run(`/position show ${id} vix=25`), 'position show', 'evaluation').evaluation;
    expect(higherVix.condor.atmVol).toBeCloseTo(0.25, 12);
    expect(higherVix.invariant.premiumReserve).toBeGreaterThan(base.invariant.premiumReserve);
    expect(higherVix.unrealizedPl).toBeLessThan(base.unrealizedPl);

    const later = await t.run(`/position show ${id} date=2026-12-18`);
    const laterEval = dataOf(later, 'position show', 'evaluation').evaluation;
    expect(laterEval.dte).toBe(20);
    expect(laterEval.unrealizedPl).toBeGreaterThan(base.unrealizedPl); // time decay works for the seller
    expect(later.footer).toContain('What-if: date 2026-12-18 (given, not market).');

    const all = dataOf(
      await t.run(`/position show ${id} spot=5700 vix=25 date=2026-12-18`),
      'position show',
      'evaluation',
    ).evaluation;
    expect(all.action).not.toBe('HOLD');
    // The stored position did not change.
    expect(
      dataOf(await t.run(`/position show ${id}`), 'position show', 'evaluation').evaluation.unrealizedPl,
    ).toBeCloseTo(base.unrealizedPl, 9);
  });

  it('show refuses a what-if date before the position was opened', async () => {
    const t = makeApp();
    const id = await t.addPosition();
    const reply = await t.run(`/position show ${id} date=2026-11-20`);
    expect(reply.error?.identifier).toBe('date-before-entry');
    expect(errorLine(reply)).toContain('date=2026-11-23');
  });

  it('close refuses a debit above the widest wing, and writes nothing', async () => {
    const t = makeApp();
    const id = await t.addPosition();
    const before = t.rows('positions');
    const reply = await t.run(`/position close ${id} 50.5`);
    expect(errorLine(reply)).toMatch(/^Option debit 50\.50 is above the widest wing 50/);
    expect(t.rows('positions')).toEqual(before);
  });

  it('close at a loss and at zero: the history sums them', async () => {
    const t = makeApp();
    const a = await t.addPosition();
    const b = await t.addPosition('/position add 5600 5650 6350 6400 2027-01-08 credit=12 qty=3');
    t.clock.advance(60_000);
    await t.run(`/position close ${a} debit=0`);
    t.clock.advance(60_000);
    const loss = await t.run(`/position close ${b} 20`);
    // A loss is a result: no error, no error tone (✗ and red are for failures), as each platform shows it.
    expect(loss.error).toBeUndefined();
    expect(loss.tone).not.toBe('bad');
    expect(replyToText(loss)).toMatch(/^Position \w+ closed\n/);
    expect(renderTelegram(loss).parts[0]).toMatch(/^<b>Position \w+ closed<\/b>/);
    expect(renderDiscordMessage(loss).body.embeds![0]!.color).not.toBe(TONE_COLOURS.bad);
    expect(loss.lines?.join(' ')).toContain('Realized P/L -$2,400');
    const history = await t.run('/position history');
    const data = dataOf(history, 'position history');
    expect(data).toMatchObject({ closed: 2, wins: 1 });
    expect(data.totalPl).toBeCloseTo(1420 + (12 - 20) * 300, 9);
    // Newest close first.
    expect(data.positions.map((p) => p.id)).toEqual([b, a]);
    expect(history.lines?.[0]).toContain('Win rate 50.0% (1 of 2)');
  });

  it('export: spreadsheet formulas in notes are defused, and no positions gives the header only', async () => {
    const t = makeApp();
    const empty = await t.run('/position export');
    expect(empty.attachments![0]!.data.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(1);
    await t.addPosition(`${ADD_LINE} note="=HYPERLINK(\\"http://x\\")"`);
    const rows = parseCsv((await t.run('/position export')).attachments![0]!.data.toString('utf8'));
    expect(rows[1]!.at(-1)).toBe(`'=HYPERLINK("http://x")`);
  });
});

describe('/position list', () => {
  it('puts positions that need action first, then HOLD, then closed ones', async () => {
    const t = makeApp();
    await t.run('/settings policy=cp');
    const holdA = await t.addPosition();
    t.clock.advance(60_000);
    const closedOne = await t.addPosition('/position add 5600 5650 6350 6400 2027-01-08 credit=12');
    await t.run(`/position close ${closedOne} 3`);
    t.clock.advance(60_000);
    const holdB = await t.addPosition('/position add 5500 5550 6450 6500 2027-01-15 credit=9');
    t.clock.advance(60_000);
    // Opened (last) when SPX was 6,500: today's 5,998 sits under its short put.
    const breached = await t.addPosition('/position add 6100 6150 6850 6900 2027-01-08 credit=14 spot=6500 vix=15');

    const open = await t.run('/position list');
    const rows = dataOf(open, 'position list').positions;
    expect(rows.map(listedId)).toEqual([breached, holdA, holdB]);
    expect(listedAction(rows[0]!)).not.toBe('HOLD');
    expect(rows.slice(1).map(listedAction)).toEqual(['HOLD', 'HOLD']);
    expect(open.lines?.[0]).toBe('1 needs action; details with /position show <id>.');
    expect(open.title).toBe('Your open positions (3)');

    const all = await t.run('/position list status=all');
    const allRows = all.table!.rows;
    // The CP deviation is not headed δ: traders read δ as the option delta.
    expect(all.table!.columns.map((c) => c.label)).toEqual([
      'id',
      'strikes',
      'expiry',
      'DTE',
      'P/L',
      'CP dev',
      'action',
    ]);
    expect(allRows.map((r) => r[0])).toEqual([breached, holdA, holdB, closedOne]);
    expect(allRows.at(-1)?.[6]).toBe('CLOSED');
  });

  it('says how to add one when there are none', async () => {
    const t = makeApp();
    const reply = await t.run('/position list');
    expect(reply.error).toBeUndefined();
    expect(reply.lines?.[0]).toContain('/position add');
    expect((await t.run('/position list status=closed')).lines).toEqual(['No closed positions.']);
  });

  it('shows P/L in dollars without a negative zero for an untouched position', async () => {
    const t = makeApp();
    await t.addPosition();
    const reply = await t.run('/position list');
    expect(reply.table?.rows[0]?.[4]).toMatch(/^[+]?\$0$/);
  });
});
