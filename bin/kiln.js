#!/usr/bin/env node
// The `kiln` command: runs the CLI from the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/index.ts');
