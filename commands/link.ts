// /link: join your Discord and Telegram accounts into one user. Without a code it gives a
// one-time code (10 minutes, single use) and lists your links; with the code from the other
// platform it merges the two, keeping positions and settings. The merge is one-way: unlinking later
// leaves every position with the remaining account, so the code's reply says so before anyone
// types it (docs/decisions.md, "Linking: merge, said up front").
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { option, optional } from '../src/app/options.ts';
import type { LinkedAccount, LinkResult } from '../src/app/ports.ts';
import type { Reply } from '../src/app/reply.ts';

export const LINK_CODE_TTL_MS = 10 * 60_000;
const PLATFORM_NAMES = { discord: 'Discord', telegram: 'Telegram', console: 'console', cli: 'command line' } as const;
/** "Telegram (Ann)". */
const accountName = (account: LinkedAccount) => `${PLATFORM_NAMES[account.platform]} (${account.displayName})`;

/** What /link's reply carries: the merge (with a code), else your identities (none after an unlink). */
export type LinkData = LinkResult | { identities: LinkedAccount[] };

export default defineCommand({
  name: 'link',
  description: 'Link your Discord and Telegram accounts: get a code here, type it on the other',
  options: z
    .object({
      code: optional(
        option.string({
          description: 'The code /link gave you on the other platform',
          example: 'K7QM-2XPA',
          maxLength: 16,
          pattern: /^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/,
          patternMessage: 'must be a code like K7QM-2XPA',
        }),
      ),
      unlink: optional(
        option.choice(['discord', 'telegram'] as const, {
          description: 'Detach that platform from your user',
          example: 'telegram',
        }),
      ),
    })
    .strict(),
  visibility: 'caller',
  // Each code typed costs a slow hash: limited per user like the other expensive commands.
  expensive: 'link',
  examples: ['/link', '/link K7QM-2XPA', '/link unlink=telegram'],
  async run(input, context): Promise<Reply<LinkData>> {
    const { users } = context.directory;
    const { userId, platform, platformUserId } = context.caller;
    const now = context.clock.now();
    if (input.unlink) {
      await users.unlink(userId, input.unlink, now);
      return {
        title: 'Unlinked',
        visibility: 'caller',
        lines: [`${PLATFORM_NAMES[input.unlink]} is no longer linked; your positions stay with the remaining account.`],
      };
    }
    if (input.code) {
      const result = await users.redeemLinkCode({ userId, platform, platformUserId }, input.code, now);
      const identities = await users.identities(result.userId);
      return {
        title: 'Accounts linked',
        visibility: 'caller',
        tone: 'good',
        lines: [
          `Linked: ${identities.map(accountName).join(' + ')}. ` +
            `${result.merged.positions} position${result.merged.positions === 1 ? '' : 's'} moved over; settings kept.`,
          'You now see the same positions on both platforms.',
        ],
        data: { userId: result.userId, merged: result.merged },
      };
    }
    const identities = await users.identities(userId);
    const code = await users.createLinkCode(userId, now, LINK_CODE_TTL_MS);
    const others = identities.filter((i) => i.platform !== platform);
    return {
      title: 'Link code',
      visibility: 'caller',
      lines: [
        `Your one-time code: ${code} (valid 10 minutes, single use). On the other platform, type /link ${code}`,
        'Linking merges that account into this one: its positions and settings join yours for good (an unlink ' +
          'later leaves them all here).',
        others.length
          ? `Already linked: ${others.map(accountName).join(', ')}. Undo with /link unlink=${others[0]!.platform}.`
          : 'No other platform is linked yet.',
      ],
      data: { identities },
    };
  },
});
