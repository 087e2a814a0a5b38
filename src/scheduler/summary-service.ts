// /signal: today's channel summary on demand, read-only (the channel's paper position is shown
// as it stands, never opened or managed from here).
import type { AppDeps } from '../app/context.ts';
import type { SummaryService } from '../app/services.ts';
import { gatherChannel, marketForSummaries } from './gather.ts';

export function createSummaryService(deps: () => AppDeps): SummaryService {
  return {
    async channelSummary(context) {
      const app = deps();
      const view = await marketForSummaries(app);
      const chat = context.caller.chat;
      const subscription = chat.kind === 'private' ? null : { platform: chat.platform, chatId: chat.id };
      return (await gatherChannel(app, subscription, view, 'morning', false)).reply;
    },
  };
}
