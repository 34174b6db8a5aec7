// Small helpers of the loyalty screens: a change of points with its sign in the reader's digits,
// a name in the reader's language, and the Idempotency-Key of a change a person means.
import { formatNumber, type DisplayPrefs, type Language } from '../../lib/format.ts';

/** "+۱۲۰" / "−۵۰": the sign stays before the number in every direction (the caller wraps it in <bdi>). */
export function signedPoints(points: number, prefs: Pick<DisplayPrefs, 'language' | 'calendar' | 'digits'>): string {
  if (points === 0) return formatNumber(0, prefs);
  return `${points > 0 ? '+' : '\u2212'}${formatNumber(Math.abs(points), prefs)}`;
}

/** The name in the reader's language, else the first one given (fa, ar, en). */
export function localName(name: { fa?: string; ar?: string; en?: string }, language: Language): string {
  return name[language] ?? name.fa ?? name.ar ?? name.en ?? '';
}

type LocalNames = { fa?: string; ar?: string; en?: string };

/**
 * The names a partner's history line says ("Free ticket at Azadi Cinema"): each in the reader's
 * language, else the first given, set apart by Unicode isolates (FSI…PDI) so a Latin name keeps
 * its order inside a Persian or Arabic sentence, as <bdi> would. No offer for an earn there.
 */
export function partnerLineNames(link: { partnerName: LocalNames; offerName: LocalNames | null }, language: Language): { partner: string; offer: string | null } {
  const isolate = (text: string) => `\u2068${text}\u2069`;
  return { partner: isolate(localName(link.partnerName, language)), offer: link.offerName ? isolate(localName(link.offerName, language)) : null };
}

export function newIdempotencyKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
