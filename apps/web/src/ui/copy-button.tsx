import { useState } from 'react';
import { useIntl } from 'react-intl';
import { Button } from './components.tsx';
import { CopyIcon } from './icons.tsx';

/** Copies a value (a link, a key) and says so for two seconds. */
export function CopyButton({ text }: { text: string }) {
  const intl = useIntl();
  const [copied, setCopied] = useState(false);
  return (
    <Button onPress={() => void navigator.clipboard?.writeText(text).then(() => { setCopied(true); setTimeout(() => setCopied(false), 2000); })}>
      <CopyIcon />{intl.formatMessage({ id: copied ? 'common.copied' : 'common.copy' })}
    </Button>
  );
}
