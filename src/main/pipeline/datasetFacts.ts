/** Facts about a project's dataset (from the samples table, without reading sample data). */
import type { SensorInfo } from '../../shared/formats/types';
import type { DatasetFacts } from '../../shared/impulse/impulse';
import type { Db } from '../store/projectDatabase';

/** What the pipeline needs of a stored sample (no values). */
export interface SampleMeta {
  id: number;
  name: string;
  label: string;
  category: 'train' | 'test';
  axes: string[];
  units: string[];
  intervalMs: number;
  readings: number;
  width: number | null;
  height: number | null;
  hash: string;
}

/** Live, complete samples (recordings in progress have no hash yet and are left out). */
export function liveSamples(db: Db): SampleMeta[] {
  const rows = db
    .prepare(
      `SELECT id, name, label, category, sensors, interval_ms, readings, width, height, hash FROM samples
       WHERE deleted_at IS NULL AND status != 'recording' AND hash IS NOT NULL ORDER BY id`,
    )
    .all() as {
    id: number;
    name: string;
    label: string;
    category: 'train' | 'test';
    sensors: string;
    interval_ms: number;
    readings: number;
    width: number | null;
    height: number | null;
    hash: string;
  }[];
  return rows.map((r) => {
    const sensors = JSON.parse(r.sensors) as SensorInfo[];
    return {
      id: r.id,
      name: r.name,
      label: r.label,
      category: r.category,
      axes: sensors.map((s) => s.name),
      units: sensors.map((s) => s.units),
      intervalMs: r.interval_ms,
      readings: r.readings,
      width: r.width,
      height: r.height,
      hash: r.hash,
    };
  });
}

function byCount<T>(items: T[], key: (t: T) => string): T[] {
  const counts = new Map<string, { item: T; n: number }>();
  for (const it of items) {
    const k = key(it);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { item: it, n: 1 });
  }
  return [...counts.values()].sort((a, b) => b.n - a.n).map((c) => c.item);
}

export function factsOf(samples: SampleMeta[]): DatasetFacts {
  const series = samples.filter((s) => !(s.width && s.height));
  const images = samples.filter((s) => s.width && s.height);
  const layouts = byCount(series, (s) => s.axes.join('\u0000'));
  const common = layouts[0]?.axes.filter((a) => series.every((s) => s.axes.includes(a))) ?? [];
  const units: Record<string, string> = {};
  for (const s of series) s.axes.forEach((a, i) => (units[a] ??= s.units[i] ?? ''));
  const freq = (s: SampleMeta) => +(1000 / s.intervalMs).toFixed(3);
  const frequenciesHz = byCount(series, (s) => String(freq(s))).map(freq);
  const duration = (s: SampleMeta) => s.readings * s.intervalMs;
  let shortest: SampleMeta | null = null;
  let longest: SampleMeta | null = null;
  for (const s of series) {
    if (!shortest || duration(s) < duration(shortest)) shortest = s;
    if (!longest || duration(s) > duration(longest)) longest = s;
  }
  return {
    samples: samples.length,
    timeSeries: series.length,
    images: images.length,
    axes: common,
    units,
    frequenciesHz,
    shortest: shortest ? { name: shortest.name, durationMs: duration(shortest) } : null,
    longest: longest ? { name: longest.name, durationMs: duration(longest) } : null,
    medianDurationMs: series.length ? series.map(duration).sort((a, b) => a - b)[Math.floor((series.length - 1) / 2)]! : null,
    imageSizes: byCount(images, (s) => `${s.width}x${s.height}`).map((s) => ({ width: s.width!, height: s.height! })),
    labels: [...new Set(samples.map((s) => s.label))].sort(),
  };
}
