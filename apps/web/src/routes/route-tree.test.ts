import { isRedirect } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { REDIRECT_ROUTES, routeTree, SCREENS } from '../app/route-tree.ts';
import { REDIRECTS, ROUTES, type RouteName } from '../app/routes.ts';

const screens = Object.entries(SCREENS) as [RouteName, (typeof SCREENS)[RouteName]][];

describe('route tree', () => {
  it('gives every screen of the table (what the browser walk visits) a route at its path', () => {
    expect(screens.map(([name]) => name).sort()).toEqual(Object.keys(ROUTES).sort());
    for (const [name, route] of screens) expect((route.options as { path: string }).path, name).toBe(ROUTES[name].path);
  });

  it('holds the screens and the redirects and nothing else', () => {
    const children = Object.values(routeTree.children as Record<string, { options: { path: string } }>).map((route) => route.options.path);
    expect(children.sort()).toEqual([...Object.values(ROUTES).map((route) => route.path), ...Object.keys(REDIRECTS)].sort());
  });

  it("loads each screen's code on demand", () => {
    for (const [name, route] of screens) {
      const component = route.options.component as { preload?: unknown } | undefined;
      expect(typeof component?.preload, name).toBe('function');
    }
  });

  it('forwards each redirect to its target, replacing the history entry', () => {
    for (const [from, route] of Object.entries(REDIRECT_ROUTES)) {
      let thrown: unknown;
      try {
        (route.options.beforeLoad as () => void)();
      } catch (error) {
        thrown = error;
      }
      expect(isRedirect(thrown), from).toBe(true);
      const options = (thrown as { options: { to: string; replace?: boolean } }).options;
      expect(options.to).toBe(REDIRECTS[from as keyof typeof REDIRECTS]);
      expect(options.replace).toBe(true);
    }
  });
});
