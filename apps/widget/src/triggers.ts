import type { WidgetTrigger } from '@vafa/contracts';

/**
 * URL patterns: `*` matches any run of characters, everything else literally. A pattern that
 * starts with `/` is matched against the path and query (`/checkout/*`), any other against the
 * whole address (`https://shop.example/*`). The whole string must match.
 */
export function urlMatches(pattern: string, href: string): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  const subject = pattern.startsWith('/') ? url.pathname + url.search : url.href;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(subject);
}

/** The custom event's name from `window.vafa('event', name)` or a `vafa:event` CustomEvent (detail: name or { name }). */
export function eventName(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (detail && typeof detail === 'object' && typeof (detail as { name?: unknown }).name === 'string') return (detail as { name: string }).name;
  return undefined;
}

export interface TriggerHost {
  href(): string;
  onNavigate(check: () => void): void;
  setTimeout(run: () => void, ms: number): void;
}

/**
 * Calls `fire` once, when the first trigger holds: at once for a page view, when the address
 * matches (checked now, on navigation and on the host's history changes), after a delay, or when
 * the page sends the named event. Returns the handler for custom events.
 */
export function watchTriggers(triggers: WidgetTrigger[], host: TriggerHost, fire: () => void): (name: string) => void {
  let fired = false;
  const once = () => {
    if (fired) return;
    fired = true;
    fire();
  };
  const patterns: string[] = [];
  const events = new Set<string>();
  for (const trigger of triggers) {
    if (trigger.type === 'page_view') once();
    else if (trigger.type === 'url_match') patterns.push(trigger.pattern);
    else if (trigger.type === 'event') events.add(trigger.name);
    else host.setTimeout(once, trigger.seconds * 1000);
  }
  if (patterns.length > 0) {
    const check = () => {
      if (patterns.some((p) => urlMatches(p, host.href()))) once();
    };
    check();
    host.onNavigate(check);
  }
  return (name) => {
    if (events.has(name)) once();
  };
}
