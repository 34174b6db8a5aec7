/**
 * Building DOM without markup strings. Styles are set property by property through the CSSOM
 * (`style.setProperty`), which a Content-Security-Policy without 'unsafe-inline' allows; a
 * `style` attribute, `style.cssText` or an injected <style> would be blocked (CSP3 style-src-attr
 * and style-src-elem). So no attribute named `style` is ever passed here.
 */
export type Styles = Record<string, string>;

export function css(node: HTMLElement | SVGElement, styles: Styles): void {
  for (const name in styles) node.style.setProperty(name, styles[name]!);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  styles: Styles = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]!);
  css(node, styles);
  for (const child of children) node.append(child);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Record<string, string>, children: SVGElement[] = []): SVGElement {
  const node = document.createElementNS(SVG, tag) as SVGElement;
  for (const name in attrs) node.setAttribute(name, attrs[name]!);
  for (const child of children) node.append(child);
  return node;
}

/** A face for point `mood` of 0 (very unhappy) … 4 (very happy), drawn in SVG (no emoji font needed). */
export function face(mood: number, size: number, color: string): SVGElement {
  // Mouth: a curve from frown to smile; the control point moves with the mood.
  const curve = 26 + (mood - 2) * 6;
  return svg('svg', { viewBox: '0 0 40 40', width: String(size), height: String(size), 'aria-hidden': 'true', focusable: 'false' }, [
    svg('circle', { cx: '20', cy: '20', r: '18', fill: color }),
    svg('circle', { cx: '14', cy: '16', r: '2.4', fill: '#1f2328' }),
    svg('circle', { cx: '26', cy: '16', r: '2.4', fill: '#1f2328' }),
    svg('path', { d: `M12 ${27 - (mood - 2)} Q20 ${curve} 28 ${27 - (mood - 2)}`, stroke: '#1f2328', 'stroke-width': '2.4', fill: 'none', 'stroke-linecap': 'round' }),
  ]);
}

export function star(size: number, filled: boolean): SVGElement {
  return svg('svg', { viewBox: '0 0 24 24', width: String(size), height: String(size), 'aria-hidden': 'true', focusable: 'false' }, [
    svg('path', {
      d: 'M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z',
      fill: filled ? '#f5a623' : 'none',
      stroke: '#b7791f',
      'stroke-width': '1.5',
    }),
  ]);
}
