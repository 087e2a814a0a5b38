// /signal: today's channel summary on demand (the same builder the scheduler uses).
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';

export default defineCommand({
  name: 'signal',
  description: "Today's daily summary: regime, model condor, threshold and events",
  options: z.object({}).strict(),
  visibility: 'channel',
  defer: true,
  examples: ['/signal'],
  async run(_input, context) {
    const summaries = context.services.summaries;
    if (!summaries) throw new UserError('unavailable', 'Daily summaries are not available in this setup.');
    return summaries.channelSummary(context);
  },
});
