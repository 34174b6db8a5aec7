// /c/:workspace/complaint: a customer files a complaint, no sign-in. On success the tracking code,
// large, in the language's digits, with a copy button and the way to the tracking page. Photos or
// documents may go with it; a hidden honeypot field and, only when the server asks (filings that
// look automated), a proof of work solved in the page guard the form without a third party.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form, Link } from 'react-aria-components';
import { usePrefs } from '../../app/prefs.tsx';
import { useFieldError, useT } from '../../i18n/useT.ts';
import { localiseDigits } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { Button, TextField } from '../../ui/index.ts';
import { type Receipt } from './api.ts';
import { phoneFromInput } from './complaint-format.ts';
import { fileComplaint, openFilingForm } from './public-api.ts';
import { Honeypot, PublicFilePicker, filesProblem, useFileRefusal } from './public-files.tsx';
import { BigCode, PublicFrame } from './public-parts.tsx';

export default function PublicComplaintPage({ workspace }: { workspace: string }) {
  const t = useT();
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  return (
    <PublicFrame>
      {receipt ? (
        <section className="public-card" aria-labelledby="pc-done">
          <h1 id="pc-done">{t('complaintPublic.receivedTitle')}</h1>
          <p className="status-words" role="status">{receipt.status.detail}</p>
          <h2 className="code-label">{t('complaintPublic.yourCode')}</h2>
          <BigCode code={receipt.trackingCode} />
          <p>
            <Link className="btn btn-primary" href={`/c/${workspace}/track?code=${receipt.trackingCode}`}>{t('complaintPublic.trackIt')}</Link>
          </p>
        </section>
      ) : (
        <FilingForm workspace={workspace} onFiled={setReceipt} />
      )}
    </PublicFrame>
  );
}

function FilingForm({ workspace, onFiled }: { workspace: string; onFiled: (r: Receipt) => void }) {
  const t = useT();
  const prefs = usePrefs();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [website, setWebsite] = useState('');
  const [checking, setChecking] = useState(false);
  // A proof solved ahead, when the form's device already looks busy (normally none).
  const proof = useRef<string | undefined>(undefined);
  const { error, pending, run, setError } = useSubmit();
  const fe = useFieldError(error);
  useEffect(() => {
    openFilingForm(workspace).then((form) => { proof.current = form.proof; }, () => undefined);
  }, [workspace]);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (filesProblem(files)) return;
    await run(async () => {
      const receipt = await fileComplaint({
        workspace,
        name: name.trim(),
        ...(phone.trim() ? { phone: phoneFromInput(phone).trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(category.trim() ? { category: category.trim() } : {}),
        description: description.trim(),
        language: prefs.language,
        ...(website ? { website } : {}),
      }, files, { proof: proof.current, onChecking: setChecking });
      proof.current = undefined;
      onFiled(receipt);
      window.scrollTo(0, 0);
    });
  };
  const fileError = useFileRefusal(error, files);
  const placed = ['name', 'phone', 'email', 'category', 'description'];
  const phoneError = error?.fieldCodes.phone === 'phone_or_email_required' ? t('complaintPublic.phoneOrEmail') : fe('phone');
  return (
    <section className="public-card" aria-labelledby="pc-title">
      <h1 id="pc-title">{t('complaintPublic.title')}</h1>
      <p className="muted">{t('complaintPublic.intro')}</p>
      <Form onSubmit={handleSubmit} className="form" validationBehavior="aria">
        {error && !fileError && !placed.some((f) => f in error.fieldErrors) && (
          <p className="form-error" role="alert">{error.status === 404 ? t('complaintPublic.noWorkspace') : error.message}</p>
        )}
        <TextField label={t('complaintPublic.name')} value={name} onChange={setName} isRequired autoComplete="name" errorMessage={fe('name', name)} />
        <TextField
          label={t('complaintPublic.phone')}
          value={localiseDigits(phone, prefs.digits)}
          onChange={(v) => setPhone(phoneFromInput(v))}
          type="tel"
          inputMode="tel"
          dir="ltr"
          autoComplete="tel"
          description={t('complaintPublic.phoneHelp')}
          errorMessage={phoneError}
        />
        <TextField label={t('complaintPublic.email')} value={email} onChange={setEmail} type="email" dir="ltr" autoComplete="email" errorMessage={fe('email')} />
        <TextField label={t('complaintPublic.category')} value={category} onChange={setCategory} description={t('complaintPublic.categoryHelp')} errorMessage={fe('category')} />
        <TextField label={t('complaintPublic.description')} value={description} onChange={setDescription} multiline isRequired errorMessage={fe('description', description)} />
        <PublicFilePicker files={files} onChange={(next) => { setFiles(next); if (fileError) setError(null); }} serverError={fileError} />
        <Honeypot value={website} onChange={setWebsite} />
        {checking && <p className="muted public-checking" role="status">{t('complaintPublic.checking')}</p>}
        <Button type="submit" variant="primary" isPending={pending}>{t('complaintPublic.send')}</Button>
      </Form>
      <p><Link href={`/c/${workspace}/track`}>{t('complaintPublic.haveCode')}</Link></p>
    </section>
  );
}
