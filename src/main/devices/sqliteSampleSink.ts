import type { Category, SampleRecord, SampleRepository } from '../store/sampleRepository';
import type { RecordingResult, SampleMeta, SampleSink } from './types';

/**
 * A SampleSink over a project's SampleRepository: each chunk is committed as it arrives
 * (`sample_chunks`), so an unplugged board or a crash keeps what was already received.
 */
export class SqliteSampleSink implements SampleSink {
  private id: number | undefined;
  /** the stored sample once finished; null when nothing arrived (the empty recording is dropped) */
  record: SampleRecord | null = null;
  meta: SampleMeta | undefined;

  constructor(
    private readonly repo: SampleRepository,
    private readonly options: { category: Category; source: string; onAppend?: (values: Float32Array) => void },
  ) {}

  /** sample id while recording (undefined before begin) */
  get sampleId(): number | undefined {
    return this.id;
  }

  begin(meta: SampleMeta): void {
    this.meta = meta;
    this.id = this.repo.beginRecording({
      label: meta.label,
      category: this.options.category,
      sensors: meta.sensors,
      intervalMs: meta.intervalMs,
      source: this.options.source,
      deviceName: meta.deviceName,
      deviceType: meta.deviceType,
    });
  }

  append(values: Float32Array): void {
    if (this.id === undefined) throw new Error('SqliteSampleSink.append before begin');
    if (values.length === 0) return;
    this.repo.appendChunk(this.id, values);
    this.options.onAppend?.(values);
  }

  finish(result: RecordingResult): void {
    if (this.id === undefined) return;
    this.record = this.repo.finishRecording(this.id, result);
  }
}
