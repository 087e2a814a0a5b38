// Gathers what a summary shows, through the same ports and engine calls the commands use.
// A channel follows a paper position — the model condor it was shown — so that the group sees
// the invariant at work and a hedge layer that fires opens a discussion. That position belongs to
// the channel's own user (identity "channel:<chat id>"); it is opened, closed and re-opened only
// when a summary is actually delivered (apply = true), never by /signal on demand.
import { layersToBuy, UNDERLYINGS, type HedgeLayerQuote, type PositionEvaluation } from '../engine/index.ts';
import type { AppDeps } from '../app/context.ts';
import { strikeList, hedgeLayerFigures, percent, points } from '../app/format.ts';
import { marketViewFor, modelCondorFor, type MarketView, type ViewModelCondor } from '../app/market-view.ts';
import { evaluateStored, openPosition } from '../app/positions.ts';
import type { Platform, StoredPosition, Subscription } from '../app/ports.ts';
import { HEDGE_POLL_ANSWERS, type Reply } from '../app/reply.ts';
import { DEFAULT_THRESHOLD_BAND } from '../engine/index.ts';
import { buildChannelSummary, buildPersonalSummary } from './summary.ts';
import { indicatorsText } from '../app/market-context.ts';

export const MODEL_DTE = 45;

export interface ChannelGathered {
  reply: Reply;
  /** Hedge layers that fired today on the channel's position: one discussion each. */
  newLayers: { position: StoredPosition; layer: HedgeLayerQuote; vixExpiry: string }[];
}

export const channelIdentity = (platform: Platform, chatId: string) => ({
  platform,
  platformUserId: `channel:${chatId}`,
  displayName: `channel ${chatId}`,
});

const shortLabel = (p: StoredPosition) => `${strikeList(p.strikes)} ${p.expiry}`;

export async function marketForSummaries(deps: AppDeps): Promise<MarketView> {
  return marketViewFor(deps, DEFAULT_THRESHOLD_BAND);
}

type TodaysModel = ViewModelCondor;

// The model condor depends on the market view only: computed once per view (one fan-out run
// shares a view), not once per channel.
const modelByView = new WeakMap<MarketView, TodaysModel>();

function todaysModel(deps: AppDeps, view: MarketView): TodaysModel {
  let cached = modelByView.get(view);
  if (!cached) modelByView.set(view, (cached = modelCondorFor(deps.calendar, view, { dte: MODEL_DTE })));
  return cached;
}

async function openModelPosition(
  deps: AppDeps,
  view: MarketView,
  userId: string,
  { model, listed, settlementMs }: TodaysModel,
): Promise<StoredPosition> {
  return openPosition(deps.store.forUser(userId).positions, {
    condor: { ...model.condor, underlying: UNDERLYINGS.SPX, expiry: listed.expiry, quantity: 1 },
    settlement: listed.settlement,
    settlementMs,
    market: { ...view.state, vol: view.volFor(listed.expiry) },
    clock: deps.calendar.clockAt(view.state.valuationMs, listed.expiry, listed.settlement),
    vix: view.vix,
    note: 'channel model condor',
    source: view.snapshot.demo ? 'demo' : view.snapshot.spot.source,
  });
}

/**
 * The channel's paper position, managed by today's action when `manage` is set: closed on
 * CLOSE / TAKE_PROFIT / ROLL and re-opened as today's model condor; hedge layers recorded as they
 * fire (each then gets one discussion).
 */
async function channelPosition(
  deps: AppDeps,
  subscription: Pick<Subscription, 'platform' | 'chatId'>,
  view: MarketView,
  today: TodaysModel,
  manage: boolean,
) {
  const id = channelIdentity(subscription.platform, subscription.chatId);
  const userId = await deps.store.users.resolve(id.platform, id.platformUserId, id.displayName);
  const user = deps.store.forUser(userId);
  const settings = await user.settings.get();
  let position: StoredPosition | null = (await user.positions.list('open'))[0] ?? null;
  let evaluation: PositionEvaluation | null = position ? evaluateStored(position, view, settings, deps.calendar) : null;
  const newLayers: ChannelGathered['newLayers'] = [];
  if (!manage) return { position, evaluation, newLayers };
  if (position && evaluation && ['CLOSE', 'TAKE_PROFIT', 'ROLL'].includes(evaluation.action)) {
    await user.positions.close(position.id, {
      debit: evaluation.invariant.premiumReserve,
      closedMs: view.state.valuationMs,
      realizedPl: evaluation.unrealizedPl,
    });
    position = null;
  }
  if (!position) {
    position = await openModelPosition(deps, view, userId, today);
    evaluation = evaluateStored(position, view, settings, deps.calendar);
  } else if (evaluation?.action === 'HEDGE') {
    const vixExpiry = evaluation.hedge.vixExpiry;
    for (const layer of layersToBuy(evaluation.hedge)) {
      position = await user.positions.addHedgeLayer(position.id, {
        layer: layer.layer,
        vixExpiry,
        longStrike: layer.longStrike,
        shortStrike: layer.shortStrike,
        debit: layer.debit,
        contracts: layer.contracts,
        adoptedMs: view.state.valuationMs,
      });
      newLayers.push({ position, layer, vixExpiry });
    }
  }
  return { position, evaluation, newLayers };
}

/** The channel summary; with apply, the channel's paper position is managed by today's action. */
export async function gatherChannel(
  deps: AppDeps,
  subscription: Pick<Subscription, 'platform' | 'chatId'> | null,
  view: MarketView,
  kind: 'morning' | 'review',
  apply: boolean,
): Promise<ChannelGathered> {
  const today = view.state.valuationDate;
  const todays = todaysModel(deps, view);
  const { model, listed } = todays;
  const channel = subscription
    ? await channelPosition(deps, subscription, view, todays, apply && kind === 'morning')
    : null;
  const position = channel?.position ?? null;
  const evaluation = channel?.evaluation ?? null;
  const newLayers = channel?.newLayers ?? [];
  const discussions = position
    ? position.hedgeLayers.map((l) => `Hedge ${position!.id} L${l.layer} VIX ${l.longStrike}/${l.shortStrike}`)
    : [];
  const reply = buildChannelSummary({
    tradingDay: today,
    kind,
    spx: { value: view.snapshot.spot.value, previousClose: view.snapshot.spot.previousClose ?? null },
    vix: { value: view.snapshot.vix.value, previousClose: view.snapshot.vix.previousClose ?? null },
    regime: view.regime,
    model,
    modelExpiryDte: listed.dte,
    events: deps.calendar.eventsWithin(today, 3),
    dayAfter: deps.calendar.eventsDayBefore(today),
    ...(view.snapshot.spxCloses?.length ? { indicators: indicatorsText(view.snapshot) } : {}),
    channelPosition: position && evaluation ? { id: position.id, label: shortLabel(position), evaluation } : null,
    discussions,
    footer: view.footer,
  });
  return { reply, newLayers };
}

export async function gatherPersonal(
  deps: AppDeps,
  userId: string,
  view: MarketView,
  kind: 'morning' | 'review',
): Promise<Reply> {
  const user = deps.store.forUser(userId);
  const settings = await user.settings.get();
  const positions = (await user.positions.list('open')).map((position) => ({
    id: position.id,
    label: shortLabel(position),
    evaluation: evaluateStored(position, view, settings, deps.calendar),
  }));
  return buildPersonalSummary({
    tradingDay: view.state.valuationDate,
    kind,
    positions,
    regime: view.regime,
    footer: view.footer,
  });
}

/** The reply that opens a hedge discussion for a layer that fired on a channel's position. */
export function discussionReply(item: ChannelGathered['newLayers'][number]): Reply {
  const { position, layer, vixExpiry } = item;
  return {
    title: `Hedge layer ${layer.layer} fired on the channel position ${position.id}`,
    visibility: 'channel',
    tone: 'warn',
    lines: [
      `${strikeList(position.strikes)} ${position.expiry}: VIX ${vixExpiry} ` +
        `${layer.longStrike}/${layer.shortStrike} call spread at ${points(layer.debit)}: ` +
        `${hedgeLayerFigures(layer)} (budget ${percent(layer.budgetShare)} of max loss).`,
      'Discuss here: would you add this hedge to a condor of your own?',
    ],
    discussion: {
      threadName: `Hedge ${position.id} L${layer.layer} VIX ${layer.longStrike}/${layer.shortStrike}`,
      question:
        `Add ALVH layer ${layer.layer} (VIX ${layer.longStrike}/${layer.shortStrike}, ${vixExpiry}) ` +
        'to your condor?',
      answers: [...HEDGE_POLL_ANSWERS],
      durationHours: 24,
      // No adopt: the channel's paper position is nobody's to record a layer on; members hedge
      // their own positions with /hedge ID adopt=N.
    },
  };
}
