/** Persian (U+06F0–06F9) and Arabic-Indic (U+0660–0669) digits folded to ASCII before any parsing. */
export function toAsciiDigits(text: string): string {
  return text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

/** Arabic decimal and thousands separators as people type them in numbers. */
export function toAsciiNumber(text: string): string {
  return toAsciiDigits(text).replace(/\u066B/g, '.').replace(/[\u066C,\s]/g, '');
}
