/**
 * Runs an exported ONNX model with onnxruntime-node (CPU): one session per model, rows in
 * batches. Used by model testing (faster than Kiln's reference engine on larger nets) and to
 * check exports against the float model.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { KilnError } from '../../../shared/errors';

export class OnnxRunner {
  private constructor(
    private readonly session: InferenceSession,
    private readonly ort: typeof import('onnxruntime-node'),
    readonly inSize: number,
  ) {}

  static async create(model: Uint8Array, inSize: number): Promise<OnnxRunner> {
    const ort = await import('onnxruntime-node');
    try {
      const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
      return new OnnxRunner(session, ort, inSize);
    } catch (e) {
      throw new KilnError('INTERNAL', `ONNX Runtime refused the exported model: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Outputs for rows × inSize features (scores for a classifier, values for a regressor). */
  async run(features: Float32Array, batch = 512): Promise<Float32Array> {
    if (features.length % this.inSize !== 0)
      throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${this.inSize}`);
    const rows = features.length / this.inSize;
    const parts: Float32Array[] = [];
    for (let from = 0; from < rows; from += batch) {
      const n = Math.min(batch, rows - from);
      const input = new this.ort.Tensor('float32', features.subarray(from * this.inSize, (from + n) * this.inSize), [n, this.inSize]);
      const out = await this.session.run({ input });
      parts.push(out.output!.data as Float32Array);
    }
    const total = parts.reduce((a, p) => a + p.length, 0);
    const result = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      result.set(p, at);
      at += p.length;
    }
    return result;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
