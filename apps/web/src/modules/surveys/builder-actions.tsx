// The builder's bar: save the draft, publish (after saying what a new version means), and the
// rest in a menu: close or reopen, copy, delete. On phones it also switches to the preview.
import { useState } from 'react';
import { Menu, MenuItem, MenuTrigger, Popover, type Key } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber, type Language } from '../../lib/format.ts';
import { AlertIcon, Button, ChevronDown, ConfirmDialog, Dialog } from '../../ui/index.ts';
import { useLanguageList } from './builder-fields.tsx';
import type { Survey } from './surveys-api.ts';

type MenuAction = 'close' | 'reopen' | 'duplicate' | 'delete';

export interface ActionBarProps {
  survey: Survey;
  readOnly: boolean;
  hasUnsavedEdits: boolean;
  /** languages still lacking some text: publishing waits until none do */
  missingCounts: Record<Language, number>;
  isSaving: boolean;
  isBusy: boolean;
  previewShown: boolean;
  onPreviewToggle: () => void;
  onSave: () => void;
  onPublish: () => Promise<boolean>;
  onClose: () => Promise<boolean>;
  onReopen: () => void;
  onDuplicate: () => void;
  onDelete: () => Promise<boolean>;
  /** show the first language that lacks text, with its questions open */
  onShowMissing: (language: Language) => void;
}

export function ActionBar(props: ActionBarProps) {
  const { survey, readOnly, hasUnsavedEdits, missingCounts, isSaving, isBusy, previewShown } = props;
  const t = useT();
  const prefs = usePrefs();
  const languageList = useLanguageList();
  const [dialog, setDialog] = useState<'publish' | 'missing' | 'close' | 'delete' | null>(null);
  // Counted on the draft being edited, whose languages may differ from the saved survey's.
  const lacking = (Object.keys(missingCounts) as Language[]).filter((l) => missingCounts[l] > 0);
  const totalMissing = lacking.reduce((sum, l) => sum + missingCounts[l], 0);
  const nextVersion = survey.version + 1;
  const publishable = hasUnsavedEdits || survey.draftChanged || survey.version === 0;

  const handleMenu = (key: Key) => {
    const action = key as MenuAction;
    if (action === 'close' || action === 'delete') setDialog(action);
    else if (action === 'reopen') props.onReopen();
    else props.onDuplicate();
  };
  const closeDialog = (open: boolean) => { if (!open) setDialog(null); };
  // A refused action closes its dialog too: the reason shows above the builder.
  const confirm = (work: () => Promise<boolean>) => async () => {
    await work();
    setDialog(null);
  };
  const menuItems: { id: MenuAction; label: string }[] = [
    ...(survey.status === 'live' ? [{ id: 'close' as const, label: t('surveys.builder.closeSurvey') }] : []),
    ...(survey.status === 'closed' ? [{ id: 'reopen' as const, label: t('surveys.builder.reopen') }] : []),
    { id: 'duplicate', label: t('surveys.builder.duplicateSurvey') },
    { id: 'delete', label: t('surveys.builder.deleteSurvey') },
  ];

  return (
    <div className="action-bar" role="region" aria-label={t('surveys.builder.actions')}>
      <p className="save-state" aria-live="polite">
        {readOnly ? t('surveys.builder.readOnlyShort') : hasUnsavedEdits ? <><span className="dot dot-warn" aria-hidden="true" />{t('surveys.builder.unsavedEdits')}</> : t('surveys.builder.allSaved')}
      </p>
      <div className="action-buttons">
        <Button className="only-narrow" onPress={props.onPreviewToggle} aria-pressed={previewShown}>{previewShown ? t('surveys.builder.backToEditing') : t('surveys.builder.preview')}</Button>
        {!readOnly && (
          <>
            <Button onPress={props.onSave} isPending={isSaving} isDisabled={!hasUnsavedEdits || isBusy}>
              {hasUnsavedEdits && <span className="dot dot-warn" aria-hidden="true" />}{t('surveys.builder.saveDraft')}
            </Button>
            <Button variant="primary" isDisabled={!publishable || isBusy} onPress={() => setDialog(totalMissing > 0 ? 'missing' : 'publish')}>
              {survey.version === 0 ? t('surveys.builder.publish') : t('surveys.builder.publishChanges')}
            </Button>
            <MenuTrigger>
              <Button aria-label={t('surveys.builder.more')} isDisabled={isBusy}>{t('surveys.builder.more')}<ChevronDown size={16} /></Button>
              <Popover className="popover" placement="bottom end">
                <Menu className="listbox" items={menuItems} onAction={handleMenu}>
                  {(item) => <MenuItem className="listbox-item" id={item.id}>{item.label}</MenuItem>}
                </Menu>
              </Popover>
            </MenuTrigger>
          </>
        )}
      </div>

      <ConfirmDialog
        title={survey.version === 0 ? t('surveys.builder.publishFirstTitle') : t('surveys.builder.publishTitle', { version: formatNumber(nextVersion, prefs) })}
        body={<>
          {survey.version === 0 ? t('surveys.builder.publishFirstBody') : t('surveys.builder.publishBody', { version: formatNumber(survey.version, prefs) })}
          {hasUnsavedEdits && <span className="small-block">{t('surveys.builder.publishSavesFirst')}</span>}
        </>}
        confirmLabel={t('surveys.builder.publishConfirm', { version: formatNumber(nextVersion, prefs) })}
        isOpen={dialog === 'publish'}
        onOpenChange={closeDialog}
        onConfirm={() => void confirm(props.onPublish)()}
        isPending={isBusy}
      />
      <Dialog title={t('surveys.builder.missingTitle')} isOpen={dialog === 'missing'} onOpenChange={closeDialog} size="small" role="alertdialog">
        {(close) => (
          <>
            <p>{t('surveys.builder.missingBody', { count: totalMissing, languages: languageList(lacking) })}</p>
            <ul className="plain-list">
              {lacking.map((l) => <li key={l}>{t('surveys.builder.missingInLanguage', { language: t(`language.${l}`), count: missingCounts[l] })}</li>)}
            </ul>
            <div className="form-actions">
              <Button variant="primary" onPress={() => { close(); if (lacking[0]) props.onShowMissing(lacking[0]); }}>{t('surveys.builder.showMissing')}</Button>
              <Button onPress={close}>{t('common.cancel')}</Button>
            </div>
          </>
        )}
      </Dialog>
      <ConfirmDialog title={t('surveys.builder.closeTitle')} body={t('surveys.builder.closeBody')} confirmLabel={t('surveys.builder.closeSurvey')}
        isOpen={dialog === 'close'} onOpenChange={closeDialog} onConfirm={() => void confirm(props.onClose)()} isPending={isBusy} />
      {survey.responseCount > 0 ? (
        <Dialog title={t('surveys.builder.deleteRefusedTitle')} isOpen={dialog === 'delete'} onOpenChange={closeDialog} size="small" role="alertdialog">
          {(close) => (
            <>
              <p>{t('surveys.builder.deleteRefusedBody', { count: survey.responseCount })}</p>
              <div className="form-actions">
                {survey.status === 'live' && <Button variant="primary" onPress={() => setDialog('close')}>{t('surveys.builder.closeSurvey')}</Button>}
                <Button onPress={close}>{t('common.close')}</Button>
              </div>
            </>
          )}
        </Dialog>
      ) : (
        <ConfirmDialog
          title={t('surveys.builder.deleteTitle')}
          body={<>
            {t('surveys.builder.deleteBody')}
            {survey.status === 'live' && <span className="small-block"><AlertIcon size={16} /> {t('surveys.builder.deleteLive')}</span>}
          </>}
          confirmLabel={t('common.delete')}
          isOpen={dialog === 'delete'}
          onOpenChange={closeDialog}
          onConfirm={() => void confirm(props.onDelete)()}
          isPending={isBusy}
          danger
        />
      )}
    </div>
  );
}
