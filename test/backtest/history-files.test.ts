// Finding and reading the history: `data sync` names or explicit files in any supported format,
// SPX sources merged (FRED preferred), joined with VIX on SPX trading days, each quirk counted.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createHistoryLoader,
  findHistoryFiles,
  HISTORY_FILES,
  loadHistory,
  mergeSpx,
} from '../../src/market/history-files.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const temp = () => makeTempDir('condor-history-');
const write = (dir: string, name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

// Thanksgiving week 2024. The long file (Yahoo-like float noise) runs to 11-27 and has a bogus
// row on the holiday; FRED starts 11-25, has an empty holiday row, and disagrees on 11-26.
const LONG = [
  'Date,Close',
  '2024-11-20,5917.109999999',
  '2024-11-21,5948.7099999',
  '2024-11-22,5969.3399999',
  '2024-11-25,5987.3700001',
  '2024-11-26,6011.63',
  '2024-11-27,5998.7399999',
  '2024-11-28,5998.74',
].join('\n');
const FRED = [
  'observation_date,SP500',
  '2024-11-25,5987.37',
  '2024-11-26,6021.63',
  '2024-11-27,5998.74',
  '2024-11-28,',
  '2024-11-29,6032.38',
  '2024-12-02,6047.15',
].join('\n');
// CBOE VIX: a row on the holiday (11-28), none on 11-26, an open above the high on 12-02.
const VIX = [
  'DATE,OPEN,HIGH,LOW,CLOSE',
  '11/20/2024,17.1,17.6,16.8,17.16',
  '11/21/2024,17.0,17.9,16.2,16.87',
  '11/22/2024,16.8,16.9,15.1,15.24',
  '11/25/2024,15.9,16.2,14.5,14.60',
  '11/27/2024,14.4,14.9,13.7,14.10',
  '11/28/2024,14.0,14.2,13.9,14.05',
  '11/29/2024,14.2,14.3,13.3,13.51',
  '12/02/2024,18.50,14.40,13.20,13.34',
].join('\n');

describe('finding history files', () => {
  it('finds the data sync names (and the shared/data names), or null when SPX or VIX is missing', () => {
    const dir = temp();
    expect(findHistoryFiles(dir)).toBeNull();
    write(dir, HISTORY_FILES.vix, VIX);
    expect(findHistoryFiles(dir)).toBeNull();
    write(dir, HISTORY_FILES.spxFred, FRED);
    write(dir, 'spx_close_1928_2023.csv', LONG);
    write(dir, HISTORY_FILES.vvix, 'DATE,VVIX\n11/22/2024,90.5\n');
    expect(findHistoryFiles(dir)).toEqual({
      spx: [path.join(dir, 'spx_close_1928_2023.csv'), path.join(dir, HISTORY_FILES.spxFred)],
      vix: path.join(dir, HISTORY_FILES.vix),
      vvix: path.join(dir, HISTORY_FILES.vvix),
    });
  });

  it('says what to do when there is no history', async () => {
    const result = await loadHistory({ dataDir: temp() });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatch(
        /^No SPX and VIX history in .*: run `npm run cli -- data sync` or pass --spx FILE --vix FILE\.$/,
      );
  });
});

describe('reading and joining', () => {
  const dir = temp();
  const files = {
    spx: [write(dir, 'long.csv', LONG), write(dir, 'fred.csv', FRED)],
    vix: write(dir, 'vix.csv', VIX),
    vvix: write(dir, 'vvix.csv', 'DATE,VVIX\n11/22/2024,90.5\n11/25/2024,88\n'),
  };

  it('merges SPX with FRED preferred, drops VIX holiday rows, carries missing VIX days, counts quirks', async () => {
    const loaded = await loadHistory({ dataDir: dir, ...files });
    if (!loaded.ok) throw new Error(loaded.error);
    const { days, report, notes } = loaded.value;
    expect(days).toEqual([
      { date: '2024-11-20', spx: 5917.11, vix: 17.16 },
      { date: '2024-11-21', spx: 5948.71, vix: 16.87 },
      { date: '2024-11-22', spx: 5969.34, vix: 15.24, vvix: 90.5 },
      { date: '2024-11-25', spx: 5987.37, vix: 14.6, vvix: 88 },
      { date: '2024-11-26', spx: 6021.63, vix: 14.6 }, // FRED's close; VIX carried from 11-25
      { date: '2024-11-27', spx: 5998.74, vix: 14.1 },
      { date: '2024-11-29', spx: 6032.38, vix: 13.51 },
      { date: '2024-12-02', spx: 6047.15, vix: 13.34 },
    ]);
    expect(report.spx.overlapDays).toBe(3);
    expect(report.spx.disagreementCount).toBe(1);
    expect(report.spx.disagreements[0]).toEqual({
      date: '2024-11-26',
      kept: 6021.63,
      replaced: 6011.63,
      keptFile: 'fred.csv',
    });
    expect(report.spx.droppedInsidePreferred).toEqual(['2024-11-28']);
    expect(report.spx.sources[1]).toMatchObject({
      fred: true,
      missingValue: 1,
      first: '2024-11-25',
      last: '2024-12-02',
    });
    expect(report.join.vixDroppedOnNonSpxDays).toEqual(['2024-11-28']);
    expect(report.join.vixCarriedForward).toEqual(['2024-11-26']);
    expect(report.vix.openOutsideRange).toBe(1);
    expect(report.spxOnClosedDays).toEqual([]);
    expect(report.sessionsWithoutSpx).toEqual([]);
    const text = notes.join('\n');
    expect(text).toContain('1 differed by more than 0.01, most on 2024-11-26 (6021.63 kept, 6011.63 replaced)');
    expect(text).toContain(
      '1 SPX days of a less preferred file that the preferred file has no close for were dropped: 2024-11-28',
    );
    expect(text).toContain("1 rows without a value (FRED's empty holiday rows) were dropped");
    expect(text).toContain('1 VIX rows on days without an SPX close (holidays) were dropped: 2024-11-28');
    expect(text).toContain('1 SPX days had no VIX row and carry the previous VIX close: 2024-11-26');
    expect(text).toContain('1 VIX rows have the open outside the high-low range; only the close is used');
  });

  it('takes any listed order: FRED wins whether it comes first or last', () => {
    const bars = (pairs: [string, number][]) => pairs.map(([date, close]) => ({ date, close }));
    const long = {
      file: 'long.csv',
      fred: false,
      bars: bars([
        ['2024-01-02', 1],
        ['2024-01-03', 2],
        ['2024-01-04', 3],
      ]),
    };
    const fred = {
      file: 'fred.csv',
      fred: true,
      bars: bars([
        ['2024-01-03', 20],
        ['2024-01-05', 50],
      ]),
    };
    const expected = [
      ['2024-01-02', 1],
      ['2024-01-03', 20],
      ['2024-01-05', 50],
    ];
    for (const order of [
      [long, fred],
      [fred, long],
    ]) {
      const merged = mergeSpx(order);
      expect(merged.bars.map((bar) => [bar.date, bar.close])).toEqual(expected);
      expect(merged.report.droppedInsidePreferred).toEqual(['2024-01-04']);
    }
  });

  it('reports an unreadable file in one line', async () => {
    const bad = write(dir, 'bad.csv', '<html>blocked</html>');
    const result = await loadHistory({ dataDir: dir, spx: [bad], vix: files.vix });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toBe(`${bad}: history: got an HTML page instead of data (blocked or an error page)`);
  });

  it('the loader for the chat command reads again only when a file changes', async () => {
    const syncDir = temp();
    const load = createHistoryLoader({ dataDir: syncDir });
    expect(await load()).toEqual({ days: [], notes: [expect.stringContaining('npm run cli -- data sync')] });
    write(syncDir, HISTORY_FILES.spxFred, FRED);
    write(syncDir, HISTORY_FILES.vix, VIX);
    const first = await load();
    expect(first.days).toHaveLength(5);
    expect(await load()).toBe(first);
    write(syncDir, HISTORY_FILES.spxFred, `${FRED}\n2024-12-03,6049.88`);
    const second = await load();
    expect(second).not.toBe(first);
    expect(second.days).toHaveLength(6); // no VIX row on 12-03 yet: carried
    expect(second.days.at(-1)).toEqual({ date: '2024-12-03', spx: 6049.88, vix: 13.34 });
  });
});
