import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ces, csat, csatDifference, isBottomTwo, isTopTwo, npsCategory, npsDifference, npsFromCounts, npsFromScores, proportion, responseRate,
  scaleStats, servqualFromSums, servqualSums, addServqualSums, cesAgrees, cesDisagrees, meanEstimate, negativeSignal, scaleMeanDifference,
} from './index.ts';

const round1 = (x: number) => Math.round(x * 10) / 10;

describe('NPS', () => {
  it('reproduces the worked example: n=200, 100 promoters, 40 detractors → 30, adjusted-Wald 29.6 ± 10.7', () => {
    const r = npsFromCounts({ promoters: 100, passives: 60, detractors: 40 });
    expect(r.n).toBe(200);
    expect(r.score!.value).toBe(30);
    expect(round1(r.score!.centre)).toBe(29.6);
    expect(round1(r.score!.margin)).toBe(10.7);
    expect(round1(r.score!.low)).toBe(18.8);
    expect(round1(r.score!.high)).toBe(40.3);
  });

  it('is %promoters − %detractors by hand: 3 promoters, 2 passives, 5 detractors of 10 → −20', () => {
    const r = npsFromScores([10, 9, 9, 8, 7, 6, 0, 3, 5, 6]);
    expect(r).toMatchObject({ n: 10, promoters: 3, passives: 2, detractors: 5, skipped: 0 });
    expect(r.score!.value).toBe(-20);
    // n′ = 13, p′P = 3.75/13, p′D = 5.75/13, centre = −2/13, Var′ = 9.5/13 − (2/13)²
    const v = 9.5 / 13 - (2 / 13) ** 2;
    expect(r.score!.centre).toBeCloseTo((-100 * 2) / 13, 10);
    expect(r.score!.margin).toBeCloseTo(100 * 1.959963984540054 * Math.sqrt(v / 13), 10);
  });

  it('counts skips apart, never in n', () => {
    const r = npsFromScores([10, 'skipped', 0, 'skipped']);
    expect(r).toMatchObject({ n: 2, skipped: 2 });
    expect(r.score!.value).toBe(0);
  });

  it('has no score for n = 0, even with skips', () => {
    expect(npsFromScores([]).score).toBeNull();
    expect(npsFromScores(['skipped', 'skipped'])).toMatchObject({ n: 0, skipped: 2, score: null });
  });

  it('is 0 for all passives and −100 for all detractors, the interval inside the range', () => {
    const passives = npsFromScores([7, 8, 7, 8, 7]);
    expect(passives.score!.value).toBe(0);
    expect(passives.score!.margin).toBeGreaterThan(0);
    const detractors = npsFromScores(Array(50).fill(3));
    expect(detractors.score!.value).toBe(-100);
    expect(detractors.score!.low).toBe(-100);
    expect(detractors.score!.high).toBeLessThan(-80);
  });

  it('refuses anything but an integer 0–10', () => {
    for (const bad of [-1, 11, 7.5, Number.NaN, Infinity]) expect(() => npsCategory(bad)).toThrow(RangeError);
    expect(() => npsFromScores([9, 6.5])).toThrow(RangeError);
    expect(() => npsFromCounts({ promoters: -1, passives: 0, detractors: 0 })).toThrow(RangeError);
    expect(npsCategory(9)).toBe('promoter');
    expect(npsCategory(8)).toBe('passive');
    expect(npsCategory(6)).toBe('detractor');
  });

  it('is not "count 7–10 minus 0–6": 30/40/30 is 0, the miscount would say +40', () => {
    const scores = [...Array(30).fill(10), ...Array(40).fill(8), ...Array(30).fill(2)];
    expect(npsFromScores(scores).score!.value).toBe(0);
    const miscount = (100 * (scores.filter((s) => s >= 7).length - scores.filter((s) => s <= 6).length)) / scores.length;
    expect(miscount).toBe(40);
  });

  const scores = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 400 });

  it('stays within −100..100 (property)', () => {
    fc.assert(fc.property(scores, (s) => {
      const r = npsFromScores(s);
      if (s.length === 0) return r.score === null;
      return r.score!.value >= -100 && r.score!.value <= 100 && r.score!.low >= -100 && r.score!.high <= 100 && r.score!.low <= r.score!.high;
    }));
  });

  it('does not depend on the order of responses (property)', () => {
    fc.assert(fc.property(scores.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }))), ([a, b]) => {
      expect(npsFromScores(b)).toEqual(npsFromScores(a));
    }));
  });

  it('narrows as n grows with the same shares (property)', () => {
    const shares = fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 20 }), fc.nat({ max: 20 })).filter(([p, q, d]) => p + q + d > 0);
    fc.assert(fc.property(shares, fc.integer({ min: 2, max: 50 }), ([p, q, d], k) => {
      const small = npsFromCounts({ promoters: p, passives: q, detractors: d });
      const large = npsFromCounts({ promoters: k * p, passives: k * q, detractors: k * d });
      expect(large.score!.value).toBeCloseTo(small.score!.value, 9);
      expect(large.score!.margin).toBeLessThan(small.score!.margin);
    }));
  });
});

describe('NPS difference', () => {
  it('says a 20-point rise on 400 answers each is significant and a 3-point one is not', () => {
    const before = { promoters: 160, passives: 120, detractors: 120 }; // +10
    const after = { promoters: 200, passives: 120, detractors: 80 }; // +30
    const d = npsDifference(before, after)!;
    expect(d.value).toBeCloseTo(20, 9);
    expect(d.significant).toBe(true);
    expect(d.direction).toBe('up');
    const small = npsDifference(before, { promoters: 166, passives: 120, detractors: 114 })!;
    expect(small.value).toBeCloseTo(3, 9);
    expect(small.significant).toBe(false);
    expect(small.direction).toBe('none');
    expect(small.low).toBeLessThan(0);
    expect(small.high).toBeGreaterThan(0);
  });

  it('uses the sum of the two adjusted-Wald variances', () => {
    const a = { promoters: 100, passives: 60, detractors: 40 };
    const d = npsDifference(a, a)!;
    // each side's margin is 10.7, so the difference's is 10.7·√2
    expect(d.centre).toBeCloseTo(0, 12);
    expect(round1(d.margin)).toBe(round1(npsFromCounts(a).score!.margin * Math.SQRT2));
  });

  it('is null when a side has no answers', () => {
    expect(npsDifference({ promoters: 0, passives: 0, detractors: 0, skipped: 3 }, { promoters: 1, passives: 0, detractors: 0 })).toBeNull();
  });

  it('flips sign when the sides swap (property)', () => {
    const c = fc.record({ promoters: fc.nat({ max: 300 }), passives: fc.nat({ max: 300 }), detractors: fc.nat({ max: 300 }) }).filter((x) => x.promoters + x.passives + x.detractors > 0);
    fc.assert(fc.property(c, c, (a, b) => {
      const ab = npsDifference(a, b)!;
      const ba = npsDifference(b, a)!;
      expect(ab.centre).toBeCloseTo(-ba.centre, 9);
      expect(ab.significant).toBe(ba.significant);
    }));
  });
});

describe('CSAT', () => {
  it('is the top two boxes of the question\'s own scale', () => {
    expect(isTopTwo(4, 1, 5) && isTopTwo(5, 1, 5) && !isTopTwo(3, 1, 5)).toBe(true);
    expect(isTopTwo(6, 1, 7) && !isTopTwo(5, 1, 7)).toBe(true);
    expect(isTopTwo(2, 1, 2) && !isTopTwo(1, 1, 2)).toBe(true);
    expect(isBottomTwo(2, 1, 10) && !isBottomTwo(3, 1, 10)).toBe(true);
    const s = scaleStats([5, 4, 3, 1, 'skipped'], 1, 5, (v) => isTopTwo(v, 1, 5));
    const r = csat(s, 5);
    expect(r).toMatchObject({ n: 4, skipped: 1 });
    expect(r.score!.value).toBe(50);
    expect(r.mean!.value).toBe(13 / 4);
  });

  it('on a 1–7 scale counts 6 and 7 only', () => {
    const s = scaleStats([7, 6, 5, 5], 1, 7, (v) => isTopTwo(v, 1, 7));
    expect(csat(s, 7).score!.value).toBe(50);
  });

  it('refuses a score outside the scale or not an integer', () => {
    expect(() => scaleStats([6], 1, 5, () => true)).toThrow(RangeError);
    expect(() => scaleStats([2.5], 1, 5, () => true)).toThrow(RangeError);
    expect(() => isTopTwo(0, 1, 5)).toThrow(RangeError);
  });

  it('has no score for n = 0', () => {
    expect(csat({ n: 0, sum: 0, sumSq: 0, top: 0 }, 5)).toMatchObject({ n: 0, score: null, mean: null });
  });

  it('says whether a change in CSAT % is significant', () => {
    expect(csatDifference({ n: 200, sum: 0, sumSq: 0, top: 100 }, { n: 200, sum: 0, sumSq: 0, top: 140 })!.significant).toBe(true);
    expect(csatDifference({ n: 20, sum: 0, sumSq: 0, top: 10 }, { n: 20, sum: 0, sumSq: 0, top: 12 })!.significant).toBe(false);
  });
});

describe('CES 2.0', () => {
  it('is the mean agreement and the share agreeing (5–7)', () => {
    const s = scaleStats([7, 5, 4, 2, 'skipped'], 1, 7, cesAgrees);
    const r = ces(s);
    expect(r.score!.value).toBe(4.5);
    expect(r.agree!.value).toBe(50);
    expect(r.skipped).toBe(1);
    expect(() => cesAgrees(8)).toThrow(RangeError);
  });

  it('splits the scale into disagree (1–3), neutral (4) and agree (5–7)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(cesDisagrees)).toEqual([true, true, true, false, false, false, false]);
    expect([1, 2, 3, 4, 5, 6, 7].map(cesAgrees)).toEqual([false, false, false, false, true, true, true]);
    expect(() => cesDisagrees(0)).toThrow(RangeError);
  });
});

describe('negative signal (follow up at once)', () => {
  const q = (type: 'nps' | 'csat' | 'ces' | 'enps') => ({ id: 'q', type, title: {}, required: false }) as unknown as Parameters<typeof negativeSignal>[0];
  it('is an NPS detractor, a CSAT in the bottom two, a CES disagreeing; never eNPS', () => {
    expect([0, 6, 7, 10].map((s) => negativeSignal(q('nps'), s))).toEqual(['nps', 'nps', undefined, undefined]);
    expect([1, 2, 3].map((s) => negativeSignal(q('csat'), s))).toEqual(['csat', 'csat', undefined]);
    // on its own scale: of 2 points only the lower one is negative; of 10, 1 and 2
    const csatOf = (points: number) => ({ ...q('csat'), points }) as Parameters<typeof negativeSignal>[0];
    expect([1, 2].map((s) => negativeSignal(csatOf(2), s))).toEqual(['csat', undefined]);
    expect([2, 3, 10].map((s) => negativeSignal(csatOf(10), s))).toEqual(['csat', undefined, undefined]);
    expect([3, 4].map((s) => negativeSignal(q('ces'), s))).toEqual(['ces', undefined]);
    expect(negativeSignal(q('enps'), 0)).toBeUndefined();
  });

  it('mean interval: known spread, and one answer has none', () => {
    // 2, 4, 6: mean 4, sample sd 2, margin z·2/√3
    const m = meanEstimate({ n: 3, sum: 12, sumSq: 56 }, 1, 7)!;
    expect(m.value).toBe(4);
    expect(m.margin).toBeCloseTo((1.959963984540054 * 2) / Math.sqrt(3), 10);
    expect(meanEstimate({ n: 1, sum: 5, sumSq: 25 }, 1, 7)!.margin).toBe(0);
    expect(scaleMeanDifference({ n: 100, sum: 400, sumSq: 1700 }, { n: 100, sum: 500, sumSq: 2600 })!.significant).toBe(true);
  });
});

describe('eNPS', () => {
  it('uses the same buckets and formula as NPS', () => {
    expect(npsFromScores([10, 10, 8, 6]).score!.value).toBe(25);
  });
});

describe('SERVQUAL zone of tolerance', () => {
  it('computes MSA = P − A and MSS = P − D with below/within/above shares', () => {
    const s = servqualSums([
      { desired: 8, adequate: 5, perceived: 4 }, // below
      { desired: 8, adequate: 5, perceived: 6 }, // within
      { desired: 7, adequate: 5, perceived: 7 }, // within (P = D)
      { desired: 7, adequate: 4, perceived: 9 }, // above
      'skipped',
    ]);
    const r = servqualFromSums(s);
    expect(r.n).toBe(4);
    expect(r.skipped).toBe(1);
    expect(r.perceived).toBe(6.5);
    expect(r.msa).toBeCloseTo(6.5 - 4.75, 12);
    expect(r.mss).toBeCloseTo(6.5 - 7.5, 12);
    expect(r.zone).toBe('within');
    expect(r.shares).toEqual({ below: 25, within: 50, above: 25 });
  });

  it('pools a dimension\'s items by answers', () => {
    const a = servqualSums([{ desired: 9, adequate: 6, perceived: 5 }]);
    const b = servqualSums([{ desired: 9, adequate: 6, perceived: 7 }, { desired: 9, adequate: 6, perceived: 7 }, { desired: 9, adequate: 6, perceived: 7 }]);
    const d = servqualFromSums(addServqualSums([a, b]));
    expect(d.n).toBe(4);
    expect(d.msa).toBeCloseTo(0.5, 12);
    expect(d.shares!.below).toBe(25);
  });

  it('refuses scores outside 1–9 and has nothing for n = 0', () => {
    expect(() => servqualSums([{ desired: 10, adequate: 5, perceived: 5 }])).toThrow(RangeError);
    expect(servqualFromSums({ n: 0, desiredSum: 0, adequateSum: 0, perceivedSum: 0, below: 0, within: 0, above: 0 }).msa).toBeNull();
  });
});

describe('response rate', () => {
  it('is responded over sent, null with nothing sent', () => {
    expect(responseRate(200, 50)).toEqual({ sent: 200, responded: 50, rate: 25 });
    expect(responseRate(0, 0).rate).toBeNull();
    expect(() => responseRate(-1, 0)).toThrow(RangeError);
  });

  it('proportion interval stays in 0–100', () => {
    const p = proportion(0, 10)!;
    expect(p.value).toBe(0);
    expect(p.low).toBe(0);
    expect(p.high).toBeGreaterThan(0);
  });
});
