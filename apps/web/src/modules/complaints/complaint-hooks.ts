// Data the complaint screens share: members by id, the root-cause taxonomy (or its default codes).
import { useQuery } from '@tanstack/react-query';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { api, type Member } from '../../lib/api.ts';
import { complaintsApi, DEFAULT_ROOT_CAUSES } from './api.ts';

/** Members by account id (`user:<id>` or the bare id), for assignee and actor names. */
export function useMembers(): { members: Member[]; nameOf: (accountId: string | null) => string | null } {
  const t = useT();
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, staleTime: 60_000 });
  const list = members.data?.items ?? [];
  return {
    members: list,
    nameOf: (accountId) => {
      if (!accountId) return null;
      const id = accountId.replace(/^user:/, '');
      return list.find((m) => m.accountId === id)?.displayName ?? (members.isPending ? '…' : t('complaints.formerMember'));
    },
  };
}

/** Members who work complaints (not analysts, not disabled), for the assignee pickers. */
export const assignable = (members: Member[]) => members.filter((m) => !m.disabled && m.role !== 'analyst');

/**
 * The root causes a closure may name, in the reader's language: the workspace's taxonomy when the
 * server has it, else the default codes (REFERENCE.md section 6) named by the UI.
 */
export function useRootCauses(): { options: { id: string; label: string }[]; labelOf: (code: string) => string; isPending: boolean } {
  const t = useT();
  const prefs = usePrefs();
  const taxonomy = useQuery({ queryKey: ['complaints', 'root-causes'], queryFn: complaintsApi.rootCauses, staleTime: 300_000 });
  const items = taxonomy.data?.items;
  const defaults = (DEFAULT_ROOT_CAUSES as readonly string[]);
  const defaultLabel = (code: string) => (defaults.includes(code) ? t(`complaints.rootCause.${code as (typeof DEFAULT_ROOT_CAUSES)[number]}`) : code);
  if (items) {
    const labelOf = (code: string) => items.find((c) => c.code === code)?.labels[prefs.language] ?? defaultLabel(code);
    const active = items.filter((c) => !c.archived).sort((a, b) => a.position - b.position);
    // A sub-cause reads "parent: child".
    const options = active.map((c) => ({ id: c.code, label: c.parentCode ? `${labelOf(c.parentCode)}: ${c.labels[prefs.language]}` : c.labels[prefs.language] }));
    return { options, labelOf, isPending: false };
  }
  return { options: DEFAULT_ROOT_CAUSES.map((code) => ({ id: code, label: defaultLabel(code) })), labelOf: defaultLabel, isPending: taxonomy.isPending };
}
