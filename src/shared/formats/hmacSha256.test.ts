import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256, Sha256, toHex } from './hmacSha256.js';
import { seededBytes } from './testKit.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SHA-256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(toHex(sha256(text('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto for every length around block boundaries, fed in pieces', () => {
    for (let n = 0; n < 200; n++) {
      const data = seededBytes(n, n);
      const expected = createHash('sha256').update(data).digest('hex');
      expect(toHex(sha256(data))).toBe(expected);
      const h = new Sha256();
      for (let i = 0; i < n; i += 7) h.update(data.subarray(i, i + 7));
      expect(toHex(h.digest())).toBe(expected);
    }
  });
});

describe('HMAC-SHA256', () => {
  // RFC 4231 test cases 1, 2, 3, 4, 6, 7
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    ['1', hex('0b'.repeat(20)), text('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['2', text('Jefe'), text('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['3', hex('aa'.repeat(20)), hex('dd'.repeat(50)), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['4', hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), hex('cd'.repeat(50)), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [
      '6',
      hex('aa'.repeat(131)),
      text('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      '7',
      hex('aa'.repeat(131)),
      text(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  it.each(cases)('matches RFC 4231 test case %s', (_, key, data, mac) => {
    expect(toHex(hmacSha256(key, data))).toBe(mac);
  });

  it('agrees with node:crypto for string keys and split messages', () => {
    for (let n = 0; n < 50; n++) {
      const key = `key-${n}-${'x'.repeat(n * 3)}`;
      const data = seededBytes(1000 + n, n * 13);
      const expected = createHmac('sha256', key).update(data).digest('hex');
      expect(toHex(hmacSha256(key, data))).toBe(expected);
      expect(toHex(hmacSha256(key, data.subarray(0, n), data.subarray(n)))).toBe(expected);
    }
  });
});
