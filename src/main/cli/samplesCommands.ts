import type { Command } from 'commander';

/** `kiln` commands of the samples domain. */
export function samplesCommands(_program: Command): void {}
