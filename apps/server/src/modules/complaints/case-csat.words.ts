import type { TemplateContent } from '@vafa/contracts';

// The post-closure satisfaction question as a notice, for a complainant without a customer record
// (case-csat-contact.ts): the engagement template it is written with, made on first use like the
// other notices' (case-notices.ts). Its link opens the tracking page, where the question is asked.

export const DEFAULT_CSAT_TEMPLATE: { name: string; content: TemplateContent } = {
  name: 'Complaint satisfaction question · پرسش رضایت از رسیدگی · سؤال الرضا عن المعالجة',
  content: {
    fa: {
      subject: 'از رسیدگی به شکایتتان راضی بودید؟ (کد پیگیری {trackingCode})',
      text: '{name}،\n\nپرونده شکایت شما بسته شد. از نحوهٔ رسیدگی به شکایتتان چقدر راضی هستید؟ پاسخ خود را اینجا بدهید: {trackingLink}\n\nاگر راضی نیستید، پرونده دوباره باز می‌شود.\n\n{workspaceName}',
      sms: '{workspaceName}: از رسیدگی به شکایت {trackingCode} چقدر راضی هستید؟ پاسخ دهید: {trackingLink}',
    },
    ar: {
      subject: 'هل رضيت عن معالجة شكواك؟ (رمز المتابعة {trackingCode})',
      text: '{name}،\n\nأُغلقت شكواك. ما مدى رضاك عن طريقة معالجتها؟ أخبرنا من هنا: {trackingLink}\n\nإن لم تكن راضيًا، نعيد فتح الشكوى.\n\n{workspaceName}',
      sms: '{workspaceName}: ما مدى رضاك عن معالجة شكواك {trackingCode}؟ أجب هنا: {trackingLink}',
    },
    en: {
      subject: 'Were you satisfied with how we handled your complaint? (tracking code {trackingCode})',
      text: 'Dear {name},\n\nYour complaint is closed. How satisfied are you with how we handled it? Tell us here: {trackingLink}\n\nIf you are not satisfied, we reopen the complaint.\n\n{workspaceName}',
      sms: '{workspaceName}: how satisfied are you with how we handled your complaint {trackingCode}? Answer here: {trackingLink}',
    },
  },
};
