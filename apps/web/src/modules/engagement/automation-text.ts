// Rules, reasons and roles in words, in the UI language.
import type { Session } from '../../lib/api.ts';
import { en, type MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/useT.ts';
import { usePrefs } from '../../app/prefs.tsx';
import { formatNumber, localiseDigits } from '../../lib/format.ts';
import type { Automation } from './automations-api.ts';
import type { AutomationCondition } from '@vafa/contracts';

/** Agents and analysts read rules and templates; owners, admins and managers change them (server access.ts). */
export const canWriteAutomations = (session: Session) => session.role === 'owner' || session.role === 'admin' || session.role === 'manager';

const known = (key: string): key is MessageKey => key in en;

export function useAutomationText() {
  const t = useT();
  const prefs = usePrefs();
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
  const opText = (op: string) => (known(`automations.op.${op}`) ? t(`automations.op.${op}` as MessageKey) : op);
  const valueText = (value: unknown) => (Array.isArray(value) ? value.join('، ') : String(value));
  /** A condition in words, e.g. "event field kind is one of call، visit". */
  const condition = (c: AutomationCondition, segmentName?: string): string => {
    if (c.type === 'segment') return t(c.member ? 'automations.describe.inSegment' : 'automations.describe.notInSegment', { segment: segmentName ?? '…' });
    if (c.type === 'tag') return t(c.present ? 'automations.describe.hasTag' : 'automations.describe.notHasTag', { tag: c.tag });
    if (c.type === 'attribute') return t('automations.describe.attribute', { key: c.key, op: opText(c.op), value: valueText(c.value) });
    return t('automations.describe.event', { field: eventFieldName(c.field), op: opText(c.op), value: valueText(c.value) });
  };
  /** An event payload field by its name in the reader's language (the API name for fields added later). */
  const eventFieldName = (field: string) => (known(`automations.eventFieldName.${field}`) ? t(`automations.eventFieldName.${field}` as MessageKey) : field);
  return { topic, reason, trigger, condition, eventFieldName };
}
