import type { TimelineAuthor, TimelineItemView } from '@vafa/contracts';
import type { Executor } from '../../platform/db/connect.ts';
import { auditNames } from '../workspace/index.ts';
import type { TimelineRow } from './touchpoint.repo.ts';
import { presentTouchpoint } from './touchpoint.service.ts';

/** Where a touchpoint's words live in its data: what a person wrote or said (demo data and integrations use it too). */
export const TEXT_KEY = 'note';
export const EDITED_AT_KEY = 'editedAt';
export const EDITED_BY_KEY = 'editedBy';

const PERSON_SOURCE = /^(user|api_key):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The source a person or key records under: `user:<account id>` or `api_key:<key id>`. */
export const sourceOf = (actor: { kind: 'user' | 'api_key'; id: string }) => `${actor.kind}:${actor.id}`;

/** A team member's or API key's source names its author; a module's (`surveys`, `engagement`) names none. */
export function authorRef(source: string | null): { type: 'user' | 'api_key'; id: string } | null {
  const match = source ? PERSON_SOURCE.exec(source) : null;
  return match ? { type: match[1] as 'user' | 'api_key', id: match[2]!.toLowerCase() } : null;
}

const stringOf = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

/** Timeline rows as people read them, with their authors' names of today looked up in one query. */
export async function presentTimelineItems(db: Executor, tenantId: string, rows: TimelineRow[]): Promise<TimelineItemView[]> {
  const refs = rows.map((r) => authorRef(r.source)).filter((a) => a !== null);
  const names = refs.length > 0 ? await auditNames(db, tenantId, refs.map((a) => ({ kind: a.type, id: a.id }))) : new Map<string, string>();
  return rows.map((row) => {
    const ref = authorRef(row.source);
    const author: TimelineAuthor | null = ref ? { ...ref, name: names.get(`${ref.type}:${ref.id}`) ?? null } : null;
    const editedAt = stringOf(row.data[EDITED_AT_KEY]);
    return {
      ...presentTouchpoint(row, row.order),
      author,
      text: stringOf(row.data[TEXT_KEY]),
      editedAt: editedAt && !Number.isNaN(Date.parse(editedAt)) ? editedAt : null,
    };
  });
}
