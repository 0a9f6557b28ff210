/**
 * Serial ingest throughput: a simulated data-forwarder board prints 9 axes at 1 kHz over a real
 * socat pty pair; every line is counted on the receiving end. Prints JSON figures.
 * Run: npx tsx bench/serialIngest.ts [axes] [hz] [seconds]
 */
import { measureSerialIngest } from '../src/main/devices/testing/serialIngest';

const [axes = 9, hz = 1000, seconds = 3] = process.argv.slice(2).map(Number);
const started = performance.now();
const figures = await measureSerialIngest(axes, hz, seconds);
const wallS = (performance.now() - started) / 1000;
console.log(JSON.stringify({ ...figures, transport: 'socat pty pair', wallSeconds: Math.round(wallS * 100) / 100 }));
