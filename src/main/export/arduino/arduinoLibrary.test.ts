/**
 * The Arduino library: its layout checked against the Arduino library specification (1.5 format,
 * rev. 2.2), and every example sketch compiled as C++ with arm-none-eabi-g++ for a Cortex-M4F
 * (the Nano 33 BLE Sense's core). The Arduino core and the IMU library are not installed here:
 * the test provides the few declarations the sketches use (Serial, delay, micros, IMU) in two
 * small headers of its own; no C++ standard library is needed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCLibrary, type CLibrary } from '../c/index';
import { randomNetwork, rawImpulse, row } from '../c/testing/fixtures';
import { CORTEX_TARGETS, execTool, findTool, missingToolsMessage } from '../toolchain/index';
import { ACCELEROMETER_LIBRARY, arduinoLibraryFiles, arduinoLibraryName, arduinoLibraryZip } from './index';

/** stand-in for the Arduino core: only what Kiln's example sketches call */
const ARDUINO_H = `#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>
class KilnTestSerial {
 public:
  void begin(unsigned long baud);
  size_t print(const char *s);
  size_t print(int v);
  size_t print(long v);
  size_t print(double v, int digits = 2);
  size_t println(const char *s);
  size_t println(int v);
  size_t println(long v);
  size_t println(double v, int digits = 2);
  explicit operator bool() const;
};
extern KilnTestSerial Serial;
void delay(unsigned long ms);
unsigned long micros(void);
unsigned long millis(void);
`;

/** stand-in for Arduino_LSM9DS1.h: the three calls the accelerometer example makes */
const LSM9DS1_H = `#pragma once
class KilnTestLSM9DS1 {
 public:
  int begin();
  int accelerationAvailable();
  int readAcceleration(float &x, float &y, float &z);
};
extern KilnTestLSM9DS1 IMU;
`;

const AXES = ['accX', 'accY', 'accZ'];
const READINGS = 20;

function library(axes: string[]): { lib: CLibrary; window: Float32Array } {
  const net = randomNetwork({ inputShape: [READINGS * axes.length], layers: [{ type: 'dense', units: 8 }] }, { kind: 'classification', classes: 3 }, 7, {
    scaling: true,
  });
  const lib = generateCLibrary({
    name: 'gestures',
    precision: 'int8',
    labels: ['idle', 'wave', 'circle'],
    impulse: rawImpulse({ readings: READINGS, axes }),
    float: net.float,
    int8: net.int8,
    anomaly: null,
  });
  return { lib, window: Float32Array.from(row(net.features, READINGS * axes.length, 0)) };
}

function properties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    expect(eq, `library.properties line "${line}" is key=value`).toBeGreaterThan(0);
    out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

const { lib, window } = library(AXES);
const files = arduinoLibraryFiles(lib.files, { name: 'gestures demo', version: '1.0.0', axes: AXES, frameSize: READINGS * 3, exampleWindow: window });
const name = arduinoLibraryName('gestures demo');

describe('the Arduino library layout', () => {
  it('has a library.properties with every field the specification requires, valid', () => {
    const props = properties(files.get('library.properties') as string);
    for (const key of ['name', 'version', 'author', 'maintainer', 'sentence', 'paragraph', 'category', 'url', 'architectures'])
      expect(props.get(key), key).toBeTruthy();
    expect(props.get('name')).toBe('gestures_demo_inferencing');
    expect(props.get('name')).toMatch(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/);
    expect(props.get('name')!.length).toBeLessThanOrEqual(63);
    expect(props.get('version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(['Display', 'Communication', 'Signal Input/Output', 'Sensors', 'Device Control', 'Timing', 'Data Storage', 'Data Processing', 'Other']).toContain(
      props.get('category'),
    );
    expect(props.get('depends')).toBe(ACCELEROMETER_LIBRARY);
    expect(files.has(`src/${props.get('includes')}`)).toBe(true);
  });

  it('puts the sources flat in src/ with one header to include, and each example in a folder of its own name', () => {
    expect(files.has(`src/${name}.h`)).toBe(true);
    for (const file of files.keys()) {
      expect(file === 'library.properties' || /^(src|examples|extras)\//.test(file), file).toBe(true);
      if (file.startsWith('src/')) expect(file.split('/')).toHaveLength(2);
      const example = /^examples\/([^/]+)\/([^/]+)$/.exec(file);
      if (example) expect(example[2]).toBe(`${example[1]}.ino`);
    }
    expect([...files.keys()].filter((f) => f.endsWith('.ino')).sort()).toEqual([
      'examples/accelerometer_continuous/accelerometer_continuous.ino',
      'examples/static_buffer/static_buffer.ino',
    ]);
    // the host example program and the CMake/Make files stay out of the Arduino library
    expect(files.has('src/main.c')).toBe(false);
    // every quoted include resolves inside src/ (the IDE adds only src/ to the include path)
    for (const [file, text] of files) {
      if (!file.startsWith('src/') || typeof text !== 'string') continue;
      for (const m of text.matchAll(/#include "([^"]+)"/g)) expect(files.has(`src/${m[1]}`), `${file} includes ${m[1]}`).toBe(true);
    }
  });

  it('zips under one folder named after the library, as "Add .ZIP Library" expects', () => {
    const entries = unzipSync(arduinoLibraryZip(files, 'gestures demo'));
    expect(Object.keys(entries).sort()).toEqual([...files.keys()].map((f) => `${name}/${f}`).sort());
    expect(strFromU8(entries[`${name}/library.properties`]!)).toBe(files.get('library.properties'));
  });

  it('pastes the window into the static_buffer example, and leaves the accelerometer example out without three axes', () => {
    const sketch = files.get('examples/static_buffer/static_buffer.ino') as string;
    expect(sketch).toContain(`#include <${name}.h>`);
    expect(sketch.match(/-?\d[\d.e+-]*f,/g)).toHaveLength(READINGS * 3);
    const single = arduinoLibraryFiles(library(['x']).lib.files, {
      name: 'vibration',
      version: '0.1.0',
      axes: ['x'],
      frameSize: READINGS,
      exampleWindow: null,
    });
    expect([...single.keys()].some((f) => f.includes('accelerometer'))).toBe(false);
    expect(properties(single.get('library.properties') as string).has('depends')).toBe(false);
    expect(single.get('examples/static_buffer/static_buffer.ino')).toContain('paste 20 raw values here');
  });
});

const missing = missingToolsMessage(['arm-none-eabi-g++', 'arm-none-eabi-gcc', 'arm-none-eabi-nm']);
if (missing) console.log(`skipping the Arduino compile check: ${missing}`);

describe.skipIf(missing !== undefined)('the Arduino library compiled for a Cortex-M4F', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-arduino-'));
    for (const [file, content] of files) {
      mkdirSync(path.dirname(path.join(dir, 'lib', file)), { recursive: true });
      writeFileSync(path.join(dir, 'lib', file), content);
    }
    mkdirSync(path.join(dir, 'core'));
    writeFileSync(path.join(dir, 'core', 'Arduino.h'), ARDUINO_H);
    writeFileSync(path.join(dir, 'core', `${ACCELEROMETER_LIBRARY}.h`), LSM9DS1_H);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cpu = CORTEX_TARGETS['cortex-m4'].cflags;
  const include = () => ['-I', path.join(dir, 'lib', 'src'), '-I', path.join(dir, 'core')];

  for (const sketch of [...files.keys()].filter((f) => f.endsWith('.ino'))) {
    it(`compiles ${sketch} as C++ (as the Arduino builder does: Arduino.h first)`, async () => {
      const cpp = path.join(dir, path.basename(sketch) + '.cpp');
      writeFileSync(cpp, `#include <Arduino.h>\n#line 1 "${path.basename(sketch)}"\n${files.get(sketch) as string}`);
      const args = [...cpu, '-std=gnu++17', '-fno-exceptions', '-fno-rtti', '-Wall', '-Wextra', '-Werror', ...include(), '-c', cpp, '-o', cpp + '.o'];
      await execTool(findTool('arm-none-eabi-g++')!, args);
      const symbols = (await execTool(findTool('arm-none-eabi-nm')!, [cpp + '.o'])).stdout;
      expect(symbols).toMatch(/ T _Z5setupv$/m);
      expect(symbols).toMatch(/ T _Z4loopv$/m);
      expect(symbols).toMatch(/ U kiln_run_classifier/m);
    });
  }

  it('compiles every C source of src/ with the one include folder the IDE gives', async () => {
    const sources = [...files.keys()].filter((f) => f.startsWith('src/') && f.endsWith('.c'));
    expect(sources.length).toBeGreaterThan(5);
    for (const s of sources) {
      await execTool(findTool('arm-none-eabi-gcc')!, [
        ...cpu,
        '-std=gnu11',
        '-Wall',
        '-Wextra',
        '-Werror',
        ...include(),
        '-c',
        path.join(dir, 'lib', s),
        '-o',
        path.join(dir, path.basename(s) + '.o'),
      ]);
    }
  });
});
