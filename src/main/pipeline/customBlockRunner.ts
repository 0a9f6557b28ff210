/**
 * Keeps one sandbox process (customBlockProcess.ts) per caller — a feature worker thread, or one
 * preview — compiled for the block it last ran; a new block, a crash or a kill starts a fresh one.
 */
import type { DspParams } from '../../shared/dsp/block';
import { CUSTOM_WINDOW_TIMEOUT_MS, CustomBlockProcess } from './customBlockProcess';

export class CustomBlockRunner {
  private proc: CustomBlockProcess | null = null;
  private key = '';

  async run(
    block: { code: string; title: string },
    windows: Float32Array[],
    axes: readonly string[],
    frequencyHz: number,
    params: DspParams,
    timeoutMs = CUSTOM_WINDOW_TIMEOUT_MS,
  ): Promise<Float32Array[]> {
    const key = `${timeoutMs}\u0000${block.title}\u0000${block.code}`;
    if (!this.proc || !this.proc.alive || this.key !== key) {
      this.proc?.kill();
      const proc = new CustomBlockProcess(block.title);
      this.proc = proc;
      this.key = key;
      try {
        await proc.compile(block.code, timeoutMs);
      } catch (e) {
        proc.kill();
        this.proc = null;
        throw e;
      }
    }
    return this.proc.run(windows, axes, frequencyHz, params, timeoutMs);
  }

  dispose(): void {
    this.proc?.kill();
    this.proc = null;
  }
}
