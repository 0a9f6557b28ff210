/** Runs the generator's passes in order and assembles the library's files. */
import { KilnError } from '../../../shared/errors';
import type { CLibrary, CLibraryInput } from './index';

export function generateLibrary(input: CLibraryInput): CLibrary {
  const custom = input.impulse.blocks.find((b) => b.task.block.startsWith('custom:'));
  if (custom) {
    throw new KilnError('UNSUPPORTED', `"${custom.task.title}" is a custom block: custom blocks cannot be exported yet`, { field: `dsp.${custom.config.id}` });
  }
  throw new KilnError('UNSUPPORTED', 'The C library generator is not finished yet');
}
