import { describe, expect, it } from 'vitest';
import { smsLength } from './sms-segments.ts';

describe('SMS length', () => {
  it('counts plain Latin text as GSM, 160 in one part and 153 per part beyond', () => {
    expect(smsLength('Thank you for your order')).toMatchObject({ encoding: 'gsm', units: 24, parts: 1 });
    expect(smsLength('a'.repeat(160)).parts).toBe(1);
    expect(smsLength('a'.repeat(161))).toMatchObject({ parts: 2, perPart: 153 });
  });

  it('counts GSM extension characters twice', () => {
    expect(smsLength('€5 [x]')).toMatchObject({ encoding: 'gsm', units: 9 });
  });

  it('sends Persian and Arabic as UCS-2: 70 in one part, 67 per part beyond', () => {
    expect(smsLength('سلام، سفارش شما رسید')).toMatchObject({ encoding: 'ucs2', parts: 1, perPart: 70 });
    expect(smsLength('س'.repeat(70)).parts).toBe(1);
    expect(smsLength('س'.repeat(71))).toMatchObject({ parts: 2, perPart: 67 });
    expect(smsLength('شكراً لطلبك').encoding).toBe('ucs2');
  });

  it('treats bidi isolation marks around a Latin product name as UCS-2', () => {
    expect(smsLength('\u2068Galaxy S24\u2069').encoding).toBe('ucs2');
  });

  it('an empty text needs no part', () => {
    expect(smsLength('').parts).toBe(0);
  });
});
