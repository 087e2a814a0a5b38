import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/engine/index.ts';
import { openTestStore, userErrorOf as refusal } from './support.ts';

const setUp = async () => {
  const store = openTestStore();
  const userId = await store.users.resolve('discord', '1', 'Ann');
  const storedKeys = () =>
    store.db.prepare('SELECT key FROM settings WHERE user_id = ? ORDER BY key').pluck().all(userId) as string[];
  return { store, settings: store.forUser(userId).settings, storedKeys };
};

describe('settings', () => {
  it('start as the engine defaults with no summary time, storing nothing', async () => {
    const { settings, storedKeys } = await setUp();
    expect(await settings.get()).toEqual({
      ...DEFAULT_SETTINGS,
      summaryTime: null,
      accountSize: null,
      riskPerTrade: null,
    });
    expect(storedKeys()).toEqual([]);
  });

  it('store only the changed keys and overlay them on the defaults', async () => {
    const { settings, storedKeys } = await setUp();
    const updated = await settings.update({ stopLoss: 2.5, policy: 'delta', summaryTime: '10:30' });
    expect(updated).toEqual({
      ...DEFAULT_SETTINGS,
      stopLoss: 2.5,
      policy: 'delta',
      summaryTime: '10:30',
      accountSize: null,
      riskPerTrade: null,
    });
    expect(await settings.get()).toEqual(updated);
    expect(storedKeys()).toEqual(['policy', 'stopLoss', 'summaryTime']);
  });

  it('reset a key with null or by setting its default, deleting its row', async () => {
    const { settings, storedKeys } = await setUp();
    await settings.update({ stopLoss: 2.5, exitDte: 3, summaryTime: '10:30' });
    await settings.update({ stopLoss: null, exitDte: DEFAULT_SETTINGS.exitDte, summaryTime: null });
    expect(await settings.get()).toEqual({
      ...DEFAULT_SETTINGS,
      summaryTime: null,
      accountSize: null,
      riskPerTrade: null,
    });
    expect(storedKeys()).toEqual([]);
  });

  it('keep profitTarget null as "no profit target", and reset it by setting the default', async () => {
    const { settings, storedKeys } = await setUp();
    expect((await settings.update({ profitTarget: null })).profitTarget).toBeNull();
    expect((await settings.get()).profitTarget).toBeNull();
    expect(storedKeys()).toEqual(['profitTarget']);
    expect((await settings.update({ profitTarget: 0.5 })).profitTarget).toBe(0.5);
    expect(storedKeys()).toEqual([]);
  });

  it.each([
    [{ profitTarget: 0 }, 'profit_target'],
    [{ profitTarget: 1.5 }, 'profit_target'],
    [{ stopLoss: 0 }, 'stop_loss'],
    [{ stopLoss: 10.5 }, 'stop_loss'],
    [{ exitDte: 2.5 }, 'exit_dte'],
    [{ exitDte: -1 }, 'exit_dte'],
    [{ minRollDte: 366 }, 'min_roll_dte'],
    [{ thresholdMin: 0 }, 'threshold_min'],
    [{ thresholdMax: 1 }, 'threshold_max'],
    [{ thresholdMin: 0.3 }, 'threshold_min'], // above the default max 0.2
    [{ thresholdMin: 0.1, thresholdMax: 0.05 }, 'threshold_min'],
    [{ policy: 'martingale' }, 'policy'],
    [{ deltaTrigger: 1 }, 'delta_trigger'],
    [{ maxHedgeLayers: 0 }, 'max_hedge_layers'],
    [{ maxHedgeLayers: 6 }, 'max_hedge_layers'],
    [{ summaryTime: '9:45' }, 'summary_time'],
    [{ summaryTime: '24:00' }, 'summary_time'],
    [{ stopLoss: '2' }, 'stop_loss'],
  ])('refuse %j with one line naming %s, the rule and an example, writing nothing', async (patch, option) => {
    const { settings, storedKeys } = await setUp();
    await settings.update({ exitDte: 1 });
    // A valid key beside the bad one must not be written either.
    const error = await refusal(() => settings.update({ deltaTrigger: 0.4, ...(patch as object) }));
    expect(error.identifier).toBe('setting-invalid');
    expect(error.message).toContain(option);
    expect(error.message).toMatch(/must be .*e\.g\. \w+=/);
    expect(error.message).not.toContain('\n');
    expect(error.context).toEqual({ setting: option });
    expect(storedKeys()).toEqual(['exitDte']);
  });

  it('accept the edges of each rule', async () => {
    const { settings } = await setUp();
    await expect(
      settings.update({
        profitTarget: 1,
        stopLoss: 10,
        exitDte: 365,
        minRollDte: 0,
        thresholdMin: 0.2,
        thresholdMax: 0.2,
        deltaTrigger: 0.99,
        maxHedgeLayers: 5,
        summaryTime: '23:59',
      }),
    ).resolves.toBeDefined();
    expect(await settings.get()).toMatchObject({
      thresholdMin: 0.2,
      thresholdMax: 0.2,
      maxHedgeLayers: 5,
      summaryTime: '23:59',
    });
  });

  it('refuse an unknown setting', async () => {
    const { settings } = await setUp();
    expect((await refusal(() => settings.update({ leverage: 3 } as never))).identifier).toBe('setting-unknown');
  });
});
