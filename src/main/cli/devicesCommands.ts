import type { Command } from 'commander';

/** `kiln` commands of the devices domain. */
export function devicesCommands(_program: Command): void {}
