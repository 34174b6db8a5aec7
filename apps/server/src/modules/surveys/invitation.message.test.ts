import { SurveyDefinition } from '@vafa/contracts';
import { describe, expect, it } from 'vitest';
import { SEALED_LINK_PLACEHOLDER } from '../../platform/messaging/sealed-link.ts';
import { invitationEmail, invitationLocale, invitationSms } from './invitation.message.ts';
import { replyScore } from './sms-reply.service.ts';

const survey = (questions: unknown[], languages = ['fa', 'ar', 'en']) =>
  SurveyDefinition.parse({ name: 'S', settings: { languages, defaultLanguage: languages[0] }, questions });
const NPS = { id: 'nps', type: 'nps', title: { fa: 'چقدر ما را پیشنهاد می‌کنید؟', ar: 'هل توصي بنا؟', en: 'Would you recommend us?' } };
const input = (definition: SurveyDefinition, locale: 'fa' | 'ar' | 'en', extra = {}) =>
  ({ locale, workspaceName: 'Vafa Shop', customerName: 'Sara', survey: definition, reminder: false, smsReplies: false, ...extra });

const scores = (html: string) => [...html.matchAll(/\?score=(\d+)"/g)].map((m) => Number(m[1]));

describe('the invitation e-mail', () => {
  it('embeds an NPS first question as eleven one-click links in a right-to-left table for Persian', () => {
    const mail = invitationEmail(input(survey([NPS]), 'fa'));
    expect(scores(mail.html)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(mail.html).toMatch(/<table role="presentation" dir="rtl"[^>]*table-layout:fixed/);
    expect(mail.html).toContain('>۱۰</a>');
    expect(mail.html).toContain('اصلاً احتمال ندارد');
    // A Latin workspace name keeps its direction inside Persian text.
    expect(mail.subject).toContain('\u2068Vafa Shop\u2069');
    expect(mail.text).toContain(SEALED_LINK_PLACEHOLDER);
  });

  it('uses faces for a CSAT of faces and the question\'s own scale', () => {
    const mail = invitationEmail(input(survey([{ id: 'sat', type: 'csat', points: 3, title: { en: 'Happy?' } }], ['en']), 'en'));
    expect(scores(mail.html)).toEqual([1, 2, 3]);
    expect(mail.html).toContain('😠');
    expect(mail.html).toContain('😄');
    expect(mail.html).toContain('dir="ltr"');
  });

  it('has no scale when the first question is not a score, only the link', () => {
    const mail = invitationEmail(input(survey([{ id: 'note', type: 'text', title: { en: 'Tell us' } }], ['en']), 'en'));
    expect(scores(mail.html)).toEqual([]);
    expect(mail.html).toContain(`href="${SEALED_LINK_PLACEHOLDER}"`);
  });

  it('escapes what the author and customer wrote', () => {
    const mail = invitationEmail(input(survey([{ ...NPS, title: { en: '<b>x</b> & "y"' } }], ['en']), 'en', { customerName: '<script>' }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;');
  });
});

describe('the invitation SMS', () => {
  it('asks for a reply in the customer\'s digits when replies are on', () => {
    expect(invitationSms(input(survey([NPS]), 'fa', { smsReplies: true }))).toContain('از ۰ تا ۱۰');
    expect(invitationSms(input(survey([NPS]), 'ar', { smsReplies: true }))).toContain('من ٠ إلى ١٠');
    expect(invitationSms(input(survey([NPS]), 'en', { smsReplies: true }))).toContain('from 0 to 10');
    expect(invitationSms(input(survey([NPS]), 'en'))).not.toContain('Reply');
    expect(invitationSms(input(survey([NPS]), 'en')).endsWith(SEALED_LINK_PLACEHOLDER)).toBe(true);
  });

  it('is written in the customer\'s language when the survey has it, else the survey\'s default', () => {
    expect(invitationLocale(survey([NPS], ['ar', 'en']), 'fa')).toBe('ar');
    expect(invitationLocale(survey([NPS], ['ar', 'en']), 'en')).toBe('en');
    expect(invitationLocale(survey([NPS], ['ar', 'en']), null)).toBe('ar');
  });
});

describe('SMS replies', () => {
  it('reads a number in any digits, and nothing else', () => {
    expect(replyScore('۹')).toBe(9);
    expect(replyScore('٩')).toBe(9);
    expect(replyScore(' 10 ')).toBe(10);
    expect(replyScore('۱۰.')).toBe(10);
    expect(replyScore('9 thanks')).toBeNull();
    expect(replyScore('123')).toBeNull();
    expect(replyScore('')).toBeNull();
    expect(replyScore('nine')).toBeNull();
  });
});
