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
import type { AnyCommand } from '../src/app/command.ts';

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
