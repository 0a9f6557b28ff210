/**
 * Names of a block's output features as a person reads them ("accX RMS", "accY Spectral Power
 * 0.49 - 1.46 Hz"). Blocks that name their features per axis (spectral analysis, flatten: as
 * Edge Impulse's do) give one list for one axis; the features come axis after axis.
 */
export function featureNames(labels: readonly string[] | undefined, axes: readonly string[], featureCount: number): string[] | null {
  if (!labels || labels.length === 0) return null;
  if (labels.length === featureCount) return [...labels];
  if (axes.length > 0 && labels.length * axes.length === featureCount) return axes.flatMap((axis) => labels.map((l) => `${axis} ${l}`));
  return null;
}
