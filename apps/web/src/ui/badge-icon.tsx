// Badge icons as inline SVG (an emoji would need a font the device may not have), by icon key:
// the loyalty screens and the member portal both draw them. Imported from this file by those
// screens only, to keep it out of the first screen's bundle.
import type { ReactElement } from 'react';

const PATHS: Record<string, ReactElement> = {
  star: <path d="M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5L2.5 9.4l6.6-.9z" />,
  trophy: <path d="M8 21h8M12 17v4M7 4h10v5a5 5 0 0 1-10 0zM7 6H4a3 3 0 0 0 3 5M17 6h3a3 3 0 0 1-3 5" />,
  medal: <><circle cx="12" cy="15" r="5" /><path d="M9 10.8L5.5 3h4L12 8.5 14.5 3h4L15 10.8" /></>,
  heart: <path d="M20.4 4.9a5.3 5.3 0 0 0-7.5 0L12 5.8l-.9-.9a5.3 5.3 0 0 0-7.5 7.5l.9.9L12 20.8l7.5-7.5.9-.9a5.3 5.3 0 0 0 0-7.5z" />,
  fire: <path d="M12 21.5c3.9 0 7-2.8 7-6.6 0-3.9-2.9-5.9-4.1-9.4-.9 2-2 2.9-3.6 3.1.2-2.3-.4-4.6-2.3-6.6-.9 4.5-6 6.9-6 12.9 0 3.8 3.1 6.6 7 6.6z" />,
  crown: <path d="M3 18.5h18M4.5 18.5L3 7.5l5 4 4-7 4 7 5-4-1.5 11" />,
  gem: <path d="M6 3.5h12l3.5 5.5L12 20.5 2.5 9zM2.5 9h19M12 20.5L8.5 9 12 3.5 15.5 9z" />,
  rocket: <path d="M4.5 19.5s.5-3.5 2.5-5.5l7.5-7.5c2.5-2.5 6-2.5 6-2.5s0 3.5-2.5 6l-7.5 7.5c-2 2-6 2-6 2zM9 15l-2.5 2.5M14.5 9.5h.01M7 11.5H4l3-3h4M12.5 17v3l3-3v-4" />,
};

export function BadgeIcon({ icon, size = 20 }: { icon: string; size?: number }) {
  return (
    <svg className="badge-icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8}
      strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {PATHS[icon] ?? PATHS.star}
    </svg>
  );
}
