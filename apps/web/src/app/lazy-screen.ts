import { lazyRouteComponent, type AsyncRouteComponent } from '@tanstack/react-router';
import type { ComponentType } from 'react';
import { loadAllMessages } from '../i18n/load.ts';

/**
 * A module's page as a route component, loaded on demand together with the messages beyond the
 * first screens' (i18n/first-screen.ts): the router fetches both before it shows the route, and so
 * does the page itself should it render first (after signing in), so no message key ever shows.
 */
export function lazyPage<T extends Record<string, unknown>, K extends keyof T = 'default'>(load: () => Promise<T>, exportName?: K) {
  return lazyRouteComponent<T, K>(() => Promise.all([load(), loadAllMessages()]).then(([module]) => module), exportName);
}

/**
 * A route component that hands a lazily loaded page its props from the route (an id from the
 * path…). The router calls `preload` before it shows the route, so the page's chunk is fetched
 * while the current screen (or, past a moment, the skeleton) stays.
 */
export function withPage<P>(screen: ComponentType<P>, ...pages: { preload?: () => Promise<void> | undefined }[]): AsyncRouteComponent<P> {
  const component = screen as AsyncRouteComponent<P>;
  component.preload = async () => {
    await Promise.all(pages.map((page) => page.preload?.()));
  };
  return component;
}
