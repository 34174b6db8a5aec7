import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';

export function registerDistributionRoutes(_app: App, _deps: ModuleDeps): void {}
