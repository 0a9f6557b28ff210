/**
 * The project spec document (kiln.json) of a project: export what is saved, apply a document
 * (validated first; all of it or nothing).
 */
import { KilnError } from '../../shared/errors';
import { parseProjectSpec, PROJECT_SPEC_FORMAT, qualityGates, type ProjectSpec, type QualityGates } from '../../shared/spec/projectSpec';
import { modelSpecSchema, type ModelSpec } from '../../shared/model/spec';
import { loadBoards } from '../boards/boardCatalog';
import type { PipelineService } from '../pipeline';
import { loadImpulse } from '../pipeline/impulseStore';
import type { ProjectHome } from '../store/projectHome';
import { VersionRepository } from '../store/versionRepository';
import { KEY_SPEC, type TrainingService } from '../training/trainingService';

/** where a project keeps its quality gates (under the training settings, so versions keep them too) */
export const KEY_GATES = 'training.gates';

export class ProjectSpecService {
  constructor(
    private readonly home: ProjectHome,
    private readonly pipeline: PipelineService,
    private readonly training: TrainingService,
  ) {}

  gates(project: string): QualityGates {
    const raw = new VersionRepository(this.home.get(project).db).projectKeys(KEY_GATES)[KEY_GATES];
    const r = raw ? qualityGates.safeParse(JSON.parse(raw)) : null;
    return r?.success ? r.data : {};
  }

  exportSpec(project: string): ProjectSpec {
    const db = this.home.get(project).db;
    const saved = loadImpulse(db);
    if (!saved) throw new KilnError('NOT_FOUND', 'This project has no saved impulse yet: design one on the Impulse page (or `kiln impulse set`) first');
    const prefix = KEY_SPEC('');
    const architectures: Record<string, ModelSpec> = {};
    for (const [key, value] of Object.entries(new VersionRepository(db).projectKeys(prefix))) {
      const spec = modelSpecSchema.safeParse(JSON.parse(value));
      const block = key.slice(prefix.length);
      if (spec.success && saved.impulse.learning.some((l) => l.id === block)) architectures[block] = spec.data;
    }
    return { kiln: PROJECT_SPEC_FORMAT, impulse: saved.impulse, training: this.training.settings(project), architectures, gates: this.gates(project) };
  }

  /** Validates a document (every issue names its field) and applies it in one transaction. */
  applySpec(project: string, document: unknown, source = 'kiln.json'): ProjectSpec {
    const spec = parseProjectSpec(document, source);
    const blocks = new Set(spec.impulse.learning.map((l) => l.id));
    for (const id of Object.keys(spec.architectures)) {
      if (!blocks.has(id))
        throw new KilnError(
          'BAD_FILE',
          `${source}: architectures.${id}: the impulse has no learning block "${id}" (it has ${[...blocks].join(', ') || 'none'})`,
          {
            field: `architectures.${id}`,
          },
        );
    }
    const boards = loadBoards().map((b) => b.id);
    if (spec.gates.board !== undefined && !boards.includes(spec.gates.board)) {
      throw new KilnError('BAD_FILE', `${source}: gates.board: unknown board "${spec.gates.board}" (known: ${boards.join(', ')})`, {
        field: 'gates.board',
      });
    }
    const handle = this.home.get(project);
    handle.db.transaction(() => {
      this.pipeline.setImpulse(project, spec.impulse);
      this.training.saveSettings(project, spec.training);
      handle.setMeta(KEY_GATES, JSON.stringify(spec.gates));
      for (const [block, architecture] of Object.entries(spec.architectures)) {
        try {
          this.training.setSpec(project, block, architecture);
        } catch (e) {
          if (e instanceof KilnError) throw new KilnError(e.code, `${source}: architectures.${block}: ${e.message}`, { field: `architectures.${block}` });
          throw e;
        }
      }
    })();
    return this.exportSpec(project);
  }
}
