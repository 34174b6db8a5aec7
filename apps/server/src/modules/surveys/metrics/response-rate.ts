/** Response rate: responded / sent, of invitations actually sent (unsent ones asked nobody). */
export interface ResponseRate {
  sent: number;
  responded: number;
  /** 0–100; null when nothing was sent */
  rate: number | null;
}

export function responseRate(sent: number, responded: number): ResponseRate {
  if (!Number.isInteger(sent) || !Number.isInteger(responded) || sent < 0 || responded < 0) throw new RangeError('counts are non-negative integers');
  return { sent, responded, rate: sent === 0 ? null : (100 * Math.min(responded, sent)) / sent };
}
