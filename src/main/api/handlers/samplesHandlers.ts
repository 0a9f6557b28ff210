import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../dispatcher';
import { startExportDownload } from '../../dataset/exportDownload';
import { confinedPath } from '../../transfers';
import type { Services } from '../../app/services';
import type { samplesMethods } from '../../../shared/api/samples';

/** Thin: validation is done by the contract, the work by the dataset service. */
export function samplesHandlers(s: Services): Pick<Handlers, keyof typeof samplesMethods> {
  const d = s.dataset;
  return {
    'samples.list': ({ project, ...q }) => d.list(project, q),
    'samples.ids': ({ project, ...q }) => d.ids(project, q),
    'samples.counts': ({ project }) => d.counts(project),
    'samples.labels': ({ project }) => d.labels(project),
    'samples.get': ({ project, id, maxReadings, maxPixels }) => d.get(project, id, maxReadings, maxPixels),
    'samples.relabel': ({ project, ids, label }) => d.relabel(project, ids, label),
    'samples.move': ({ project, ids, category }) => d.move(project, ids, category),
    'samples.delete': ({ project, ids }) => d.delete(project, ids),
    'samples.restore': ({ project, ...args }) => d.restore(project, args),
    'samples.rebalance': ({ project, testFraction, seed }) => d.rebalance(project, testFraction, seed),
    'samples.crop': ({ project, id, start, end }) => d.crop(project, id, start, end),
    'samples.split': ({ project, id, cuts }) => d.split(project, id, cuts),
    'samples.import': (req) => d.startImport(req),
    'samples.export': ({ out, ...req }) => {
      if (out === undefined) return { ...startExportDownload(s, req), dir: null };
      const exportsDir = path.join(s.home.dir, 'exports');
      mkdirSync(exportsDir, { recursive: true });
      return d.startExport({ ...req, out: confinedPath(exportsDir, out, 'out') });
    },
  };
}
