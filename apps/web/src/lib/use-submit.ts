import { useCallback, useState } from 'react';
import { useT } from '../i18n/useT.ts';
import { ApiError } from './api.ts';

/**
 * The pending flag and the error of one form's submission. `run` clears the last error, awaits
 * the work and keeps what it threw as an ApiError (a network failure becomes one with a
 * localised message), so every form shows problems the same way. Resolves true on success.
 */
export function useSubmit() {
  const t = useT();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const run = useCallback(async (work: () => Promise<unknown>): Promise<boolean> => {
    setPending(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('common.networkError') }));
      return false;
    } finally {
      setPending(false);
    }
  }, [t]);
  return { error, pending, run, setError };
}
