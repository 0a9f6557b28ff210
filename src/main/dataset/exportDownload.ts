/**
 * `samples.export` without a folder (the studio page): the export is written into the transfer
 * folder, packed as one .zip and offered as a download; the loose files are removed.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ExportResult } from '../../shared/api/samples';
import type { JobRunner } from '../jobs/jobRunner';
import type { ProjectHome } from '../store/projectHome';
import { SampleRepository } from '../store/sampleRepository';
import type { Transfers } from '../transfers';
import { zipFolder } from '../transfers/zipFolder';
import { exportSamples } from './exportSamples';
import type { ExportRequest } from './datasetService';

export function startExportDownload(deps: { home: ProjectHome; jobs: JobRunner; transfers: Transfers }, req: Omit<ExportRequest, 'out'>): { jobId: string } {
  const db = deps.home.get(req.project);
  const name = deps.home.nameOf(db.file);
  const repo = new SampleRepository(db.db);
  const filter = { ...(req.label !== undefined ? { label: req.label } : {}), ...(req.category ? { category: req.category } : {}) };
  const job = deps.jobs.start('samples.export', `Export ${name} as ${req.format}`, name, async (ctx): Promise<ExportResult> => {
    const tag = randomUUID();
    const work = path.join(deps.transfers.dir, `export-${tag}`);
    mkdirSync(work);
    const base = `${name.replace(/[^\w.-]+/g, '-')}-${req.format}`;
    try {
      const folder = path.join(work, base);
      const r = await exportSamples(repo, filter, req.format, folder, {
        progress: (f, s) => ctx.progress(f * 0.8, s),
        throwIfCancelled: () => ctx.throwIfCancelled(),
      });
      const zip = path.join(deps.transfers.dir, `${base}-${tag}.zip`);
      await zipFolder(folder, zip, (done, total) => ctx.progress(0.8 + (0.2 * done) / total, `Packing ${done} of ${total}`));
      const download = deps.transfers.offerDownload({ fileName: `${base}.zip`, mime: 'application/zip', filePath: zip, removeAfter: true });
      return { ...r, dir: `${base}.zip`, download };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  return { jobId: job.id };
}
