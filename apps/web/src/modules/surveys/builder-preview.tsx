// The preview: the real response page, rendered by the server from the saved draft, in a frame
// as wide as a phone (390 px) or a desktop (1280 px, scaled down to fit), in one of the survey's
// languages. It reloads after every save.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import type { Language } from '../../lib/format.ts';
import { Button, PhoneIcon, Select, Skeleton } from '../../ui/index.ts';
import { surveyAddresses, type Survey } from './surveys-api.ts';

type Device = 'phone' | 'desktop';
const FRAME: Record<Device, { width: number; height: number }> = { phone: { width: 390, height: 720 }, desktop: { width: 1280, height: 800 } };

/** Whether the server renders a preview: a 404 means the response page is not there (yet). */
async function previewState(url: string): Promise<'ready' | 'missing'> {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  // Read to the end: a body left unread keeps the request open.
  await response.text();
  if (response.ok) return 'ready';
  if (response.status === 404) return 'missing';
  throw new Error(String(response.status));
}

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function PreviewPanel({ survey, hasUnsavedEdits }: { survey: Survey; hasUnsavedEdits: boolean }) {
  const t = useT();
  const languages = survey.settings.languages;
  const prefs = usePrefs();
  // Until one is picked, the reader's own language when the survey has it.
  const [chosen, setChosen] = useState<Language | null>(null);
  const language = [chosen, prefs.language].find((l): l is Language => Boolean(l && languages.includes(l))) ?? survey.settings.defaultLanguage;
  const [device, setDevice] = useState<Device>('phone');
  const [box, width] = useWidth<HTMLDivElement>();
  const url = surveyAddresses.preview(survey.id, language);
  const state = useQuery({ queryKey: ['survey-preview', survey.id, language, survey.updatedAt], queryFn: () => previewState(url), retry: false, staleTime: Infinity });
  const frame = FRAME[device];
  const scale = width > 0 ? Math.min(1, width / frame.width) : 1;

  return (
    <section className="card preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">{t('surveys.builder.preview')}</h2>
      <div className="preview-tools">
        <ToggleButtonGroup className="segmented" aria-label={t('surveys.builder.previewDevice')} selectionMode="single" disallowEmptySelection
          selectedKeys={[device]} onSelectionChange={(keys: Set<Key>) => { const [next] = keys; if (next) setDevice(next as Device); }}>
          <ToggleButton id="phone" className="segment"><PhoneIcon size={16} />{t('surveys.builder.previewPhone')}</ToggleButton>
          <ToggleButton id="desktop" className="segment">{t('surveys.builder.previewDesktop')}</ToggleButton>
        </ToggleButtonGroup>
        {languages.length > 1 && (
          <Select<Language> label={t('surveys.builder.previewLanguage')} className="field-compact" value={language} onChange={setChosen}
            options={languages.map((id) => ({ id, label: t(`language.${id}`) }))} />
        )}
      </div>
      <p className="field-description">{hasUnsavedEdits ? t('surveys.builder.previewUnsaved') : t('surveys.builder.previewSaved')}</p>
      <div className="preview-box" ref={box}>
        {state.isPending ? <Skeleton lines={6} /> : state.data === 'ready' ? (
          <div className="preview-frame" style={{ inlineSize: frame.width * scale, blockSize: frame.height * scale }}>
            <iframe
              key={`${survey.updatedAt}-${language}`}
              src={url}
              title={t('surveys.builder.previewFrame', { language: t(`language.${language}`) })}
              // The page may run its own script, but cannot submit answers, open windows or leave the frame.
              sandbox="allow-scripts allow-same-origin"
              style={{ inlineSize: frame.width, blockSize: frame.height, zoom: scale }}
            />
          </div>
        ) : state.data === 'missing' ? (
          <p className="preview-missing">{t('surveys.builder.previewMissing')}</p>
        ) : (
          <div className="preview-missing">
            <p>{t('surveys.builder.previewError')}</p>
            <Button onPress={() => void state.refetch()}>{t('common.retry')}</Button>
          </div>
        )}
      </div>
    </section>
  );
}
