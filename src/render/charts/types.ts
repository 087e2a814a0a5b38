// Inputs of the two charts: defined with the ChartsPort in src/app/ports.ts; re-exported by src/render/charts.ts.
export type { EquityChartInput, EquityPoint, EquitySeries, PayoffChartInput, PayoffPoint } from '../../app/ports.ts';
