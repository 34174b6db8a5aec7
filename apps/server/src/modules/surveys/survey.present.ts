import { SurveyDefinition, type SurveyView } from '@vafa/contracts';
import type { SurveyRow } from './survey.repo.ts';

/** The survey as the API shows it: the draft's name, settings and questions, the live version's number. */
export function presentSurvey(row: SurveyRow): SurveyView {
  // Stored drafts were validated when saved; parsing fills defaults added to the schema since.
  const draft = SurveyDefinition.parse(row.draft);
  return {
    id: row.id,
    name: draft.name,
    kind: draft.kind,
    status: row.status as SurveyView['status'],
    version: row.liveVersion ?? 0,
    draftChanged: row.draftChanged,
    settings: draft.settings,
    questions: draft.questions,
    publicToken: row.publicToken,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    responseCount: row.responseCount,
  };
}
