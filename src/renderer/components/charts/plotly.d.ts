// plotly.js-dist-min ships no types; this is the small part Kiln uses.
declare module 'plotly.js-dist-min' {
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: 'plotly_click', handler: (e: { points: PlotlyPoint[] }) => void): void;
    removeAllListeners?(event: string): void;
  }
  export interface PlotlyPoint {
    curveNumber: number;
    pointNumber: number;
    pointIndex?: number;
    x?: unknown;
    y?: unknown;
    z?: unknown;
    customdata?: unknown;
    data: Record<string, unknown>;
  }
  export function react(el: HTMLElement, data: object[], layout?: object, config?: object): Promise<PlotlyHTMLElement>;
  export function purge(el: HTMLElement): void;
  export const Plots: { resize(el: HTMLElement): void };
  const Plotly: { react: typeof react; purge: typeof purge; Plots: typeof Plots };
  export default Plotly;
}
