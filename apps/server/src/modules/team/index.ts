import type { Database } from '../../platform/db/connect.ts';
import type { VafaModule } from '../../platform/module.ts';
import { registerTeamRoutes } from './team.routes.ts';
import { actorFromSession } from './team.service.ts';

export { addMember, hashPassword, openSession } from './team.service.ts';
export { upsertMember } from './team.repo.ts';

export const teamModule: VafaModule = { name: 'team', registerRoutes: registerTeamRoutes };

export const sessionAuthenticator = (database: Database) => (token: string) => actorFromSession(database, token);
