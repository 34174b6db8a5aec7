import type { WidgetQuestion } from '@vafa/contracts';

/** The points of a scored question, lowest first (laid out from the reading start: right in fa/ar). */
export function scalePoints(q: WidgetQuestion): number[] {
  const min = q.min ?? 0;
  const max = q.max ?? 10;
  const points: number[] = [];
  for (let v = min; v <= max; v++) points.push(v);
  return points;
}

export const isScale = (q: WidgetQuestion): boolean => q.min !== undefined && q.max !== undefined;

/** Faces have five moods; a scale of n points picks n of them, evenly, from saddest to happiest. */
export function moodOf(value: number, min: number, max: number): number {
  return max === min ? 2 : Math.round(((value - min) / (max - min)) * 4);
}

/** Face colours from red to green, by mood. */
export const MOOD_COLORS = ['#f28b82', '#f7b58a', '#fdd663', '#c5e1a5', '#81c995'];

/** Digits in the reader's script: Persian in fa, Arabic-Indic in ar (ar-AE would use Latin; widgets follow the page language). */
export function localDigits(n: number, locale: string): string {
  return n.toLocaleString(locale === 'fa' ? 'fa-IR' : locale === 'ar' ? 'ar-EG' : 'en-US');
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
