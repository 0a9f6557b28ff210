import { createRng, type Rng } from './random';
import type { SignalStream } from './signalStream';

export const WORDS = ['noise', 'yes', 'no', 'go'] as const;
export type Word = (typeof WORDS)[number];

export const MICROPHONE_HZ = 16000;
export const MICROPHONE_SENSORS = [{ name: 'audio', units: 'wav' }];

export interface MicrophoneOptions {
  /** 'noise' is background only; the others say the keyword once per period */
  word: Word;
  /** Hz (16000 like the boards) */
  frequencyHz?: number;
  /** picks the "speaker": pitch, vocal-tract length, tempo, loudness, room noise */
  seed: number;
  /** one utterance per this many ms (default 1000) */
  periodMs?: number;
}

type Kind = 'voiced' | 'hiss' | 'burst';
interface Segment {
  kind: Kind;
  /** seconds at tempo 1 */
  dur: number;
  /** formants F1..F3 in Hz at the start and end of the segment (voiced) */
  from?: [number, number, number];
  to?: [number, number, number];
  /** noise band centre and half-width, Hz (hiss, burst) */
  band?: [number, number];
  /** relative amplitude at start and end */
  amp: [number, number];
  /** pitch factor at start and end (intonation) */
  pitch?: [number, number];
}

/** Each keyword as a sequence of formant sweeps and noise bands, loosely after its phonemes. */
const KEYWORDS: Record<Exclude<Word, 'noise'>, Segment[]> = {
  yes: [
    { kind: 'voiced', dur: 0.07, from: [280, 2250, 2950], to: [420, 2050, 2750], amp: [0.3, 0.9], pitch: [1, 1.05] },
    { kind: 'voiced', dur: 0.17, from: [530, 1850, 2550], to: [560, 1750, 2500], amp: [1, 0.7], pitch: [1.05, 0.95] },
    { kind: 'hiss', dur: 0.16, band: [6000, 1500], amp: [0.45, 0.05] },
  ],
  no: [
    // nasal murmur: low F1, weak upper formants, held for a while
    { kind: 'voiced', dur: 0.1, from: [240, 1000, 2300], to: [270, 1100, 2350], amp: [0.3, 0.45], pitch: [1.1, 1.1] },
    { kind: 'voiced', dur: 0.3, from: [560, 1050, 2450], to: [340, 760, 2300], amp: [1, 0.25], pitch: [1.1, 0.8] },
  ],
  go: [
    // velar burst, then F2 and F3 pinched together falling away into the vowel
    { kind: 'burst', dur: 0.03, band: [2200, 900], amp: [1.3, 0.3] },
    { kind: 'voiced', dur: 0.06, from: [300, 1700, 2000], to: [480, 1050, 2400], amp: [0.4, 1], pitch: [0.95, 1] },
    { kind: 'voiced', dur: 0.28, from: [500, 900, 2450], to: [380, 780, 2350], amp: [1, 0.2], pitch: [1, 0.85] },
  ],
};

interface Speaker {
  f0: number;
  formantScale: number;
  tempo: number;
  level: number;
  noiseLevel: number;
  humHz: number;
  humLevel: number;
}

function drawSpeaker(rng: Rng): Speaker {
  return {
    f0: rng.uniform(95, 230),
    formantScale: rng.uniform(0.88, 1.15),
    tempo: rng.uniform(0.85, 1.2),
    level: rng.uniform(2500, 9000),
    noiseLevel: rng.uniform(40, 250),
    humHz: rng.next() < 0.5 ? 50 : 60,
    humLevel: rng.uniform(0, 150),
  };
}

/** One utterance of `word` by `speaker`, with this utterance's own jitter. */
function synthesize(word: Exclude<Word, 'noise'>, speaker: Speaker, hz: number, rng: Rng): Float32Array {
  const tempo = speaker.tempo * rng.uniform(0.93, 1.07);
  const level = speaker.level * rng.uniform(0.75, 1.25);
  const f0 = speaker.f0 * rng.uniform(0.94, 1.06);
  const fs = speaker.formantScale * rng.uniform(0.98, 1.02);
  const segments = KEYWORDS[word];
  const total = Math.round(segments.reduce((s, seg) => s + seg.dur / tempo, 0) * hz);
  const out = new Float32Array(total);
  const theta = [0, 0, 0];
  const weights = [1, 0.55, 0.3];
  let glottal = 0;
  let noiseLp = 0;
  let i = 0;
  for (const seg of segments) {
    const n = Math.round((seg.dur / tempo) * hz);
    const bandLp = seg.band ? Math.exp((-2 * Math.PI * seg.band[1]) / hz) : 0;
    for (let k = 0; k < n && i < total; k++, i++) {
      const u = n > 1 ? k / (n - 1) : 0;
      const amp = seg.amp[0] + (seg.amp[1] - seg.amp[0]) * u;
      let v = 0;
      if (seg.kind === 'voiced' && seg.from && seg.to) {
        const p = seg.pitch ? seg.pitch[0] + (seg.pitch[1] - seg.pitch[0]) * u : 1;
        glottal += (2 * Math.PI * f0 * p) / hz;
        // A sharp periodic pulse at f0 modulating each formant carrier: harmonics cluster
        // around the formants, which is what makes vowels sound (and look) like vowels.
        const pulse = Math.pow(0.5 + 0.5 * Math.cos(glottal), 6);
        for (let f = 0; f < 3; f++) {
          const freq = (seg.from[f]! + (seg.to[f]! - seg.from[f]!) * u) * fs;
          theta[f]! += (2 * Math.PI * freq) / hz;
          v += weights[f]! * Math.sin(theta[f]!);
        }
        v *= 0.3 + pulse;
      } else if (seg.band) {
        // Band-limited noise: low-passed noise shifted up to the band centre.
        noiseLp = bandLp * noiseLp + (1 - bandLp) * rng.normal(0, 3);
        theta[0]! += (2 * Math.PI * seg.band[0] * fs) / hz;
        v = noiseLp * Math.sin(theta[0]!);
      }
      out[i] = v * amp * level;
    }
  }
  // 8 ms fades so the utterance has no clicks at its edges.
  const fade = Math.min(Math.round(0.008 * hz), Math.floor(total / 2));
  for (let k = 0; k < fade; k++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * k) / fade);
    out[k]! *= g;
    out[total - 1 - k]! *= g;
  }
  return out;
}

/** Endless microphone stream (int16-range floats): room noise, plus the keyword once per period. */
export function createMicrophoneStream(options: MicrophoneOptions): SignalStream {
  const { word, seed } = options;
  if (!WORDS.includes(word)) throw new Error(`Unknown word "${String(word)}"; use ${WORDS.join(', ')}`);
  const hz = options.frequencyHz ?? MICROPHONE_HZ;
  const period = Math.max(1, Math.round(((options.periodMs ?? 1000) * hz) / 1000));
  const rng = createRng(seed);
  const speaker = drawSpeaker(rng);
  let t = 0; // readings since start
  let rumble = 0;
  let humPhase = rng.uniform(0, 2 * Math.PI);
  let utterance: Float32Array | undefined;
  let onset = 0;
  let gust = 1;

  const startPeriod = (): void => {
    gust = rng.uniform(0.7, 1.4);
    if (word === 'noise') return;
    utterance = synthesize(word, speaker, hz, rng);
    const slack = Math.max(0, period - utterance.length);
    // Onset jitter: the word lands anywhere in the middle 80 % of the free room.
    onset = Math.round(slack * rng.uniform(0.1, 0.9));
  };

  return {
    sensors: MICROPHONE_SENSORS.map((s) => ({ ...s })),
    frequencyHz: hz,
    next(readings: number): Float32Array {
      const out = new Float32Array(readings);
      for (let i = 0; i < readings; i++, t++) {
        const inPeriod = t % period;
        if (inPeriod === 0) startPeriod();
        rumble = 0.98 * rumble + rng.normal(0, 1) * 0.2;
        humPhase += (2 * Math.PI * speaker.humHz) / hz;
        let v =
          speaker.noiseLevel * gust * (0.6 * rng.normal(0, 1) + 1.2 * rumble) +
          speaker.humLevel * (Math.sin(humPhase) + 0.3 * Math.sin(3 * humPhase));
        if (utterance) {
          const k = inPeriod - onset;
          if (k >= 0 && k < utterance.length) v += utterance[k]!;
        }
        out[i] = Math.max(-32768, Math.min(32767, Math.round(v))) + 0; // + 0 turns -0 into 0, as int16 would
      }
      return out;
    },
  };
}

/** `lengthMs` of audio with one utterance of `word` (or just noise), int16-range floats. */
export function generateAudio(options: Omit<MicrophoneOptions, 'periodMs'> & { lengthMs: number }): Float32Array {
  const hz = options.frequencyHz ?? MICROPHONE_HZ;
  const n = Math.round((options.lengthMs * hz) / 1000);
  return createMicrophoneStream({ ...options, periodMs: options.lengthMs }).next(n);
}
