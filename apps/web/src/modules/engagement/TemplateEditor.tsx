// A message template: one tab per language with subject, e-mail text and SMS text; a sheet of
// variables that inserts `{variable}` where the cursor is; a preview for a chosen customer.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FocusEvent } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { navigate } from '../../app/router.ts';
import type { MessageKey } from '../../i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { ApiError, type Customer } from '../../lib/api.ts';
import { automationsApi, type Rendered, type Template, type TemplateInput } from './automations-api.ts';
import { LANGUAGES, type Language } from '../../lib/format.ts';
import { Badge, Button, ConfirmDialog, Select, TextField, TrashIcon, useToast } from '../../ui/index.ts';
import { AutomationCustomerPicker } from './AutomationCustomerPicker.tsx';
import { usePathError } from './AutomationEditor.tsx';
import { SmsCount, TemplateMessagePreview } from './TemplateMessagePreview.tsx';

type Part = 'subject' | 'text' | 'sms';
type Content = Record<Language, Record<Part, string>>;
const PARTS: Part[] = ['subject', 'text', 'sms'];
const VARIABLES = [
  'name', 'firstName', 'orderNumber', 'orderAmount', 'orderDate', 'today', 'birthday', 'tier', 'points', 'workspaceName',
  'trackingCode', 'trackingLink', 'caseStatus', 'resolutionSummary', 'recourse', 'reply',
] as const;

function fromTemplate(template?: Template): Content {
  const empty = (): Record<Part, string> => ({ subject: '', text: '', sms: '' });
  const content: Content = { fa: empty(), ar: empty(), en: empty() };
  for (const language of LANGUAGES) {
    const part = template?.content[language];
    if (part) content[language] = { subject: part.subject ?? '', text: part.text, sms: part.sms ?? '' };
  }
  return content;
}

/** Only the languages with something written go to the server; empty parts are left out. */
function toContent(content: Content): TemplateInput['content'] {
  const out: Record<string, { subject?: string; text: string; sms?: string }> = {};
  for (const language of LANGUAGES) {
    const { subject, text, sms } = content[language];
    if (!subject.trim() && !text.trim() && !sms.trim()) continue;
    out[language] = { text, ...(subject.trim() ? { subject } : {}), ...(sms.trim() ? { sms } : {}) };
  }
  return out as TemplateInput['content'];
}

export function TemplateEditor({ template, canWrite }: { template?: Template; canWrite: boolean }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [name, setName] = useState(template?.name ?? '');
  const [content, setContent] = useState<Content>(() => fromTemplate(template));
  const [language, setLanguage] = useState<Language>(() => LANGUAGES.find((l) => template?.content[l]) ?? 'fa');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const pathError = usePathError(error);
  // Where a variable goes: the last text box that had focus, and its cursor.
  const lastField = useRef<{ language: Language; part: Part; element: HTMLInputElement | HTMLTextAreaElement } | null>(null);
  const readOnly = !canWrite;

  const setPart = (lang: Language, part: Part, value: string) => setContent((c) => ({ ...c, [lang]: { ...c[lang], [part]: value } }));
  const handleFocus = (event: FocusEvent<HTMLDivElement>) => {
    const element = event.target;
    const field = element.closest<HTMLElement>('[data-part]');
    if (!field || !(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) return;
    lastField.current = { language: field.dataset.language as Language, part: field.dataset.part as Part, element };
  };
  const handleInsert = (variable: string) => {
    const target = lastField.current?.language === language ? lastField.current : null;
    const part = target?.part ?? 'text';
    const current = content[language][part];
    const start = target?.element.selectionStart ?? current.length;
    const end = target?.element.selectionEnd ?? current.length;
    const token = `{${variable}}`;
    setPart(language, part, current.slice(0, start) + token + current.slice(end));
    requestAnimationFrame(() => {
      const element = target?.element;
      if (!element) return;
      element.focus();
      element.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const handleSave = async () => {
    setPending(true);
    setError(null);
    try {
      const body = { name, content: toContent(content) };
      const saved = template ? await automationsApi.updateTemplate(template.id, body) : await automationsApi.createTemplate(body);
      await client.invalidateQueries({ queryKey: ['templates'] });
      toast(t('templates.saved'));
      if (!template) navigate(`/engagement/templates/${saved.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
    } finally {
      setPending(false);
    }
  };
  const handleDelete = async () => {
    if (!template) return;
    try {
      await automationsApi.deleteTemplate(template.id);
      await client.invalidateQueries({ queryKey: ['templates'] });
      toast(t('templates.deleted'));
      navigate('/engagement/templates');
    } catch (err) {
      setDeleting(false);
      toast(err instanceof Error ? err.message : t('common.errorTitle'), 'bad');
    }
  };

  const filled = (lang: Language) => Boolean(content[lang].text.trim() || content[lang].subject.trim() || content[lang].sms.trim());
  return (
    <>
      <section className="card" aria-labelledby="template-heading">
        <h2 id="template-heading">{template ? t('templates.edit') : t('templates.new')}</h2>
        <div className="form">
          <TextField label={t('templates.name')} value={name} onChange={setName} isRequired isReadOnly={readOnly} errorMessage={pathError('name')} />
          <div className="template-grid">
            <Tabs className="tabs" selectedKey={language} onSelectionChange={(key) => setLanguage(key as Language)}>
              <TabList className="tab-list" aria-label={t('templates.languages')}>
                {LANGUAGES.map((lang) => (
                  <Tab key={lang} id={lang} className="tab">
                    <span lang={lang}>{t(`lang.${lang}`)}</span>
                    {filled(lang) ? <Badge tone="good">{t('templates.written')}</Badge> : <Badge>{t('templates.empty')}</Badge>}
                  </Tab>
                ))}
              </TabList>
              {LANGUAGES.map((lang) => (
                <TabPanel key={lang} id={lang} className="tab-panel">
                  <div className="form" onFocus={handleFocus}>
                    {pathError(`content.${lang}`) && <p className="field-error">{pathError(`content.${lang}`)}</p>}
                    {PARTS.map((part) => (
                      <div key={part} data-part={part} data-language={lang} lang={lang}>
                        <TextField
                          label={t(`templates.part.${part}` as MessageKey)}
                          description={part === 'sms' ? t('templates.smsHint') : part === 'subject' ? t('templates.subjectHint') : undefined}
                          value={content[lang][part]}
                          onChange={(v) => setPart(lang, part, v)}
                          multiline={part !== 'subject'}
                          dir={lang === 'en' ? 'ltr' : 'rtl'}
                          isReadOnly={readOnly}
                          errorMessage={pathError(`content.${lang}.${part}`)}
                        />
                        {part === 'sms' && (content[lang].sms || content[lang].text) && <SmsCount text={content[lang].sms || content[lang].text} />}
                      </div>
                    ))}
                  </div>
                </TabPanel>
              ))}
            </Tabs>
            <aside className="variables" aria-labelledby="variables-heading">
              <h3 id="variables-heading">{t('templates.variables')}</h3>
              <p className="field-description">{t('templates.variablesHint')}</p>
              {VARIABLES.map((v) => (
                <Button key={v} variant="ghost" isDisabled={readOnly} onPress={() => handleInsert(v)}>
                  <code dir="ltr" translate="no">{`{${v}}`}</code><span className="muted">{t(`templates.var.${v}` as MessageKey)}</span>
                </Button>
              ))}
            </aside>
          </div>
          {error && <p className="form-error" role="alert" data-testid="template-error">{error.message}</p>}
          {canWrite && (
            <div className="form-actions">
              <Button variant="primary" onPress={handleSave} isPending={pending}>{t('templates.save')}</Button>
              {template && <Button variant="danger" onPress={() => setDeleting(true)}><TrashIcon />{t('common.delete')}</Button>}
            </div>
          )}
        </div>
      </section>
      <TemplatePreviewCard content={content} />
      <ConfirmDialog title={t('templates.deleteTitle')} body={t('templates.deleteBody')} confirmLabel={t('common.delete')} isOpen={deleting} onOpenChange={setDeleting} onConfirm={() => void handleDelete()} danger />
    </>
  );
}

function TemplatePreviewCard({ content }: { content: Content }) {
  const t = useT();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [language, setLanguage] = useState<'auto' | Language>('auto');
  const [result, setResult] = useState<Rendered | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const handlePreview = async () => {
    if (!customer) return;
    setPending(true);
    setError(null);
    try {
      setResult(await automationsApi.previewTemplate(toContent(content), customer.id, language === 'auto' ? undefined : language, {
        orderExternalId: 'A-1001', amountMinor: 12_500_000, currency: 'IRR', occurredAt: new Date().toISOString(),
      }));
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiError ? err.message : t('common.networkError'));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="card" aria-labelledby="preview-heading" data-testid="template-preview">
      <h2 id="preview-heading">{t('templates.preview')}</h2>
      <div className="form">
        <div className="form-grid">
          <AutomationCustomerPicker label={t('automations.customer')} value={customer} onChange={(c) => { setCustomer(c); setResult(null); }} />
          <Select label={t('templates.previewLanguage')} value={language} onChange={setLanguage}
            options={[{ id: 'auto' as const, label: t('templates.customerLanguage') }, ...LANGUAGES.map((l) => ({ id: l, label: t(`lang.${l}`) }))]} />
        </div>
        <p className="field-description">{t('templates.previewHint')}</p>
        <div><Button variant="primary" onPress={handlePreview} isDisabled={!customer} isPending={pending}>{t('templates.runPreview')}</Button></div>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div aria-live="polite">{result && <TemplateMessagePreview message={result} />}</div>
      </div>
    </section>
  );
}
