// What turning a rule draft into API values needs beyond the draft: the workspace's currency,
// rial/toman setting and time zone, the reader's digits, the trigger's field types and the
// workspace's attribute definitions.
import { useQuery } from '@tanstack/react-query';
import { usePrefs } from '../../app/prefs.tsx';
import { api } from '../../lib/api.ts';
import { automationsApi } from './automations-api.ts';
import type { RuleContext } from './automation-model.ts';
import type { ValueContext } from './automation-values.ts';

export function useValueContext(): ValueContext {
  const prefs = usePrefs();
  return {
    money: { currency: prefs.currency, irrDisplay: prefs.irrDisplay },
    timeZone: prefs.timeZone,
    prefs: { language: prefs.language, calendar: prefs.calendar, digits: prefs.digits },
  };
}

export const useCatalogue = () => useQuery({ queryKey: ['automation-catalogue'], queryFn: automationsApi.catalogue, staleTime: Infinity });
export const useAttributeDefinitions = () => useQuery({ queryKey: ['attributes'], queryFn: api.attributes, staleTime: 60_000 });

/** The context for a rule whose trigger is `topic` (null: not an event trigger). */
export function useRuleContext(topic: string | null): RuleContext {
  const values = useValueContext();
  const catalogue = useCatalogue();
  const attributes = useAttributeDefinitions();
  const fields = catalogue.data?.topics.find((x) => x.topic === topic)?.fields ?? [];
  return {
    ...values,
    topicFields: Object.fromEntries(fields.map((f) => [f.name, f.type])),
    attributes: Object.fromEntries((attributes.data?.items ?? []).map((a) => [a.key, a])),
  };
}
