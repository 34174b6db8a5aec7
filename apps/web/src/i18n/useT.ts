import { useIntl } from 'react-intl';
import type { MessageKey } from './en.ts';

type Values = Record<string, string | number>;

/** `t('customers.shown', { count })` with keys checked by TypeScript. */
export function useT(): (id: MessageKey, values?: Values) => string {
  const intl = useIntl();
  return (id, values) => intl.formatMessage({ id }, values);
}

// Schema validation answers with generic codes whose messages the server does not translate;
// the UI says them in the user's language. Codes of our own (invalid_phone…) arrive localised.
const GENERIC_CODES = new Set(['too_small', 'too_big', 'invalid_format', 'invalid_type', 'invalid_value', 'unrecognized_keys', 'invalid_union']);

/**
 * The message to show under a form field for a failed request, in the UI language. Given the
 * field's value, an empty field the server found too short reads «fill this in», not «too short».
 */
export function useFieldError(error: { fieldErrors: Record<string, string>; fieldCodes: Record<string, string> } | null): (field: string, value?: string) => string | undefined {
  const t = useT();
  return (field, value) => {
    if (!error) return undefined;
    const code = error.fieldCodes[field];
    if (code === 'too_small' && value !== undefined && value.trim() === '') return t('fieldError.required');
    if (code && GENERIC_CODES.has(code)) return t(`fieldError.${code}` as MessageKey);
    return error.fieldErrors[field];
  };
}

/**
 * Whether the loaded messages have a key: for names built from server codes (a topic, a reason)
 * that fall back to the code. Reads the active messages, so no other language's file is bundled.
 */
export function useKnownKey(): (key: string) => key is MessageKey {
  const intl = useIntl();
  return (key): key is MessageKey => key in intl.messages;
}
