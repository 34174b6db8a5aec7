// A rendered message as the customer would get it: the e-mail (its HTML in a sandboxed frame
// that runs no script and reaches nothing) and the SMS with its length in parts.
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import type { Rendered } from './automations-api.ts';
import { formatNumber, isRtl } from '../../lib/format.ts';
import { smsLength } from './sms-segments.ts';

export function SmsCount({ text }: { text: string }) {
  const t = useT();
  const prefs = usePrefs();
  const length = smsLength(text);
  return (
    <span className="sms-count" data-testid="sms-count">
      {t('templates.smsCount', {
        chars: formatNumber(length.units, prefs),
        parts: length.parts,
        partsText: formatNumber(length.parts, prefs),
        perPart: formatNumber(length.perPart, prefs),
        encoding: t(length.encoding === 'gsm' ? 'templates.encodingGsm' : 'templates.encodingUcs2'),
      })}
    </span>
  );
}

export function TemplateMessagePreview({ message, show = ['email', 'sms'] }: { message: Rendered; show?: ('email' | 'sms')[] }) {
  const t = useT();
  const dir = isRtl(message.language) ? 'rtl' : 'ltr';
  return (
    <div className="message-preview" data-testid="message-preview">
      <dl>
        <dt>{t('templates.language')}</dt>
        <dd>{t(`language.${message.language}`)}</dd>
        {show.includes('email') && (
          <>
            <dt>{t('templates.subject')}</dt>
            <dd lang={message.language} dir={dir} data-testid="preview-subject">{message.subject}</dd>
          </>
        )}
      </dl>
      {show.includes('email') && (
        <>
          <h4 className="field-label">{t('templates.emailPreview')}</h4>
          {/* No allow-* tokens: the frame is a unique origin that runs nothing and reads nothing. */}
          <iframe className="email-frame" title={t('templates.emailPreview')} sandbox="" srcDoc={message.html} data-testid="preview-html" />
        </>
      )}
      {show.includes('sms') && (
        <>
          <h4 className="field-label">{t('templates.smsPreview')}</h4>
          <p className="sms-bubble" lang={message.language} dir={dir} data-testid="preview-sms">{message.sms}</p>
          <SmsCount text={message.sms} />
        </>
      )}
    </div>
  );
}
