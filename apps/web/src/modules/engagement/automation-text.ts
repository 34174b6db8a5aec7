// Rules, reasons and roles in words, in the UI language.
import type { AutomationCondition } from '@vafa/contracts';
import type { Session } from '../../lib/api.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useKnownKey, useT } from '../../i18n/useT.ts';
import { usePrefs } from '../../app/prefs.tsx';
import { formatDay, formatMoney, formatNumber, localiseDigits } from '../../lib/format.ts';
import { moneyUnitName } from '../../lib/money.ts';
import type { Automation } from './automations-api.ts';
import { attributeSpec, eventFieldSpec, type FieldSpec, type ValueKind } from './automation-fields.ts';
import { dayOfInstant } from './automation-values.ts';
import { useAttributeDefinitions } from './automation-context.ts';

/** Agents and analysts read rules and templates; owners, admins and managers change them (server access.ts). */
export const canWriteAutomations = (session: Session) => session.role === 'owner' || session.role === 'admin' || session.role === 'manager';

/** Names written lower case for running text ("via website") start a list entry with a capital. */
const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

export function useAutomationText() {
  const t = useT();
  const known = useKnownKey();
  const prefs = usePrefs();
  const attributes = useAttributeDefinitions();
  const topic = (name: string) => (known(`automations.topic.${name}`) ? t(`automations.topic.${name}` as MessageKey) : name);
  /**
   * A run or dry-run reason code (`condition_failed:1:tag`, `no_consent`, …) in words; the
   * server's own wording when this UI does not know the code.
   */
  const reason = (code: string | null | undefined): string => {
    if (!code) return '';
    const [head, index, type] = code.split(':');
    if (head === 'condition_failed' && index !== undefined) {
      return t('automations.reason.condition_failed', { n: formatNumber(Number(index), prefs), type: type && known(`automations.condition.${type}`) ? t(`automations.condition.${type}` as MessageKey) : (type ?? '') });
    }
    return head && known(`automations.reason.${head}`) ? t(`automations.reason.${head}` as MessageKey) : code;
  };
  const trigger = (rule: Pick<Automation, 'trigger' | 'delay'>): string => {
    const tr = rule.trigger;
    const when = tr.type === 'event' ? t('automations.when.event', { topic: topic(tr.topic) })
      : tr.type === 'date' ? t('automations.when.birthday', { time: localiseDigits(tr.at, prefs.digits) })
        : t('automations.when.inactivity', { days: tr.days });
    if (!rule.delay) return when;
    const [unit, amount] = Object.entries(rule.delay)[0] ?? ['days', 0];
    return t('automations.when.withDelay', { when, delay: t(`automations.delayIn.${unit}` as MessageKey, { count: amount }) });
  };

  /** An event payload field by its name in the reader's language (the API name for fields added later). */
  const eventFieldName = (field: string) => (known(`automations.eventFieldName.${field}`) ? t(`automations.eventFieldName.${field}` as MessageKey) : field);
  const attributeName = (key: string) => attributes.data?.items.find((a) => a.key === key)?.label[prefs.language] ?? key;
  const attributeFieldSpec = (key: string) => attributeSpec(attributes.data?.items.find((a) => a.key === key));

  /** A code of a known set by its name: "call" → تماس; the workspace's own words (attribute choices) as they are. */
  const choiceName = (spec: FieldSpec | undefined, code: string): string => {
    if (spec?.currencyNames) return moneyUnitName(code, 'rial', prefs.language);
    const key = spec?.vocabulary?.prefix ? `${spec.vocabulary.prefix}${code}` : '';
    if (key && known(key)) return spec?.vocabulary?.capitalise ? capitalise(t(key)) : t(key);
    return code;
  };
  /** A comparison in words; times and lists have their own ("is before", "includes"). */
  const opName = (kind: ValueKind | undefined, op: string): string => {
    if (kind === 'instant' && known(`automations.opDate.${op}`)) return t(`automations.opDate.${op}` as MessageKey);
    if (kind === 'list' && op === 'contains') return t('automations.opList.contains');
    return known(`automations.op.${op}`) ? t(`automations.op.${op}` as MessageKey) : op;
  };
  /** A stored value as a reader would say it: an amount with its unit, a code by its name, a day in their calendar. */
  const valueName = (spec: FieldSpec | undefined, value: unknown): string => {
    if (Array.isArray(value)) return new Intl.ListFormat(prefs.locale, { type: 'disjunction' }).format(value.map((v) => valueName(spec, v)));
    if (value === null || value === undefined) return t('common.none');
    switch (spec?.kind) {
      case 'money': return typeof value === 'number' ? formatMoney(value, prefs.currency, prefs, prefs.irrDisplay) : String(value);
      case 'number': return typeof value === 'number' ? formatNumber(value, prefs) : String(value);
      case 'boolean': return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
      case 'choice':
      case 'list': return choiceName(spec, String(value));
      case 'instant': return typeof value === 'string' && dayOfInstant(value, prefs.timeZone) ? formatDay(dayOfInstant(value, prefs.timeZone), prefs) : String(value);
      case 'day': return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value, prefs) : String(value);
      default: return typeof value === 'number' ? formatNumber(value, prefs) : String(value);
    }
  };
  const specFor = (c: AutomationCondition, topicName: string): FieldSpec | undefined =>
    c.type === 'event' ? eventFieldSpec(topicName, c.field) : c.type === 'attribute' ? attributeFieldSpec(c.key) : undefined;

  /** A condition in words, e.g. "Amount is at least 250,000 tomans". */
  const condition = (c: AutomationCondition, topicName: string, segmentName?: string): string => {
    if (c.type === 'segment') return t(c.member ? 'automations.describe.inSegment' : 'automations.describe.notInSegment', { segment: segmentName ?? '…' });
    if (c.type === 'tag') return t(c.present ? 'automations.describe.hasTag' : 'automations.describe.notHasTag', { tag: c.tag });
    const spec = specFor(c, topicName);
    const value = valueName(spec, c.value);
    if (c.type === 'attribute') return t('automations.describe.attribute', { attribute: attributeName(c.key), op: opName(spec?.kind, c.op), value });
    return t('automations.describe.event', { field: eventFieldName(c.field), op: opName(spec?.kind, c.op), value });
  };
  return { topic, reason, trigger, condition, eventFieldName, attributeName, choiceName, opName, valueName, specFor };
}
