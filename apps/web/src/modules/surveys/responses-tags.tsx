// An analyst's tags on one response (open-text coding): each tag with its remove button, and a
// field that adds what is typed. Those who may not tag (agents, finance) see the tags only.
import { useState } from 'react';
import { Button as AriaButton, Label, Tag, TagGroup, TagList } from 'react-aria-components';
import type { Session } from '../../lib/api.ts';
import { usePrefs } from '../../app/prefs.tsx';
import { useT } from '../../i18n/useT.ts';
import { formatNumber } from '../../lib/format.ts';
import { Button, CloseIcon, TextField } from '../../ui/index.ts';
import { useResponseTag } from './responses-api.ts';

/** As the server's limit on one tag (ResponseTagInput). */
const MAX_TAG = 60;

/** surveys:tag on the server: analysis, so not agents' or finance's. */
export const canTagResponses = (session: Session) => ['owner', 'admin', 'manager', 'analyst'].includes(session.role);

export function ResponseTags({ surveyId, responseId, tags, canEdit }: { surveyId: string; responseId: string; tags: string[]; canEdit: boolean }) {
  const t = useT();
  const prefs = usePrefs();
  const mutation = useResponseTag(surveyId, responseId);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();
  const handleAdd = () => {
    const tag = draft.trim().replace(/\s+/g, ' ');
    if (!tag) return;
    if (tag.length > MAX_TAG) {
      setError(t('surveys.responses.tags.tooLong', { max: formatNumber(MAX_TAG, prefs) }));
      return;
    }
    mutation.mutate({ tag }, {
      onSuccess: () => { setDraft(''); setError(undefined); },
      onError: (err) => setError(err.message),
    });
  };
  const handleRemove = (tag: string) => mutation.mutate({ tag, remove: true }, { onError: (err) => setError(err.message) });
  return (
    <section className="response-tags">
      <TagGroup
        className="tag-group"
        onRemove={canEdit ? (keys) => { for (const key of keys) handleRemove(String(key)); } : undefined}
      >
        <Label className="field-label">{t('surveys.responses.tags')}</Label>
        <TagList className="tag-list" items={tags.map((tag) => ({ id: tag }))} renderEmptyState={() => <span className="muted">{t('surveys.responses.tags.none')}</span>}>
          {(item) => (
            <Tag className="tag" id={item.id} textValue={item.id}>
              <bdi>{item.id}</bdi>
              {canEdit && (
                <AriaButton slot="remove" className="tag-remove" aria-label={t('surveys.responses.tags.remove', { tag: item.id })}>
                  <CloseIcon size={14} />
                </AriaButton>
              )}
            </Tag>
          )}
        </TagList>
      </TagGroup>
      {canEdit && (
        <form className="tag-add" onSubmit={(e) => { e.preventDefault(); handleAdd(); }}>
          <TextField
            label={t('surveys.responses.tags.add')}
            value={draft}
            onChange={(value) => { setDraft(value); setError(undefined); }}
            errorMessage={error}
            autoComplete="off"
          />
          <Button type="submit" isPending={mutation.isPending}>{t('surveys.responses.tags.addButton')}</Button>
        </form>
      )}
    </section>
  );
}
