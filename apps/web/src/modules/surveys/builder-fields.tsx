// The builder's own fields: a text in the survey's languages, a whole number typed in any
// digits, and a list of codes (hidden field names, allowed origins).
import type { LocalText } from '@vafa/contracts';
import { useId, useState } from 'react';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { localiseDigits, toLatinDigits, type Language } from '../../lib/format.ts';
import { AlertIcon, Button, CloseIcon, PlusIcon, TextField } from '../../ui/index.ts';
import { useBuilder } from './builder-context.tsx';
import { parseWhole, withText } from './builder-model.ts';

/** Names of languages in a list, in the reader's language ("Arabic and English"). */
export function useLanguageList(): (languages: readonly Language[]) => string {
  const t = useT();
  const prefs = usePrefs();
  return (languages) => new Intl.ListFormat(prefs.language, { type: 'conjunction' }).format(languages.map((l) => t(`language.${l}`)));
}

/**
 * One text in the survey's languages: an input per language on screen (the one being written,
 * or all side by side), and a note naming the languages it still lacks.
 */
export function LocalTextField({ label, path, text, onChange, multiline, short, description }: {
  label: string;
  /** where the server reports its problems (`questions.0.title`) */
  path: string;
  text: LocalText | undefined;
  onChange: (text: LocalText) => void;
  multiline?: boolean;
  /** a line or two that wraps and grows as it is written (a question's title) */
  short?: boolean;
  description?: string;
}) {
  const t = useT();
  const { shown, readOnly, error, missing } = useBuilder();
  const languageList = useLanguageList();
  const lacking = missing.get(path) ?? [];
  const elsewhere = lacking.filter((l) => !shown.includes(l));
  const single = shown.length === 1;
  return (
    <div className={short ? 'local-text local-text-short' : 'local-text'} data-path={path}>
      {shown.map((language, i) => (
        <TextField
          key={language}
          label={single ? label : t('surveys.builder.inLanguage', { label, language: t(`language.${language}`) })}
          value={text?.[language] ?? ''}
          onChange={(value) => onChange(withText(text, language, value))}
          multiline={multiline}
          dir={language === 'en' ? 'ltr' : 'rtl'}
          isReadOnly={readOnly}
          className={lacking.includes(language) ? 'field-missing' : undefined}
          description={i === 0 ? description : undefined}
          errorMessage={error(`${path}.${language}`) ?? (i === 0 ? error(path) : undefined)}
        />
      ))}
      {elsewhere.length > 0 && (
        <p className="missing-note"><AlertIcon size={16} />{t('surveys.builder.missingIn', { languages: languageList(elsewhere) })}</p>
      )}
    </div>
  );
}

/**
 * A whole number typed in Persian, Arabic-Indic or Latin digits and shown in the reader's. What
 * was typed stays as typed (a half-typed value never jumps); the number goes up when it is one.
 */
export function NumberInput({ label, value, onChange, description, errorMessage, isReadOnly, className }: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  description?: string;
  errorMessage?: string;
  isReadOnly?: boolean;
  className?: string;
}) {
  const t = useT();
  const prefs = usePrefs();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [seen, setSeen] = useState(value);
  // A value changed from outside (a save's answer, a reset) replaces what was typed.
  if (value !== seen) {
    setSeen(value);
    if (parseWhole(text) !== value) setText(value === undefined ? '' : String(value));
  }
  const notANumber = text.trim() !== '' && parseWhole(text) === undefined;
  return (
    <TextField
      label={label}
      className={className}
      value={localiseDigits(text, prefs.digits)}
      onChange={(typed) => {
        const latin = toLatinDigits(typed);
        setText(latin);
        const parsed = parseWhole(latin);
        setSeen(parsed);
        onChange(parsed);
      }}
      inputMode="numeric"
      description={description}
      errorMessage={notANumber ? t('surveys.builder.error.not_a_number') : errorMessage}
      isReadOnly={isReadOnly}
    />
  );
}

/** A short list of codes (a link's value names, web addresses): each removable, one added at a time. */
export function CodeList({ label, description, items, onChange, check, addLabel, errorMessage, inputLabel }: {
  label: string;
  description?: string;
  items: string[];
  onChange: (items: string[]) => void;
  /** why a new entry cannot be added, or undefined when it can */
  check: (entry: string) => string | undefined;
  addLabel: string;
  inputLabel: string;
  errorMessage?: string;
}) {
  const t = useT();
  const { readOnly } = useBuilder();
  const [entry, setEntry] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const id = useId();
  const handleAdd = () => {
    const value = entry.trim();
    const why = !value ? undefined : items.includes(value) ? t('surveys.builder.error.duplicate_entry') : check(value);
    setProblem(why);
    if (!value || why) return;
    onChange([...items, value]);
    setEntry('');
  };
  return (
    <fieldset className="fieldset code-list">
      <legend>{label}</legend>
      {description && <p className="field-description">{description}</p>}
      {items.length > 0 && (
        <ul className="code-items">
          {items.map((item, i) => (
            <li key={item}>
              <code id={`${id}-${i}`} dir="ltr" translate="no">{item}</code>
              {/* Named "Delete" and the code itself, so the code is read from its own left-to-right element. */}
              {!readOnly && <Button variant="ghost" className="icon-only" aria-labelledby={`${id}-remove ${id}-${i}`} onPress={() => onChange(items.filter((x) => x !== item))}><CloseIcon size={16} /></Button>}
            </li>
          ))}
        </ul>
      )}
      <span id={`${id}-remove`} hidden>{t('common.delete')}</span>
      {errorMessage && <p className="field-error">{errorMessage}</p>}
      {!readOnly && (
        <div className="code-add" onKeyDown={(event) => { if (event.key === 'Enter') { event.preventDefault(); handleAdd(); } }}>
          <TextField label={inputLabel} value={entry} onChange={(v) => { setEntry(v); setProblem(undefined); }} dir="ltr" errorMessage={problem} />
          <Button onPress={handleAdd}><PlusIcon />{addLabel}</Button>
        </div>
      )}
    </fieldset>
  );
}
