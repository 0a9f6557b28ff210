import type { Command } from 'commander';

/** `kiln` commands of the impulse domain. */
export function impulseCommands(_program: Command): void {}
