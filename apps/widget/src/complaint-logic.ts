import type { ComplaintWidgetFiling, ComplaintWidgetTexts, Locale } from '@vafa/contracts';

/** What the visitor typed in the widget's complaint form. */
export interface ComplaintValues {
  category: string;
  description: string;
  phone: string;
  email: string;
  name: string;
  /** the honeypot, hidden from people */
  website: string;
}

export type ComplaintField = 'category' | 'description' | 'phone' | 'email' | 'name';

/**
 * The checks made before sending, each with its words: a description, and a phone or an e-mail
 * (the tracking page asks for one). The server checks again and more (a phone's shape, an e-mail's).
 */
export function checkComplaint(values: ComplaintValues, texts: Pick<ComplaintWidgetTexts, 'required' | 'contactRequired'>): Partial<Record<ComplaintField, string>> {
  const errors: Partial<Record<ComplaintField, string>> = {};
  if (!values.description.trim()) errors.description = texts.required;
  if (!values.phone.trim() && !values.email.trim()) errors.phone = texts.contactRequired;
  return errors;
}

/** The body to post: trimmed, empty fields left out. */
export function complaintBody(values: ComplaintValues, language: Locale, proof?: string): ComplaintWidgetFiling {
  const body: Record<string, string> = { language, description: values.description.trim() };
  for (const key of ['category', 'phone', 'email', 'name', 'website'] as const) {
    const value = values[key].trim();
    if (value) body[key] = value;
  }
  if (proof) body.proof = proof;
  return body as unknown as ComplaintWidgetFiling;
}

/** A problem's field errors (`phone`, `email`, …) on the form's fields; any other goes to the form as a whole. */
export function problemFields(problem: unknown): { fields: Partial<Record<ComplaintField, string>>; general?: string } {
  const body = (problem ?? {}) as { detail?: unknown; errors?: { field?: unknown; message?: unknown }[] };
  const fields: Partial<Record<ComplaintField, string>> = {};
  let general: string | undefined;
  for (const error of Array.isArray(body.errors) ? body.errors : []) {
    // Schema errors name `body.phone`; the phone's own check names the case's `contactPhone`.
    const named = String(error.field ?? '').replace(/^body\./, '').split('.')[0]!;
    const field = (named === 'contactPhone' ? 'phone' : named === 'contactEmail' ? 'email' : named) as ComplaintField;
    const message = typeof error.message === 'string' ? error.message : undefined;
    if (!message) continue;
    if (['category', 'description', 'phone', 'email', 'name'].includes(field)) fields[field] ??= message;
    else general ??= message;
  }
  if (Object.keys(fields).length === 0 && !general && typeof body.detail === 'string') general = body.detail;
  return general === undefined ? { fields } : { fields, general };
}
