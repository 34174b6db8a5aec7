// Arrows for moving a question or an option up and down: unlike the chevron that opens a
// question, they have a shaft, so the two are not mistaken for each other.
const svg = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.8, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true, focusable: 'false', className: 'icon' } as const;

export const ArrowUpIcon = () => <svg {...svg}><path d="M12 19V5m-6 6 6-6 6 6" /></svg>;
export const ArrowDownIcon = () => <svg {...svg}><path d="M12 5v14m-6-6 6 6 6-6" /></svg>;
