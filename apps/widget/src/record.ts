/**
 * What this browser remembers per survey, in localStorage: when the visitor was last asked (or
 * left out by sampling) and the recontact window then in force. Within the window the widget
 * does not even ask the server. Storage may be unavailable (private modes, blocked): then every
 * page view is a first one, and the server's check for identified customers still applies.
 */
export interface VisitorRecord {
  /** when the visitor was asked, answered, dismissed or sampled out (ms since epoch) */
  at: number;
  /** the recontact window in days, as the server said when the record was made */
  days: number;
  outcome: 'asked' | 'answered' | 'dismissed' | 'sampled_out';
}

const DAY_MS = 86_400_000;
const key = (token: string) => `vafa.widget.${token}`;

export function readRecord(storage: Pick<Storage, 'getItem'> | undefined, token: string): VisitorRecord | undefined {
  try {
    const raw = storage?.getItem(key(token));
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as VisitorRecord;
    return typeof parsed.at === 'number' && typeof parsed.days === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeRecord(storage: Pick<Storage, 'setItem'> | undefined, token: string, record: VisitorRecord): void {
  try {
    storage?.setItem(key(token), JSON.stringify(record));
  } catch {
    /* storage full or refused: the widget may ask again, which is the lesser harm */
  }
}

/** Whether the record still holds the visitor back (inside its recontact window). */
export function heldBack(record: VisitorRecord | undefined, now: number): boolean {
  if (!record) return false;
  // A window of 0 days still keeps an answered survey from asking twice in one visit.
  const days = record.outcome === 'answered' ? Math.max(record.days, 1) : record.days;
  return now - record.at < days * DAY_MS && now >= record.at;
}

/**
 * Sampling: a visitor is in the sample with probability percent/100, decided once per window
 * (stored as `sampled_out`), so reloading the page does not re-roll the dice until it is in.
 */
export function inSample(percent: number, random: number): boolean {
  return percent >= 100 || random * 100 < percent;
}

const DEVICE_KEY = 'vafa.device';

/** The device id the server gave this browser (the widget's stand-in for a cookie on another site). */
export function readDevice(storage: Pick<Storage, 'getItem'> | undefined): string | undefined {
  try {
    return storage?.getItem(DEVICE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function writeDevice(storage: Pick<Storage, 'setItem'> | undefined, device: string): void {
  try {
    storage?.setItem(DEVICE_KEY, device);
  } catch {
    /* refused: the next answer gets a new device id */
  }
}
