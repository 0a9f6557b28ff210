/**
 * The anomaly block as constants for the C runtime's K-means / GMM routines (kiln_anomaly.h):
 * feature indices remapped into the library's feature buffer, GMM normalising constants
 * computed here in double.
 */
import { KilnError } from '../../../shared/errors';
import type { AnomalyModel } from '../../../shared/model/anomaly';
import type { CInit, ConstArray } from './program';

export interface AnomalyProgram {
  kind: 'kmeans' | 'gmm';
  consts: ConstArray[];
  /** initializer of kiln_kmeans_params / kiln_gmm_params */
  params: CInit[];
}

export function lowerAnomaly(model: AnomalyModel, anomalyIndex: readonly number[]): AnomalyProgram {
  const d = model.axes.length;
  const axes = model.axes.map((a) => {
    const i = anomalyIndex[a];
    if (i === undefined) throw new KilnError('BAD_DATA', `The anomaly block reads feature ${a}, but its inputs give ${anomalyIndex.length} features`);
    return i;
  });
  const consts: ConstArray[] = [
    { name: 'anomaly_axes', ctype: 'int32_t', values: axes },
    { name: 'anomaly_mean', ctype: 'float', values: model.mean },
    { name: 'anomaly_std', ctype: 'float', values: model.std },
  ];
  const inAxes: CInit[] = [d, { ref: 'anomaly_axes' }, { ref: 'anomaly_mean' }, { ref: 'anomaly_std' }];
  if (model.kind === 'kmeans') {
    consts.push({ name: 'anomaly_centroids', ctype: 'float', values: model.centroids.flat() });
    consts.push({ name: 'anomaly_radii', ctype: 'float', values: model.radii });
    return { kind: 'kmeans', consts, params: [inAxes, model.centroids.length, { ref: 'anomaly_centroids' }, { ref: 'anomaly_radii' }] };
  }
  const full = model.covariance === 'full';
  const logConst = model.weights.map((w, c) => {
    const cov = model.covariances[c]!;
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += full ? 2 * Math.log(cov[j * d + j]!) : Math.log(cov[j]!);
    return Math.log(w) - 0.5 * (d * Math.log(2 * Math.PI) + logDet);
  });
  consts.push({ name: 'anomaly_means', ctype: 'float', values: model.means.flat() });
  consts.push({ name: 'anomaly_cov', ctype: 'float', values: full ? model.covariances.flat() : model.covariances.flat().map((v) => 1 / v) });
  consts.push({ name: 'anomaly_log_const', ctype: 'float', values: logConst });
  return {
    kind: 'gmm',
    consts,
    params: [inAxes, model.weights.length, full ? 1 : 0, { ref: 'anomaly_means' }, { ref: 'anomaly_cov' }, { ref: 'anomaly_log_const' }],
  };
}
