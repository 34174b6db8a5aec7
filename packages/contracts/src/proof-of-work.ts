/**
 * The proof of work the server asks for when traffic on a survey or on public complaint filing
 * looks automated (modules/surveys/response-abuse.ts, modules/complaints/public-filing-guard.ts),
 * solved by the widget and by the web app's public complaint page alike: find n such that
 * SHA-256(challenge + ':' + n) starts with `bits` zero bits. SHA-256 in plain JS, as the response
 * page's script does (survey.js is served as written, so it keeps its own copy), because
 * crypto.subtle needs a secure context a self-hosted instance's customers may not have.
 */
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const W = new Int32Array(64);
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** The first 32 bits of SHA-256 of an ASCII string (challenges and counters are ASCII). */
export function firstWord(text: string): number {
  const n = text.length;
  const words = ((n + 9 + 63) >> 6) << 4;
  const m = new Int32Array(words);
  for (let i = 0; i < n; i++) m[i >> 2]! |= text.charCodeAt(i) << (24 - (i & 3) * 8);
  m[n >> 2]! |= 0x80 << (24 - (n & 3) * 8);
  m[words - 1] = n * 8;
  const hash = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  for (let off = 0; off < words; off += 16) {
    let [a, b, c, d, e, f, g, h] = hash as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      if (t < 16) W[t] = m[off + t]!;
      else {
        const x = W[t - 15]!;
        const y = W[t - 2]!;
        W[t] = (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + W[t - 7]! + (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10)) + W[t - 16]!;
      }
      const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    const next = [a, b, c, d, e, f, g, h];
    for (let i = 0; i < 8; i++) hash[i] = (hash[i]! + next[i]!) | 0;
  }
  return hash[0]! >>> 0;
}

/** Finds the proof in batches, yielding to the page between them so it stays responsive. */
export function solveChallenge(challenge: string, bits: number): Promise<string> {
  const limit = bits >= 32 ? 0 : 2 ** (32 - bits);
  let n = 0;
  return new Promise((resolve) => {
    const batch = () => {
      for (const end = n + 20000; n < end; n++) if (firstWord(`${challenge}:${n}`) < limit) return resolve(`${challenge}:${n}`);
      setTimeout(batch, 0);
    };
    batch();
  });
}
