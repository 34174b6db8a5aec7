import { describe, expect, it } from 'vitest';
import { checkComplaint, complaintBody, problemFields, type ComplaintValues } from '../src/complaint-logic.ts';

// The widget's complaint form: what it checks before sending, what it sends, and where the
// server's refusals go on the form (the DOM itself is exercised in e2e/complaint-widget.e2e.ts).

const texts = { required: 'این بخش را پر کنید.', contactRequired: 'تلفن یا ایمیل لازم است.' };
const values = (over: Partial<ComplaintValues> = {}): ComplaintValues => ({ category: '', description: '', phone: '', email: '', name: '', website: '', ...over });

describe('complaint form checks', () => {
  it('asks for a description and for a phone or an e-mail, in the given words', () => {
    expect(checkComplaint(values(), texts)).toEqual({ description: texts.required, phone: texts.contactRequired });
    expect(checkComplaint(values({ description: '   ', email: 'a@b.example' }), texts)).toEqual({ description: texts.required });
    expect(checkComplaint(values({ description: 'دیر رسید', phone: '۰۹۱۲۱۲۳۴۵۶۷' }), texts)).toEqual({});
    expect(checkComplaint(values({ description: 'late', email: 'a@b.example' }), texts)).toEqual({});
  });
});

describe('complaint body', () => {
  it('trims, leaves out empty fields, and keeps the honeypot and a proof when there are', () => {
    expect(complaintBody(values({ description: '  دیر رسید \n', phone: ' ۰۹۱۲۱۲۳۴۵۶۷ ', name: '  ' }), 'fa')).toEqual({ language: 'fa', description: 'دیر رسید', phone: '۰۹۱۲۱۲۳۴۵۶۷' });
    expect(complaintBody(values({ description: 'x', email: 'a@b.example', category: 'ارسال', name: 'Sara', website: 'spam' }), 'en', 'c:12')).toEqual({
      language: 'en', description: 'x', email: 'a@b.example', category: 'ارسال', name: 'Sara', website: 'spam', proof: 'c:12',
    });
  });
});

describe("the server's refusals on the form", () => {
  it('puts field errors on their fields (with or without the body. prefix) and the rest on the form', () => {
    expect(problemFields({ detail: 'ورودی نادرست است.', errors: [{ field: 'body.phone', message: 'شماره‌ی تلفن درست نیست.' }, { field: 'email', message: 'ایمیل درست نیست.' }] }))
      .toEqual({ fields: { phone: 'شماره‌ی تلفن درست نیست.', email: 'ایمیل درست نیست.' } });
    expect(problemFields({ errors: [{ field: 'contactPhone', message: 'شماره‌ی تلفن درست نیست.' }] })).toEqual({ fields: { phone: 'شماره‌ی تلفن درست نیست.' } });
    expect(problemFields({ detail: 'ورودی نادرست است.', errors: [{ field: 'body', message: 'کلید ناشناخته' }] })).toEqual({ fields: {}, general: 'کلید ناشناخته' });
    expect(problemFields({ detail: 'ابزارک در دسترس نیست.' })).toEqual({ fields: {}, general: 'ابزارک در دسترس نیست.' });
    expect(problemFields(undefined)).toEqual({ fields: {} });
  });
});
