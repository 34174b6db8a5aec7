// Which language the texts are being written in, how many texts each still lacks, and the
// choice to see every language side by side instead.
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { useT } from '../../i18n/useT.ts';
import type { Language } from '../../lib/format.ts';
import { Badge, CheckIcon, Switch } from '../../ui/index.ts';

export function LanguageBar({ languages, editing, onEditingChange, sideBySide, onSideBySideChange, missingCounts }: {
  languages: Language[];
  editing: Language;
  onEditingChange: (language: Language) => void;
  sideBySide: boolean;
  onSideBySideChange: (on: boolean) => void;
  missingCounts: Record<Language, number>;
}) {
  const t = useT();
  if (languages.length < 2) return null;
  return (
    <div className="language-bar">
      {!sideBySide && (
        <ToggleButtonGroup className="segmented" aria-label={t('surveys.builder.writingIn')} selectionMode="single" disallowEmptySelection
          selectedKeys={[editing]} onSelectionChange={(keys: Set<Key>) => { const [next] = keys; if (next) onEditingChange(next as Language); }}>
          {languages.map((language) => (
            <ToggleButton key={language} id={language} className="segment">
              <span>{t(`language.${language}`)}</span>
              {missingCounts[language] > 0
                ? <Badge tone="warn">{t('surveys.builder.missingCount', { count: missingCounts[language] })}</Badge>
                : <CheckIcon size={16} label={t('surveys.builder.complete')} />}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      )}
      <Switch isSelected={sideBySide} onChange={onSideBySideChange}>{t('surveys.builder.sideBySide')}</Switch>
    </div>
  );
}
