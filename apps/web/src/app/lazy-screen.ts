import type { AsyncRouteComponent } from '@tanstack/react-router';
import type { ComponentType } from 'react';

/**
 * A route component that hands a lazily loaded page its props from the route (an id from the
 * path…). The router calls `preload` before it shows the route, so the page's chunk is fetched
 * while the current screen (or, past a moment, the skeleton) stays; the page never suspends.
 */
export function withPage<P>(screen: ComponentType<P>, ...pages: { preload?: () => Promise<void> | undefined }[]): AsyncRouteComponent<P> {
  const component = screen as AsyncRouteComponent<P>;
  component.preload = async () => {
    await Promise.all(pages.map((page) => page.preload?.()));
  };
  return component;
}
