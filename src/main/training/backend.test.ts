import { describe, expect, it } from 'vitest';
import { loadTf } from './backend.js';

describe('loadTf', () => {
  it('falls back to the pure-JS cpu backend when tfjs-node is not installed, and says why', async () => {
    const { tf, backend } = await loadTf();
    if (backend.name === 'tfjs-node') {
      expect(tf.getBackend()).toBe('tensorflow');
      return;
    }
    expect(backend.name).toBe('tfjs-cpu');
    expect(backend.note).toMatch(/tfjs-node unavailable/);
    expect(tf.getBackend()).toBe('cpu');
    expect(Array.from(tf.add(tf.tensor([1, 2]), 1).dataSync())).toEqual([2, 3]);
  });

  it('uses the cpu backend when tfjs-node is not wanted', async () => {
    const { backend } = await loadTf({ preferNode: false });
    expect(backend.name).toBe('tfjs-cpu');
  });
});
