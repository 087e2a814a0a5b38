// The explicit list of commands, in the order /help shows them.
import condorEval from './condor-eval.ts';
import condorSuggest from './condor-suggest.ts';
import positionAdd from './position-add.ts';
import positionList from './position-list.ts';
import positionShow from './position-show.ts';
import positionClose from './position-close.ts';
import positionHistory from './position-history.ts';
import positionExport from './position-export.ts';
import hedge from './hedge.ts';
import market from './market.ts';
import signal from './signal.ts';
import subscribe from './subscribe.ts';
import settings from './settings.ts';
import link from './link.ts';
import backtest from './backtest.ts';
import help from './help.ts';
import type { AnyCommand, DataOf } from '../src/app/command.ts';

export const commands: readonly AnyCommand[] = [
  condorEval,
  condorSuggest,
  positionAdd,
  positionList,
  positionShow,
  positionClose,
  positionHistory,
  positionExport,
  hedge,
  market,
  signal,
  subscribe,
  settings,
  link,
  backtest,
  help,
];

/** What each command's reply carries in `data`, by command name (tests and --json readers get the type from here). */
export interface CommandData {
  'condor eval': DataOf<typeof condorEval>;
  'condor suggest': DataOf<typeof condorSuggest>;
  'position add': DataOf<typeof positionAdd>;
  'position list': DataOf<typeof positionList>;
  'position show': DataOf<typeof positionShow>;
  'position close': DataOf<typeof positionClose>;
  'position history': DataOf<typeof positionHistory>;
  'position export': DataOf<typeof positionExport>;
  hedge: DataOf<typeof hedge>;
  market: DataOf<typeof market>;
  signal: DataOf<typeof signal>;
  subscribe: DataOf<typeof subscribe>;
  settings: DataOf<typeof settings>;
  link: DataOf<typeof link>;
  backtest: DataOf<typeof backtest>;
  help: DataOf<typeof help>;
}
