// Open hedge polls in the database: kept across a restart, keyed by platform and poll id, gone
// once their discussion expires (and pruned as new polls open).
import { describe, expect, it } from 'vitest';
import type { OpenPoll } from '../../src/app/ports.ts';
import { createStore } from '../../src/store/index.ts';
import { openTestStore, tempDbPath } from './support.ts';

const HOUR = 3_600_000;
const poll = (overrides: Partial<OpenPoll> = {}): OpenPoll => ({
  platform: 'telegram',
  pollId: '5012345678901234567',
  chatId: '-1001234567890',
  chatTitle: 'Condor traders',
  messageId: '42',
  adoptOption: 0,
  adopt: { command: 'hedge', options: { id: 'k3m9tq', adopt: 2 } },
  createdMs: 1_000_000,
  expiresMs: 1_000_000 + 24 * HOUR,
  ...overrides,
});

describe('open polls', () => {
  it('keeps a poll across a restart, with what Adopt runs', async () => {
    const path = tempDbPath();
    const store = createStore({ path });
    await store.polls.remember(poll());
    await store.close();
    const reopened = createStore({ path });
    try {
      expect(await reopened.polls.get('telegram', poll().pollId, 2_000_000)).toEqual(poll());
    } finally {
      await reopened.close();
    }
  });

  it('answers null for an unknown id, another platform, or an expired discussion', async () => {
    const store = openTestStore();
    await store.polls.remember(poll({ chatTitle: undefined }));
    expect(await store.polls.get('telegram', 'other', 2_000_000)).toBeNull();
    expect(await store.polls.get('discord', poll().pollId, 2_000_000)).toBeNull();
    expect(await store.polls.get('telegram', poll().pollId, poll().expiresMs - 1)).not.toHaveProperty('chatTitle');
    expect(await store.polls.get('telegram', poll().pollId, poll().expiresMs)).toBeNull();
  });

  it('drops expired polls when a new one opens', async () => {
    const store = openTestStore();
    await store.polls.remember(poll({ pollId: 'old' }));
    await store.polls.remember(
      poll({ pollId: 'new', createdMs: poll().expiresMs, expiresMs: poll().expiresMs + 24 * HOUR }),
    );
    const ids = store.db.prepare('SELECT poll_id FROM hedge_polls ORDER BY poll_id').pluck().all();
    expect(ids).toEqual(['new']);
  });
});
