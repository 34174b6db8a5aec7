import { describe, expect, it } from 'vitest';
import type { TemplateContent } from '@vafa/contracts';
import { pickLanguage, renderMessage, templateErrors, templateVariables, type RenderCustomer, type RenderWorkspace } from './template.render.ts';

const workspace: RenderWorkspace = { name: 'Shop & Co', timeZone: 'Asia/Tehran', calendar: 'persian', irrDisplay: 'toman' };
const customer = (over: Partial<RenderCustomer> = {}): RenderCustomer => ({ name: 'Sara', birthday: null, attributes: {}, timeZone: null, ...over });
const now = new Date('2026-11-23T08:00:00Z');

describe('template validation', () => {
  it('names the language, part and variable of every error', () => {
    const errors = templateErrors({ fa: { text: 'سلام {nmae}' }, en: { text: 'Hi {name', sms: 'ok {points, number}' } });
    expect(errors).toEqual([
      { field: 'content.fa.text', code: 'unknown_variable', message: 'unknown variable {nmae} in the fa text' },
      expect.objectContaining({ field: 'content.en.text', code: 'invalid_icu' }),
      expect.objectContaining({ field: 'content.en.sms', code: 'unsupported_format' }),
    ]);
  });
});

describe('rendering', () => {
  it("uses the customer's language, else the workspace default, else any", () => {
    const content: TemplateContent = { fa: { text: 'x' }, en: { text: 'y' } };
    expect(pickLanguage(content, 'en', 'fa')).toBe('en');
    expect(pickLanguage(content, 'ar', 'fa')).toBe('fa');
    expect(pickLanguage({ ar: { text: 'z' } }, 'en', 'fa')).toBe('ar');
  });

  it('isolates Latin values in a Persian SMS with FSI/PDI, and escapes and isolates them in HTML', () => {
    const content: TemplateContent = { fa: { text: 'سلام {name}، سفارش {orderNumber} ارسال شد.', sms: 'سفارش {orderNumber} برای {name}' } };
    const values = templateVariables('fa', customer({ name: 'John <b>Smith</b>' }), workspace, { orderExternalId: 'ORD-7', amountMinor: 1_250_000, currency: 'IRR' }, now);
    const message = renderMessage(content, 'fa', values);
    expect(message.sms).toBe('سفارش \u2068ORD-7\u2069 برای \u2068John <b>Smith</b>\u2069');
    expect(message.text).toContain('\u2068John <b>Smith</b>\u2069');
    expect(message.html).toContain('<bdi>John &lt;b&gt;Smith&lt;/b&gt;</bdi>');
    expect(message.html).toContain('<bdi>ORD-7</bdi>');
    expect(message.html).not.toContain('<b>');
    expect(message.html).toMatch(/<html lang="fa" dir="rtl">/);
    expect(message.html).toMatch(/<body lang="fa" dir="rtl">/);
    expect(message.subject).toBe('Shop & Co');
    expect(message.html).toContain('<title>Shop &amp; Co</title>');
  });

  it('leaves Persian values and English messages without isolation marks', () => {
    const values = templateVariables('fa', customer({ name: 'سارا' }), workspace, null, now);
    expect(renderMessage({ fa: { text: 'سلام {name}' } }, 'fa', values).sms).toBe('سلام سارا');
    const en = templateVariables('en', customer({ name: 'Sara' }), workspace, null, now);
    expect(renderMessage({ en: { text: 'Hi {name}' } }, 'en', en).sms).toBe('Hi Sara');
  });

  it('never sends "Dear {name}" with an empty name', () => {
    for (const name of [null, '', '   ']) {
      const en = renderMessage({ en: { text: 'Dear {name}, thank you.' } }, 'en', templateVariables('en', customer({ name }), workspace, null, now));
      expect(en.text).toBe('Dear valued customer, thank you.');
      const fa = renderMessage({ fa: { text: 'سلام {name}،' } }, 'fa', templateVariables('fa', customer({ name }), workspace, null, now));
      expect(fa.text).toBe('سلام مشتری گرامی،');
    }
    const select = { en: { text: '{hasName, select, yes {Dear {name},} other {Hello,}} welcome.' } };
    expect(renderMessage(select, 'en', templateVariables('en', customer({ name: null }), workspace, null, now)).text).toBe('Hello, welcome.');
    expect(renderMessage(select, 'en', templateVariables('en', customer(), workspace, null, now)).text).toBe('Dear Sara, welcome.');
  });

  it("formats dates in the customer's calendar and digits, and money in tomans or the order currency", () => {
    const event = { orderExternalId: 'A1', amountMinor: 1_250_000, currency: 'IRR', placedAt: '2026-11-20T10:00:00Z' };
    const fa = templateVariables('fa', customer({ birthday: '1990-03-20' }), workspace, event, now);
    expect(fa.today).toBe('۲ آذر ۱۴۰۵');
    expect(fa.orderDate).toBe('۲۹ آبان ۱۴۰۵');
    expect(fa.orderAmount).toBe('۱۲۵٬۰۰۰ تومان');
    expect(fa.birthday).toBe('۲۹ اسفند');
    const ar = templateVariables('ar', customer(), { ...workspace, calendar: 'islamic-umalqura', timeZone: 'Asia/Riyadh' }, { ...event, amountMinor: 12_550, currency: 'SAR' }, now);
    expect(ar.today).toContain('١٤٤٨');
    expect(ar.orderAmount).toContain('١٢٥٫٥٠');
    const en = templateVariables('en', customer({ attributes: { tier: 'Gold', points: 1200 } }), workspace, event, now);
    expect(en.today).toBe('23 November 2026');
    expect(en.orderAmount).toBe('125,000 tomans');
    expect([en.tier, en.points]).toEqual(['Gold', '1,200']);
  });
});
