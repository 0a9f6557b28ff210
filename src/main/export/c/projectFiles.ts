/** The build files, example and README of a library, from the templates in resources/export/c/project. */

export interface ProjectFacts {
  name: string;
  precision: 'int8' | 'float32';
  arenaBytes: number;
}

/** Templates with {{NAME}}, {{PRECISION}} and {{ARENA}} filled in, by path inside the library. */
export function projectFiles(facts: ProjectFacts, templates: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, text] of templates) {
    out.set(file, text.replaceAll('{{NAME}}', facts.name).replaceAll('{{PRECISION}}', facts.precision).replaceAll('{{ARENA}}', String(facts.arenaBytes)));
  }
  return out;
}
