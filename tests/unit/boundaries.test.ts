// The module boundaries of DESIGN.md are enforced by lint: these cases must fail.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('stop the renderer from importing src/main', async () => {
    expect(await errors('src/renderer/pages/x.tsx', "import { ProjectHome } from '../../main/store/projectHome';\nexport const x = ProjectHome;\n")).toHaveLength(1);
  });
  it('stop the renderer from importing Node built-ins and native modules', async () => {
    expect(await errors('src/renderer/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toHaveLength(1);
    expect(await errors('src/renderer/x.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n")).toHaveLength(1);
  });
  it('stop src/shared from importing node:*, electron, react or native modules', async () => {
    expect(await errors('src/shared/dsp/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toHaveLength(1);
    expect(await errors('src/shared/dsp/x.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
    expect(await errors('src/shared/dsp/x.ts', "import React from 'react';\nexport const x = React;\n")).toHaveLength(1);
    expect(await errors('src/shared/dsp/x.ts', "import { SerialPort } from 'serialport';\nexport const x = SerialPort;\n")).toHaveLength(1);
    expect(await errors('src/shared/dsp/x.ts', "import { x as y } from '../../main/app/services';\nexport const x = y;\n")).toHaveLength(1);
  });
  it('let each side import src/shared', async () => {
    expect(await errors('src/renderer/x.ts', "import { KilnError } from '../shared/errors';\nexport const x = KilnError;\n")).toEqual([]);
    expect(await errors('src/main/x.ts', "import { KilnError } from '../shared/errors';\nexport const x = KilnError;\n")).toEqual([]);
  });
  it('stop src/main from importing the renderer', async () => {
    expect(await errors('src/main/x.ts', "import { App } from '../renderer/App';\nexport const x = App;\n")).toHaveLength(1);
  });
});
