/**
 * Classification metrics over softmax scores: confusion matrix (with an "uncertain" column),
 * accuracy, per-class precision / recall / F1 and weighted F1.
 */
import { KilnError } from '../errors.js';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** rows whose true label is this class */
  support: number;
}

export interface ClassificationReport {
  /**
   * confusion[trueClass][predictedClass]; the extra last column counts rows whose top score was
   * below the uncertain threshold
   */
  confusion: number[][];
  /** correct / all rows; uncertain rows count as wrong */
  accuracy: number;
  uncertain: number;
  perClass: ClassMetrics[];
  weightedF1: number;
  /** predicted class per row, -1 when uncertain */
  predicted: Int32Array;
}

/** Index of the highest score in row `r` of a rows × classes matrix. */
export function argmaxRow(scores: ArrayLike<number>, r: number, classes: number): number {
  let best = 0;
  let bestV = -Infinity;
  for (let c = 0; c < classes; c++) {
    const v = scores[r * classes + c]!;
    if (v > bestV) {
      bestV = v;
      best = c;
    }
  }
  return best;
}

/**
 * Evaluate `scores` (rows × classes, row-major) against integer `labels`.
 * `uncertainThreshold` (0–1): a row whose top score is below it is counted as uncertain.
 */
export function classificationReport(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number, uncertainThreshold = 0): ClassificationReport {
  const rows = labels.length;
  if (scores.length !== rows * classes) {
    throw new KilnError('BAD_PARAMS', `Expected ${rows} × ${classes} = ${rows * classes} scores for ${rows} labels, got ${scores.length}`);
  }
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes + 1).fill(0));
  const predicted = new Int32Array(rows);
  let correct = 0;
  let uncertain = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new KilnError('BAD_DATA', `Row ${r} has label ${label}; labels must be 0…${classes - 1}`);
    }
    const p = argmaxRow(scores, r, classes);
    const top = scores[r * classes + p]!;
    const isUncertain = top < uncertainThreshold;
    predicted[r] = isUncertain ? -1 : p;
    const row = confusion[label]!;
    if (isUncertain) {
      uncertain++;
      row[classes]!++;
    } else {
      row[p]!++;
      if (p === label) correct++;
    }
  }
  const perClass: ClassMetrics[] = [];
  let weighted = 0;
  for (let c = 0; c < classes; c++) {
    const tp = confusion[c]![c]!;
    let predictedAsC = 0;
    for (let t = 0; t < classes; t++) predictedAsC += confusion[t]![c]!;
    let support = 0;
    for (let p = 0; p <= classes; p++) support += confusion[c]![p]!;
    const precision = predictedAsC > 0 ? tp / predictedAsC : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ precision, recall, f1, support });
    weighted += f1 * support;
  }
  return {
    confusion,
    accuracy: rows > 0 ? correct / rows : 0,
    uncertain,
    perClass,
    weightedF1: rows > 0 ? weighted / rows : 0,
    predicted,
  };
}

/** Mean squared error and mean absolute error of predictions against targets. */
export function regressionReport(predictions: ArrayLike<number>, targets: ArrayLike<number>): { mse: number; mae: number; rows: number } {
  const n = targets.length;
  if (predictions.length !== n) {
    throw new KilnError('BAD_PARAMS', `Expected ${n} predictions, got ${predictions.length}`);
  }
  let se = 0;
  let ae = 0;
  for (let i = 0; i < n; i++) {
    const d = predictions[i]! - targets[i]!;
    se += d * d;
    ae += Math.abs(d);
  }
  return { mse: n ? se / n : 0, mae: n ? ae / n : 0, rows: n };
}
