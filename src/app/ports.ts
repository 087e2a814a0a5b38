// What a command may use (docs/architecture.md): store, market, calendar, clock, logger, charts and
// the caller. Each is an interface here; src/store, src/market and src/render implement them,
// tests pass fakes or the real thing on a temp database.
import type {
  CondorStrikes,
  EntrySnapshot,
  IsoDate,
  MacroEvent,
  ParityDeviation,
  PayoffPoint,
  UnderlyingSymbol,
  PositionSettings,
  ValuationClock,
} from '../engine/index.ts';

// ---------------------------------------------------------------- who is asking, and where

export type Platform = 'discord' | 'telegram' | 'console' | 'cli';

export interface Chat {
  platform: Platform;
  /** Channel id (Discord), chat id (Telegram), 'console'. */
  id: string;
  kind: 'private' | 'group' | 'channel';
  title?: string;
  /** Discord guild id, when in a server. */
  guildId?: string;
  /** Whether the caller may manage this chat (Manage Channels / Guild, Telegram administrator). */
  callerCanManage: boolean;
}

/** A person's account on one platform, with the name shown there. */
export interface PlatformAccount {
  platform: Platform;
  platformUserId: string;
  displayName: string;
}

/** Who is typing, and where: what an adapter knows before the store resolves the user. */
export interface Identity extends PlatformAccount {
  chat: Chat;
}

export interface Caller extends Identity {
  /** The internal user id: one user may have several platform identities (linked accounts). */
  userId: string;
}

// ---------------------------------------------------------------- storage

export type PositionStatus = 'open' | 'closed';

export interface HedgeLayerRecord {
  layer: number;
  vixExpiry: IsoDate;
  longStrike: number;
  shortStrike: number;
  debit: number;
  contracts: number;
  adoptedMs: number;
}

export interface StoredPosition {
  id: string;
  userId: string;
  underlying: UnderlyingSymbol;
  strikes: CondorStrikes;
  expiry: IsoDate;
  settlement: 'PM' | 'AM';
  settlementMs: number;
  quantity: number;
  credit: number;
  note: string | null;
  status: PositionStatus;
  openedMs: number;
  closedMs: number | null;
  closeDebit: number | null;
  /** Dollars, set when closed. */
  realizedPl: number | null;
  entry: EntrySnapshot;
  /** Where the entry snapshot's market came from (cboe, demo, user ...). */
  entrySource: string;
  hedgeLayers: HedgeLayerRecord[];
}

/** What /position add stores: the position without what the store assigns or closing sets. */
export type NewPosition = Omit<
  StoredPosition,
  'id' | 'userId' | 'status' | 'closedMs' | 'closeDebit' | 'realizedPl' | 'hedgeLayers'
>;

export type PositionEventKind = 'opened' | 'rolled' | 'hedged' | 'closed' | 'note';

export interface PositionEvent {
  positionId: string;
  kind: PositionEventKind;
  atMs: number;
  detail: Record<string, unknown>;
}

/** A user's positions. Every query is scoped to the user the repository was made for. */
export interface PositionRepository {
  add(position: NewPosition): Promise<StoredPosition>;
  /** null when there is no such position for this user (whether it exists for another or not). */
  get(id: string): Promise<StoredPosition | null>;
  /** The position, or the one "no such position" refusal (UserError position-not-found) every command gives. */
  require(id: string): Promise<StoredPosition>;
  list(status?: PositionStatus | 'all'): Promise<StoredPosition[]>;
  close(id: string, close: { debit: number; closedMs: number; realizedPl: number }): Promise<StoredPosition>;
  addHedgeLayer(id: string, layer: HedgeLayerRecord): Promise<StoredPosition>;
  events(id: string): Promise<PositionEvent[]>;
}

export interface UserSettings extends PositionSettings {
  /** Personal daily summary time HH:MM (New York), when subscribed. */
  summaryTime: string | null;
  /** Account size in dollars for position sizing (/condor suggest), null when not set. */
  accountSize: number | null;
  /** Share of the account risked per trade (0.02 = 2%), null when not set. */
  riskPerTrade: number | null;
}

export interface SettingsRepository {
  /** The user's effective settings: defaults overlaid with what they changed. */
  get(): Promise<UserSettings>;
  /** Only the changed keys are stored; null resets a key to the default. */
  update(patch: Partial<{ [K in keyof UserSettings]: UserSettings[K] | null }>): Promise<UserSettings>;
  /** True when the user picked their policy (kept when the default moves); false = they have the default. */
  policyChosen(): Promise<boolean>;
}

export interface UserStore {
  userId: string;
  positions: PositionRepository;
  settings: SettingsRepository;
}

/** A platform account linked to a user (/link lists them). */
export interface LinkedAccount extends PlatformAccount {
  linkedMs: number;
}

/** Who types a /link code: wrong codes are counted per platform identity, across links and unlinks. */
export interface LinkRedeemer {
  userId: string;
  platform: Platform;
  platformUserId: string;
}

export interface LinkResult {
  userId: string;
  merged: { positions: number };
}

export interface UserDirectory {
  /** The user behind a platform identity, created on first sight. */
  resolve(platform: Platform, platformUserId: string, displayName: string): Promise<string>;
  identities(userId: string): Promise<LinkedAccount[]>;
  /** A one-time code for linking another platform (valid for ttlMs, single use). */
  /** Async: the code's hash is computed off the event loop (scrypt in the thread pool). */
  createLinkCode(userId: string, nowMs: number, ttlMs: number): Promise<string>;
  /**
   * Redeems a code for the identity typing it (and its user): merges the two users into one.
   * Throws UserError for an unknown, expired, used or locked code, for a locked-out identity, and
   * when both users have an account on the same platform.
   */
  redeemLinkCode(redeemer: LinkRedeemer, code: string, nowMs: number): Promise<LinkResult>;
  unlink(userId: string, platform: Platform, nowMs: number): Promise<void>;
}

export type SubscriptionKind = 'channel' | 'personal';

export interface Subscription {
  id: number;
  kind: SubscriptionKind;
  platform: Platform;
  chatId: string;
  /** For personal subscriptions, the user. */
  userId: string | null;
  /** HH:MM in the summary time zone. */
  time: string;
  active: boolean;
  deactivatedReason: string | null;
  createdMs: number;
}

export interface SubscriptionRepository {
  upsert(input: {
    kind: SubscriptionKind;
    platform: Platform;
    chatId: string;
    userId: string | null;
    time: string;
    nowMs: number;
  }): Promise<Subscription>;
  remove(input: {
    kind: SubscriptionKind;
    platform: Platform;
    chatId: string;
    userId: string | null;
  }): Promise<boolean>;
  forChat(platform: Platform, chatId: string): Promise<Subscription[]>;
  active(): Promise<Subscription[]>;
  deactivate(id: number, reason: string, nowMs: number): Promise<void>;
  /** The chat changed id (a Telegram group upgraded to a supergroup): the subscription follows it. */
  moveChat(id: number, chatId: string, nowMs: number): Promise<void>;
}

export interface CachedQuote {
  symbol: string;
  value: number;
  asOfMs: number;
  fetchedMs: number;
  source: string;
  /** Extra numbers (previous close, change ...). */
  extra?: Record<string, number>;
}

export interface QuoteCache {
  put(quote: CachedQuote): Promise<void>;
  get(symbol: string): Promise<CachedQuote | null>;
}

/**
 * A hedge-discussion poll the bot opened with an Adopt answer. A vote carries only the poll id, so
 * this is how it finds what adopting means; kept in the database, so it holds across restarts.
 */
export interface OpenPoll {
  platform: Platform;
  pollId: string;
  chatId: string;
  chatTitle?: string;
  messageId: string;
  /** Index of the Adopt answer among the poll's options. */
  adoptOption: number;
  /** The command an Adopt vote runs as the voter (so it records only on the voter's own position). */
  adopt: { command: string; options: Record<string, string | number | boolean> };
  createdMs: number;
  expiresMs: number;
}

export interface PollRepository {
  /** Keeps the poll until it expires (a poll id seen again replaces the old row); drops expired ones. */
  remember(poll: OpenPoll): Promise<void>;
  /** The poll if known and not expired at nowMs. */
  get(platform: Platform, pollId: string, nowMs: number): Promise<OpenPoll | null>;
}

// ---------------------------------------------------------------- the delivery ledger

export type DeliveryKind = 'morning' | 'review';
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * One scheduled send: a row per (subscription, trading day, kind), moving
 * pending → sending → sent | failed | skipped (docs/scaling.md: the ledger).
 */
export interface Delivery {
  subscriptionId: number;
  tradingDay: string;
  kind: DeliveryKind;
  state: DeliveryState;
  attempts: number;
  claimedBy: string | null;
  claimedMs: number | null;
  sentMs: number | null;
  platformMessageId: string | null;
  nonce: string;
  error: string | null;
}

export type DeliveryKey = Pick<Delivery, 'subscriptionId' | 'tradingDay' | 'kind'>;

export interface DiscussionKey {
  platform: string;
  chatId: string;
  positionId: string;
  layer: number;
}

/**
 * The delivery ledger: which scheduled sends went out, shared by every process on one database.
 * A claim is one conditional write, so two processes never both send a row; every state change
 * after the claim is conditional on the row still being ours (or still stale).
 */
export interface DeliveryLedger {
  /** Identifies this process in claimed_by. */
  readonly owner: string;
  /** Creates the pending row if missing; returns the row. */
  ensure(subscriptionId: number, tradingDay: string, kind: DeliveryKind): Promise<Delivery>;
  /** ensure() for many keys in one transaction (one commit for a whole fan-out, not one per row). */
  ensureAll(keys: readonly DeliveryKey[]): Promise<Delivery[]>;
  get(subscriptionId: number, tradingDay: string, kind: DeliveryKind): Promise<Delivery | null>;
  /** pending → sending for this owner; false when another process (or an earlier run) has it. */
  claim(subscriptionId: number, tradingDay: string, kind: DeliveryKind, nowMs: number): Promise<boolean>;
  markSent(key: DeliveryKey, messageId: string | null, nowMs: number): Promise<void>;
  /**
   * Refreshes this owner's claim before another attempt (a long 429 wait must not look like a
   * crash to another process); false when the row is no longer ours (another process resolved it
   * as stale), and then the caller must not send.
   */
  touch(key: DeliveryKey, nowMs: number): Promise<boolean>;
  /** Back to pending after a transient failure (attempts + 1). */
  release(key: DeliveryKey, error: string): Promise<void>;
  markFailed(key: DeliveryKey, error: string): Promise<void>;
  markSkipped(key: DeliveryKey, reason: string): Promise<void>;
  /** Rows of the trading days fromDay..toDay left in `sending` by another owner (a crashed or running process). */
  inFlight(fromDay: string, toDay: string): Promise<Delivery[]>;
  /**
   * Takes over a `sending` row whose claim is older than staleMs, or held by goneOwner (a process
   * known to be dead, see claimantIsGone), as the owner is gone.
   */
  reclaim(key: DeliveryKey, nowMs: number, staleMs: number, goneOwner?: string | null): Promise<boolean>;
  /**
   * Settles a `sending` row whose claim is older than staleMs (or held by goneOwner) as skipped
   * (ambiguous), in one statement: false when it is no longer stale or no longer sending (another
   * process got there).
   */
  abandon(
    key: DeliveryKey,
    nowMs: number,
    staleMs: number,
    reason: string,
    goneOwner?: string | null,
  ): Promise<boolean>;
  forDay(tradingDay: string): Promise<Delivery[]>;
  counts(tradingDay: string): Promise<Record<DeliveryState, number>>;
  /**
   * Claims the one hedge discussion of a position's layer in a chat (hedge_discussions): true for
   * the first caller ever, false when it was opened (or attempted) before, by any process.
   */
  claimDiscussion(key: DiscussionKey, tradingDay: string, nowMs: number): Promise<boolean>;
  /** Records the opened thread (Discord) or poll (Telegram) message id. */
  recordDiscussion(key: DiscussionKey, messageId: string): Promise<void>;
}

/**
 * Every repository is asynchronous, so one contract fits an in-process database (SQLite, whose
 * transactions stay synchronous inside) and a networked one (PostgreSQL); see docs/scaling.md.
 */
export interface Store {
  /** Which database is behind the ports (backup and operator messages differ). */
  readonly engine: 'sqlite' | 'postgres';
  users: UserDirectory;
  /** The only way to positions and settings: a store scoped to one user. */
  forUser(userId: string): UserStore;
  subscriptions: SubscriptionRepository;
  quotes: QuoteCache;
  /** Open hedge-discussion polls, by platform and poll id. */
  polls: PollRepository;
  /** The delivery ledger, its claims made in the name of owner (default: this process, see processOwner). */
  ledger(owner?: string): DeliveryLedger;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- market data

export interface Quote {
  value: number;
  asOfMs: number;
  /** cboe, file, demo, cache, user. */
  source: string;
  previousClose?: number | null;
  /** The day's opening print, when the source gives it (SPX: the AM settlement's price, labelled as the open). */
  open?: number | null;
}

export interface ChainVolLookup {
  /** The chain's implied vol at a strike for an expiry, interpolated across strikes; null when not listed. */
  volAt(expiry: IsoDate, strike: number, type: 'call' | 'put'): number | null;
  asOfMs: number;
  /** Put-call parity read on the chain's bid/ask (absent for a source without quotes). */
  parity?: ChainParity;
}

/** One expiry's put-call parity (docs/engine.md, "Parity"): what the chain implies, and what lies off it. */
export interface ExpiryParity {
  expiry: IsoDate;
  root: string;
  settlement: 'AM' | 'PM';
  /** Calendar days from the chain's as-of to settlement. */
  days: number;
  /** Continuously compounded, decimals. */
  rate: number;
  dividendYield: number;
  forward: number;
  /** Strike pairs the fit used (two-sided call and put within 10% of spot). */
  strikesUsed: number;
  /** Strike pairs whose parity value lies outside what the synthetic trades for. */
  beyondSpread: ParityDeviation[];
}

/** The financing rate and dividend yield one expiry implies, offered for pricing. */
export interface ImpliedRates {
  rate: number;
  dividendYield: number;
  asOfMs: number;
  expiry: IsoDate;
  root: string;
  /** Why the values are not believable (then the configured ones price), or null. */
  implausible: string | null;
}

export interface ChainParity {
  asOfMs: number;
  spot: number;
  /** Ascending by expiry. */
  expiries: ExpiryParity[];
  /** The reading nearest 45 days, for pricing; null when no expiry could be read. */
  implied: ImpliedRates | null;
}

/** Where a snapshot's rate and dividend yield come from. */
export type RatesOrigin =
  | { from: 'chain'; asOfMs: number; expiry: IsoDate }
  | {
      from: 'configured';
      /** Why chain-implied values were not used, when there were some (out of bounds). */
      note?: string;
    };

export interface DailyClose {
  date: IsoDate;
  close: number;
}

export interface MarketSnapshot {
  spot: Quote;
  vix: Quote;
  vix3m: Quote | null;
  vvix: Quote | null;
  /** Daily VIX closes before today, oldest first (for the percentile); empty when unknown. */
  vixHistory: number[];
  /** SPX daily closes before today, oldest first (RSI and MACD); absent or empty when unknown. */
  spxCloses?: DailyClose[];
  /** SPX opening prints the cache kept (recent trading days), for AM-settled expiries. */
  spxOpens?: DailyClose[];
  chain: ChainVolLookup | null;
  /** True when any number shown came from the synthetic demo market. */
  demo: boolean;
  /** True when the data is older than the staleness limit. */
  stale: boolean;
  /** Oldest as-of among the numbers used. */
  asOfMs: number;
  /** Why a fallback happened, in plain words (also logged). */
  notes: string[];
  rate: number;
  dividendYield: number;
  /** Where rate and dividendYield come from (absent: the configured values, nothing to say). */
  ratesFrom?: RatesOrigin;
}

export interface MarketPort {
  snapshot(options?: { chain?: boolean }): Promise<MarketSnapshot>;
}

// ---------------------------------------------------------------- calendar

export interface ListedExpiry {
  expiry: IsoDate;
  dte: number;
  settlement: 'PM' | 'AM';
  root: string;
}

export interface CalendarPort {
  newYorkDate(epochMs: number): IsoDate;
  isTradingDay(date: IsoDate): boolean;
  isHoliday(date: IsoDate): boolean;
  nextTradingDay(date: IsoDate): IsoDate;
  previousTradingDay(date: IsoDate): IsoDate;
  /** Epoch ms of the settlement of an expiry (PM 16:00 / AM 09:30 New York). */
  settlementInstant(expiry: IsoDate, settlement: 'PM' | 'AM'): number;
  /** Both valuation clocks of an expiry at an instant (variance on NYSE sessions, discounting ACT/365). */
  clockAt(epochMs: number, expiry: IsoDate, settlement: 'PM' | 'AM'): ValuationClock;
  /** Epoch ms of a New York wall-clock time on a date. */
  newYorkInstant(date: IsoDate, time: string): number;
  listedExpiryNearest(fromDate: IsoDate, targetDte: number): ListedExpiry;
  /** FOMC/CPI/PPI events in the next `tradingDays` trading days from `date`. */
  eventsWithin(date: IsoDate, tradingDays: number): MacroEvent[];
  dayAfterFomc(date: IsoDate): boolean;
  /** FOMC/CPI/PPI events of the trading day before `date` (the daily summary says "day after ..."). */
  eventsDayBefore(date: IsoDate): MacroEvent[];
}

// ---------------------------------------------------------------- the rest

export interface Clock {
  now(): number;
}

export interface Logger {
  debug(object: Record<string, unknown>, message?: string): void;
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

// The charts' inputs (src/render/charts draws them); a payoff point is the engine's (payoffCurve).
export type { PayoffPoint };

export interface PayoffChartInput {
  /** e.g. "SPX 5615/5665/6335/6385 2027-01-08 x1" */
  title: string;
  /** Ascending spot; non-finite values are dropped. */
  points: PayoffPoint[];
  /** Spot levels where P/L at expiry crosses zero: dashed vertical lines with labels. */
  breakEvens: number[];
  /** Today's spot: a vertical line with a label. */
  spot: number;
  /** The four strikes, long put to long call: faint vertical lines labelled at the bottom of the plot. */
  strikes?: number[];
  maxProfit?: number;
  maxLoss?: number;
  /** Probability of profit at expiry, 0..1 (in the subtitle). */
  probabilityOfProfit?: number;
  /** One standard deviation of SPX at expiry, points: shaded ±1σ and ±2σ bands around spot. */
  expectedMove?: number;
  /** The date of the `profitLater` curve, YYYY-MM-DD. */
  laterDate?: string;
  /** Small text at the bottom, e.g. the vol used by the model and a disclaimer. */
  footer?: string;
  /** Marks the image "DEMO DATA" (a badge and a watermark). */
  demo?: boolean;
}

export interface EquityPoint {
  /** 'YYYY-MM-DD'; other strings are dropped. */
  date: string;
  /** Cumulative P/L in dollars. */
  equity: number;
}

export interface EquitySeries {
  label: string;
  points: EquityPoint[];
}

export interface EquityChartInput {
  title: string;
  /** One line per policy (e.g. cp, delta, hold). */
  series: EquitySeries[];
  footer?: string;
  /**
   * What `equity` is: dollars (default), or cumulative return on risk, where 1 is one full max loss
   * (comparable across decades whatever the index level).
   */
  unit?: 'dollars' | 'risk';
  /** A drawdown panel under the curves (each series' fall from its running peak); default on. */
  drawdown?: boolean;
  /** Shaded date ranges, e.g. the walk-forward's out-of-sample test windows. */
  periods?: { from: string; to: string; label?: string }[];
}

export interface ChartsPort {
  payoff(input: PayoffChartInput): Promise<Buffer>;
  equity(input: EquityChartInput): Promise<Buffer>;
}

/** Operator-level engine defaults (from configuration). */
export interface EngineDefaults {
  rate: number;
  dividendYield: number;
  skewBeta: number;
  underlying: UnderlyingSymbol;
  summaryTime: string;
  summaryTimeZone: string;
}
