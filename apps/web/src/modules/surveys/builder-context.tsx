// What every part of the builder needs to know without passing it down: the survey's languages
// and which of them are being written, whether the reader may change anything, and the problems
// of the last save (server field errors by path) and the texts still missing.
import { createContext, useContext } from 'react';
import type { Session } from '../../lib/api.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { useKnownKey, useT } from '../../i18n/useT.ts';
import type { ApiError } from '../../lib/api.ts';
import type { Language } from '../../lib/format.ts';

/** Owners, admins and managers change surveys; everyone reads them (server access.ts: surveys:write). */
export const canWriteSurveys = (session: Session) => session.role === 'owner' || session.role === 'admin' || session.role === 'manager';

export interface BuilderContextValue {
  /** the survey's languages, in fa, ar, en order */
  languages: Language[];
  /** the languages whose text fields are on screen: the one being written, or all side by side */
  shown: Language[];
  readOnly: boolean;
  /** the message for a path of the last failed save, if it names that path exactly */
  error: (path: string) => string | undefined;
  /** texts still missing, path → languages */
  missing: Map<string, Language[]>;
}

export const BuilderContext = createContext<BuilderContextValue | null>(null);

export function useBuilder(): BuilderContextValue {
  const value = useContext(BuilderContext);
  if (!value) throw new Error('useBuilder outside the survey builder');
  return value;
}

// Zod's own codes, said in the UI's words (the server does not translate them).
const GENERIC_CODES = new Set(['too_small', 'too_big', 'invalid_format', 'invalid_type', 'invalid_value', 'unrecognized_keys', 'invalid_union']);

/** A problem's code in the reader's words: the builder's own codes, then zod's, then the server's text. */
export function useProblemText(): (code: string, message: string) => string {
  const t = useT();
  const known = useKnownKey();
  return (code, message) => {
    if (known(`surveys.builder.error.${code}`)) return t(`surveys.builder.error.${code}` as MessageKey);
    if (GENERIC_CODES.has(code)) return t(`fieldError.${code}` as MessageKey);
    // A text with no language at all fails the contract's own check (a 'custom' issue).
    if (code === 'custom') return t('surveys.builder.error.text_required');
    return message;
  };
}

/** Field errors of a failed save, by path without the `body.` prefix, in the reader's words. */
export function useSaveErrors(error: ApiError | null): { byPath: Map<string, string>; list: { path: string; message: string }[] } {
  const t = useT();
  const problemText = useProblemText();
  const byPath = new Map<string, string>();
  for (const [path, found] of Object.entries(error?.fieldPaths ?? {})) {
    // `questions.2.title.ar`: say which language the text is missing in.
    const language = /\.(fa|ar|en)$/.exec(path)?.[1] as Language | undefined;
    byPath.set(path, found.code === 'missing_translation' && language
      ? t('surveys.builder.error.missing_translation_in', { language: t(`language.${language}`) })
      : problemText(found.code, found.message));
  }
  return { byPath, list: [...byPath].map(([path, message]) => ({ path, message })) };
}

/** Where a path is, said for the list of problems above the save button: "Question 3 · Option 2". */
export function usePathPlace(): (path: string) => string {
  const t = useT();
  return (path) => {
    const parts = path.split('.');
    if (parts[0] === 'questions' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
      const question = t('surveys.builder.questionN', { n: Number(parts[1]) + 1 });
      const field = parts[2];
      if (field === 'options' && parts[3] !== undefined) return `${question} · ${t('surveys.builder.optionN', { n: Number(parts[3]) + 1 })}`;
      if (field === 'labels' && parts[3] !== undefined) return `${question} · ${t('surveys.builder.pointLabelN', { n: Number(parts[3]) + 1 })}`;
      const name = field && PLACE_KEYS[field];
      return name ? `${question} · ${t(name)}` : question;
    }
    if (parts[0] === 'settings') {
      const name = parts[1] && PLACE_KEYS[parts[1]];
      return name ? t(name) : t('surveys.builder.about');
    }
    if (parts[0] === 'name') return t('surveys.builder.name');
    if (parts[0] === 'questions') return t('surveys.builder.questions');
    return t('surveys.builder.about');
  };
}

const PLACE_KEYS: Record<string, MessageKey> = {
  title: 'surveys.builder.questionTitle',
  description: 'surveys.builder.questionDescription',
  showIf: 'surveys.builder.branch',
  lowLabel: 'surveys.builder.lowLabel',
  highLabel: 'surveys.builder.highLabel',
  maxChoices: 'surveys.builder.maxChoices',
  maxLength: 'surveys.builder.maxLength',
  max: 'surveys.builder.scale',
  min: 'surveys.builder.scale',
  points: 'surveys.builder.scale',
  labels: 'surveys.builder.pointLabels',
  type: 'surveys.builder.questionType',
  languages: 'surveys.builder.languages',
  defaultLanguage: 'surveys.builder.defaultLanguage',
  hiddenFields: 'surveys.builder.hiddenFields',
  thankYou: 'surveys.builder.thankYou',
  closesAt: 'surveys.builder.closesAt',
  quota: 'surveys.builder.quota',
  stage: 'surveys.builder.stage',
  incentivePoints: 'surveys.builder.incentive',
  widget: 'surveys.builder.widget',
  anonymous: 'surveys.builder.anonymous',
};
