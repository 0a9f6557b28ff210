/** Reads what a harness main printed: "kiln-stack <bytes>" and "kiln-row <tag> <v1> <v2> …" lines. */
export interface HarnessReport {
  /** stack high-water mark of the measured calls, bytes (absent on the host) */
  stackBytes?: number;
  /** rows of numbers per tag, in print order */
  rows: Map<string, number[][]>;
}

export function parseHarnessOutput(stdout: string): HarnessReport {
  const report: HarnessReport = { rows: new Map() };
  for (const line of stdout.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'kiln-stack' && parts[1]) report.stackBytes = Number(parts[1]);
    else if (parts[0] === 'kiln-row' && parts[1]) {
      const list = report.rows.get(parts[1]) ?? [];
      list.push(parts.slice(2).map(Number));
      report.rows.set(parts[1], list);
    }
  }
  return report;
}
