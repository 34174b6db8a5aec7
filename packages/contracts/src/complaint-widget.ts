import { z } from 'zod';
import { Locale } from './common.ts';
import { ComplaintReceipt, FileComplaint } from './complaints.ts';

/**
 * The embeddable widget's complaint form (issue 11). A site turns it on with `data-complaints`
 * (the workspace's slug) on the widget's script tag once the workspace has switched it on in its
 * intake settings. The widget bundle imports these types only (never zod).
 */

export const ComplaintWidgetParams = z.strictObject({ workspace: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/) });

export const ComplaintWidgetConfigQuery = z.strictObject({ lang: z.string().max(35).optional() });

/** The form's words, in the visitor's language. */
export const ComplaintWidgetTexts = z.object({
  /** the launcher button and the dialog's name */
  open: z.string(),
  title: z.string(),
  intro: z.string(),
  close: z.string(),
  category: z.string(),
  categoryNone: z.string(),
  description: z.string(),
  phone: z.string(),
  email: z.string(),
  contactHint: z.string(),
  name: z.string(),
  optional: z.string(),
  submit: z.string(),
  sending: z.string(),
  thanks: z.string(),
  codeLabel: z.string(),
  track: z.string(),
  error: z.string(),
  required: z.string(),
  contactRequired: z.string(),
});
export type ComplaintWidgetTexts = z.infer<typeof ComplaintWidgetTexts>;

export const ComplaintWidgetConfigView = z.object({
  locale: Locale,
  dir: z.enum(['rtl', 'ltr']),
  /** the workspace's complaint categories (those its SLA policies name), for the visitor to pick one */
  categories: z.array(z.string()),
  texts: ComplaintWidgetTexts,
}).meta({ id: 'ComplaintWidgetConfig' });
export type ComplaintWidgetConfigView = z.infer<typeof ComplaintWidgetConfigView>;

const fields = FileComplaint.shape;

/** A visitor's complaint from the widget: as the public form's, with the name optional and the workspace in the address. */
export const ComplaintWidgetFiling = z
  .strictObject({
    language: Locale,
    name: fields.name.optional(),
    phone: fields.phone,
    email: fields.email,
    category: fields.category,
    description: fields.description,
    /** a field people never see: a filing that fills it is answered as usual and not stored */
    website: z.string().max(500).optional(),
    /** `<challenge>:<n>` answering a 429 `filing_challenge_required` */
    proof: z.string().max(200).optional(),
  })
  .superRefine((input, ctx) => {
    if (!input.phone && !input.email) ctx.addIssue({ code: 'custom', message: 'phone_or_email_required', params: { code: 'phone_or_email_required' }, path: ['phone'] });
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null })
  .meta({ id: 'ComplaintWidgetFiling' });
export type ComplaintWidgetFiling = z.infer<typeof ComplaintWidgetFiling>;

export const ComplaintWidgetReceipt = ComplaintReceipt.extend({
  /** the tracking page, the code filled in */
  trackingUrl: z.string(),
  /** this browser's device id: keep it and send it back as X-Vafa-Device */
  device: z.string(),
}).meta({ id: 'ComplaintWidgetReceipt' });
export type ComplaintWidgetReceipt = z.infer<typeof ComplaintWidgetReceipt>;
