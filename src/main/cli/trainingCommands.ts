import type { Command } from 'commander';

/** `kiln` commands of the training domain. */
export function trainingCommands(_program: Command): void {}
