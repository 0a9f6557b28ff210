/**
 * Flash and RAM of a linked Cortex-M program, from the GNU ld map file, split into categories
 * (library code, weights, DSP, arena…) by the object file and input section each byte came from.
 * Archive members (libc, libm, libgcc) take the category of the object that pulled them in.
 */
import { KilnError } from '../../../shared/errors';

export type Region = 'flash' | 'ram';

export interface InputSection {
  /** output section: .text, .rodata, .data, .bss, .ARM.exidx… */
  output: string;
  /** input section name, e.g. .text.kiln_dense_s8 */
  name: string;
  /** file the section came from (object or archive(member)) */
  file: string;
  address: number;
  size: number;
}

export interface ParsedMap {
  sections: InputSection[];
  /** archive member → file whose undefined symbol pulled it in */
  pulledInBy: Map<string, string>;
}

/** output sections stored in flash and in RAM (.data is in both: its initial values sit in flash) */
const FLASH_OUTPUTS = new Set(['.text', '.rodata', '.ARM.exidx', '.ARM.extab', '.data']);
const RAM_OUTPUTS = new Set(['.data', '.bss']);

/** file name given to alignment padding between input sections */
export const FILL = '*fill*';

export function parseMapFile(text: string): ParsedMap {
  const lines = text.split('\n');
  const pulledInBy = new Map<string, string>();
  if (lines[0]?.startsWith('Archive member included')) {
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('Discarded input sections') || line.startsWith('Memory Configuration')) break;
      if (line && !line.startsWith(' ')) {
        const ref = /^\s+(.+?) \(([^)]*)\)\s*$/.exec(lines[i + 1] ?? '');
        if (ref) pulledInBy.set(line.trim(), ref[1]!);
      }
    }
  }
  const start = lines.findIndex((l) => l.startsWith('Linker script and memory map'));
  if (start < 0) throw new KilnError('BAD_FILE', 'map file: no "Linker script and memory map" part');
  const sections: InputSection[] = [];
  let output = '';
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const out = /^(\.[\w.]+)\s/.exec(line) ?? /^(\.[\w.]+)$/.exec(line);
    if (out) {
      output = out[1]!;
      continue;
    }
    const fill = /^ \*fill\*\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)/.exec(line);
    if (fill) {
      const bytes = parseInt(fill[2]!, 16);
      if (bytes > 0) sections.push({ output, name: '*fill*', file: FILL, address: parseInt(fill[1]!, 16), size: bytes });
      continue;
    }
    // " .text.name 0xaddr 0xsize file" or " .text.name" then "   0xaddr 0xsize file" on the next line
    const head = /^ (\.[^\s]+|COMMON)(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(.+))?$/.exec(line);
    if (!head) continue;
    const name = head[1]!;
    let [, , addr, size, file] = head;
    if (addr === undefined) {
      const next = /^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(.+)$/.exec(lines[i + 1] ?? '');
      if (!next) continue;
      [, addr, size, file] = next;
      i++;
    }
    const bytes = parseInt(size!, 16);
    if (bytes > 0) sections.push({ output, name, file: file!.trim(), address: parseInt(addr!, 16), size: bytes });
  }
  return { sections, pulledInBy };
}

/** the file that brought an archive member (or an object) into the link, following the chain to a named object */
export function rootObject(file: string, pulledInBy: ReadonlyMap<string, string>): string {
  let f = file;
  for (let hops = 0; hops < 64 && pulledInBy.has(f); hops++) f = pulledInBy.get(f)!;
  return f;
}

export interface MemoryReport {
  flash: { total: number; byCategory: Record<string, number> };
  ram: { total: number; byCategory: Record<string, number> };
}

/**
 * Sums flash and RAM per category. `categorize(object, section)` names the category of an input
 * section of one of the program's own objects (archive members are attributed to their root object).
 */
export function memoryReport(map: ParsedMap, categorize: (object: string, section: InputSection) => string): MemoryReport {
  const report: MemoryReport = { flash: { total: 0, byCategory: {} }, ram: { total: 0, byCategory: {} } };
  for (const s of map.sections) {
    const category = categorize(rootObject(s.file, map.pulledInBy), s);
    for (const [region, outputs] of [
      ['flash', FLASH_OUTPUTS],
      ['ram', RAM_OUTPUTS],
    ] as const) {
      if (!outputs.has(s.output)) continue;
      report[region].total += s.size;
      report[region].byCategory[category] = (report[region].byCategory[category] ?? 0) + s.size;
    }
  }
  return report;
}

/** `arm-none-eabi-size -A` output → bytes per output section */
export function parseSizeSysv(text: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\.[\w.]+)\s+(\d+)\s+(\d+)/.exec(line.trim());
    if (m) sizes[m[1]!] = Number(m[2]);
  }
  return sizes;
}
