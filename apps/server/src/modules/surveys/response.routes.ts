import type { App } from '../../platform/http/server.ts';
import type { ModuleDeps } from '../../platform/module.ts';

export function registerResponseRoutes(_app: App, _deps: ModuleDeps): void {}
