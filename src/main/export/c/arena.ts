/**
 * Passes 2 and 3: tensor lifetimes from the op list, then arena offsets. Two tensors may share
 * bytes when no op touches both while both are alive. Placement is greedy, largest first, each at
 * the lowest aligned offset clear of every already placed tensor whose lifetime overlaps.
 */
import type { ArenaPlan, ArenaSlot, NetworkProgram } from './program';

/** Every tensor's offset is a multiple of this (int32/float access, word loads of the DSP path). */
export const ARENA_ALIGNMENT = 4;

export interface Lifetime {
  tensor: number;
  first: number;
  last: number;
}

/** First and last op index that writes or reads each tensor (tensors no op touches are left out). */
export function planLifetimes(program: Pick<NetworkProgram, 'ops' | 'tensors'>): Lifetime[] {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (t: number | null, i: number) => {
    if (t === null || t < 0) return;
    if (!first.has(t)) first.set(t, i);
    last.set(t, i);
  };
  program.ops.forEach((op, i) => {
    touch(op.input, i);
    touch(op.output, i);
    touch(op.scratch, i);
  });
  // the last op's output is read after the network (dequantized into the scores)
  const lastOp = program.ops[program.ops.length - 1];
  if (lastOp) last.set(lastOp.output, program.ops.length);
  return program.tensors.filter((t) => first.has(t.id)).map((t) => ({ tensor: t.id, first: first.get(t.id)!, last: last.get(t.id)! }));
}

function align(n: number): number {
  return Math.ceil(n / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;
}

/** Arena offsets for the tensors of `lifetimes`; the slots come back in tensor order. */
export function assignOffsets(program: Pick<NetworkProgram, 'tensors'>, lifetimes: readonly Lifetime[]): ArenaPlan {
  const byId = new Map(program.tensors.map((t) => [t.id, t]));
  const order = [...lifetimes].sort((a, b) => byId.get(b.tensor)!.bytes - byId.get(a.tensor)!.bytes || a.tensor - b.tensor);
  const placed: ArenaSlot[] = [];
  for (const life of order) {
    const t = byId.get(life.tensor)!;
    const clashes = placed.filter((p) => p.first <= life.last && life.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const c of clashes) {
      if (offset + t.bytes <= c.offset) break;
      offset = Math.max(offset, align(c.offset + c.bytes));
    }
    placed.push({ tensor: t.id, name: t.name, offset, bytes: t.bytes, first: life.first, last: life.last });
  }
  const size = align(placed.reduce((m, s) => Math.max(m, s.offset + s.bytes), 0));
  return { size, slots: placed.sort((a, b) => a.tensor - b.tensor) };
}

/** Lifetimes then offsets: the arena of a lowered network. */
export function planArena(program: NetworkProgram): ArenaPlan {
  return assignOffsets(program, planLifetimes(program));
}
