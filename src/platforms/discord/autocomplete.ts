// Autocomplete of position ids: the caller's own open positions, newest first, filtered by what is
// typed, with a short label ("k3m9tq · 5665/6335 Jan08 +$120"). Discord wants the answer within
// 3 s, so P/L is shown only when the market answers quickly; ids and strikes always are.
import { contextFor, type AppDeps, type Identity } from '../../app/context.ts';
import { signedDollars } from '../../app/format.ts';
import { marketView } from '../../app/market-view.ts';
import type { StoredPosition } from '../../app/ports.ts';
import { evaluateForCaller } from '../../app/positions.ts';

export const MAX_CHOICES = 25;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jan08" from 2027-01-08. */
export const shortExpiry = (iso: string) => `${MONTHS[Number(iso.slice(5, 7)) - 1] ?? '?'}${iso.slice(8, 10)}`;

export function positionLabel(position: StoredPosition, unrealizedPl?: number): string {
  const pl = unrealizedPl !== undefined && Number.isFinite(unrealizedPl) ? ` ${signedDollars(unrealizedPl)}` : '';
  const shorts = `${position.strikes.shortPut}/${position.strikes.shortCall}`;
  return `${position.id} · ${shorts} ${shortExpiry(position.expiry)}${pl}`.slice(0, 100);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref?.();
  });
  return Promise.race([promise.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}

export async function positionChoices(
  deps: AppDeps,
  identity: Identity,
  typed: string,
  options: { marketTimeoutMs?: number } = {},
): Promise<{ name: string; value: string }[]> {
  const context = await contextFor(deps, identity);
  const needle = typed.trim().toLowerCase();
  const open = (await context.user.positions.list('open')).sort((a, b) => b.openedMs - a.openedMs);
  const matching = open
    .filter((position) => !needle || positionLabel(position).toLowerCase().includes(needle))
    .slice(0, MAX_CHOICES);
  if (!matching.length) return [];
  const pl = new Map<string, number>();
  const view = await withTimeout(marketView(context), options.marketTimeoutMs ?? 1500);
  if (view) {
    const settings = await context.user.settings.get();
    for (const position of matching) {
      try {
        pl.set(position.id, (await evaluateForCaller(context, position, view, settings)).unrealizedPl);
      } catch {
        // A position the engine cannot value right now still gets its id and strikes.
      }
    }
  }
  return matching.map((position) => ({ name: positionLabel(position, pl.get(position.id)), value: position.id }));
}
