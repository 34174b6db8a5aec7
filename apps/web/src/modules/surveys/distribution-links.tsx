// The public link of a survey, and a personal link made for one customer (shown once).
import { useState } from 'react';
import type { Customer } from '../../lib/api.ts';
import { useT } from '../../i18n/useT.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { CustomerPicker } from '../engagement/index.ts';
import { Button, CopyButton, UserText } from '../../ui/index.ts';
import { distributionApi } from './distribution-api.ts';

/** A link as plain text, left to right inside any page, with a copy button. */
export function LinkBox({ label, link }: { label: string; link: string }) {
  return (
    <div className="link-box">
      <span className="visually-hidden">{label}</span>
      <code dir="ltr" className="link-text" data-testid="link-text">{link}</code>
      <CopyButton text={link} />
    </div>
  );
}

export function PublicLink({ token }: { token: string }) {
  const t = useT();
  const link = `${window.location.origin}/s/${token}`;
  return (
    <section className="card distribution-card" aria-labelledby="public-link">
      <h2 id="public-link">{t('surveys.distribution.publicLink.title')}</h2>
      <p className="muted">{t('surveys.distribution.publicLink.body')}</p>
      <LinkBox label={t('surveys.distribution.publicLink.title')} link={link} />
    </section>
  );
}

export function PersonalLink({ surveyId, canWrite, isOpen }: { surveyId: string; canWrite: boolean; isOpen: boolean }) {
  const t = useT();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [made, setMade] = useState<{ link: string; name: string } | null>(null);
  const { error, pending, run } = useSubmit();
  const handleMake = () => void run(async () => {
    if (!customer) return;
    const invitation = await distributionApi.invite(surveyId, { customerId: customer.id, channel: 'link' });
    setMade({ link: invitation.link ?? '', name: customer.name ?? customer.phone ?? customer.email ?? '' });
  });
  return (
    <section className="card distribution-card" aria-labelledby="personal-link">
      <h2 id="personal-link">{t('surveys.distribution.personal.title')}</h2>
      <p className="muted">{t('surveys.distribution.personal.body')}</p>
      {canWrite && isOpen && (
        <div className="personal-link-form">
          <CustomerPicker label={t('surveys.distribution.personal.customer')} value={customer} onChange={(c) => { setCustomer(c); setMade(null); }} />
          <Button onPress={handleMake} isDisabled={!customer} isPending={pending}>{t('surveys.distribution.personal.create')}</Button>
        </div>
      )}
      {error && <p className="form-error" role="alert">{error.message}</p>}
      {made && (
        <div className="personal-link-made" role="status">
          <p><strong>{t('surveys.distribution.personal.for')}</strong> <UserText>{made.name}</UserText></p>
          <LinkBox label={t('surveys.distribution.personal.title')} link={made.link} />
          <p className="muted">{t('surveys.distribution.personal.once')}</p>
        </div>
      )}
    </section>
  );
}
