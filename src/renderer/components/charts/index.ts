export { PlotlyChart, loadPlotly, type PlotlyChartProps } from './PlotlyChart';
export { chartColors, seriesColor, themedLayout, SERIES_COLORS, type ChartColors } from './chartTheme';
