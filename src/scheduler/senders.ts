// What the scheduler needs from a platform: send a Reply to a chat, say how the send is paced,
// and classify failures. The Discord and Telegram adapters provide one each (wired in main.ts).
import type { Platform } from '../app/ports.ts';
import type { Reply } from '../app/reply.ts';
import type { BucketSpec } from './pacer.ts';

export interface SendTarget {
  chatId: string;
  /** A personal summary goes to the user's private chat (chatId is then the platform user id). */
  kind: 'channel' | 'personal';
}

export type SendOutcome =
  /** movedTo: the chat has a new id now (a Telegram group became a supergroup); sent there. */
  | { ok: true; messageId: string | null; movedTo?: string }
  | { ok: false; kind: 'rate-limited'; retryAfterMs: number; bucket?: string }
  | { ok: false; kind: 'permanent'; code: string; reason: string }
  | { ok: false; kind: 'transient'; reason: string };

export interface ChatSender {
  platform: Platform;
  /** True when a retry with the same nonce cannot make a duplicate (Discord's enforce_nonce). */
  idempotent: boolean;
  /**
   * How long after a send a retry with the same nonce is still recognised: Discord checks the
   * nonce "for uniqueness in the past few minutes" only. Default DEFAULT_IDEMPOTENCY_WINDOW_MS.
   */
  idempotencyWindowMs?: number;
  /** The pacing buckets one send to this target uses. */
  buckets(target: SendTarget): BucketSpec[];
  /** How the buckets pace, in a line for the run's report (telegramPacing, discordPacing). */
  pacing?: string;
  send(target: SendTarget, reply: Reply, nonce: string): Promise<SendOutcome>;
  /** Opens a hedge discussion (Discord thread + poll, Telegram poll) for a channel. */
  openDiscussion?(target: SendTarget, reply: Reply): Promise<SendOutcome>;
}

/** Conservative reading of Discord's "past few minutes" for enforce_nonce. */
export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 3 * 60_000;

/**
 * Pacing runs this share under each configured limit. The platform counts arrivals on its own
 * clock: pacing exactly at the limit, the jitter between our send and its count (and the
 * pacer's slack for late timers) tips a one-second window over the limit now and then, and each
 * 429 then costs a whole retry_after. On a busy machine (other processes on every core) timers
 * and sockets run tens of ms late: 2% (20 ms per second) drew 429s there (docs/hardening.md);
 * 10% absorbs 100 ms of jitter per second, for a fan-out 11% longer than at the limit.
 */
export const PACING_HEADROOM = 0.1;

const paced = (perSecond: number) => perSecond * (1 - PACING_HEADROOM);
const margin = () => `paced ${Math.round(PACING_HEADROOM * 100)}% under each limit`;

/** The Telegram pacing stated for a run's report. */
export function telegramPacing(perSecond: number): string {
  return (
    `telegram: ${margin()} (${paced(perSecond).toFixed(1)} messages/s of ${perSecond} overall, one per ` +
    `${Math.round(1000 / paced(1))} ms per chat)`
  );
}

/** The Discord pacing stated for a run's report. */
export function discordPacing(perSecond: number): string {
  return (
    `discord: ${margin()} (${paced(perSecond).toFixed(1)} requests/s of ${perSecond} overall, 5 then one per ` +
    `${Math.round(1000 / paced(1))} ms per channel)`
  );
}

/** Telegram: ~30 messages/s overall, 1/s per chat, 20/min per group (groups have negative ids). */
export function telegramBuckets(perSecond: number) {
  return (target: SendTarget): BucketSpec[] => {
    const buckets: BucketSpec[] = [
      { key: 'telegram:global', perSecond: paced(perSecond), burst: 1 },
      { key: `telegram:chat:${target.chatId}`, perSecond: paced(1), burst: 1 },
    ];
    if (target.chatId.startsWith('-'))
      buckets.push({ key: `telegram:group:${target.chatId}`, perSecond: paced(20 / 60), burst: 1 });
    return buckets;
  };
}

/** Discord: 50 requests/s globally, 5 messages per 5 s per channel (the per-route bucket). */
export function discordBuckets(perSecond: number) {
  return (target: SendTarget): BucketSpec[] => [
    { key: 'discord:global', perSecond: paced(perSecond), burst: 1 },
    { key: `discord:channel:${target.chatId}`, perSecond: paced(1), burst: 5 },
  ];
}
