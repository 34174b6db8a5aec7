import type { Database } from '../../platform/db/connect.ts';
import type { VafaModule } from '../../platform/module.ts';
import { registerSsoRoutes } from './sso.routes.ts';
import { registerAccountSecurityRoutes } from './account-security.routes.ts';
import { registerTeamRoutes } from './team.routes.ts';
import { actorFromSession } from './team.service.ts';

export { addMember, hashPassword, isInstanceAdmin, openSession } from './team.service.ts';
export { upsertMember } from './team.repo.ts';

export const teamModule: VafaModule = {
  name: 'team',
  registerRoutes(app, deps) {
    registerTeamRoutes(app, deps);
    registerAccountSecurityRoutes(app, deps);
    registerSsoRoutes(app, deps);
  },
};

export const sessionAuthenticator = (database: Database) => (token: string) => actorFromSession(database, token);
