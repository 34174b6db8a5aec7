import { z } from 'zod';
import { Locale, PageQuery } from './common.ts';
import { LocalText, SurveyDefinition, SurveyKind, SurveyStatus } from './surveys.ts';

/**
 * Requests of the survey builder's API: create (from a template or a definition), list and
 * templates. The CSV export's query, the responses list's filters, is in survey-responses.ts.
 * The survey itself is `SurveyView` (surveys.ts).
 */

export const SURVEY_TEMPLATE_KEYS = ['nps', 'csat_purchase', 'ces_support', 'servqual', 'expectations', 'enps_pulse'] as const;
export const SurveyTemplateKey = z.enum(SURVEY_TEMPLATE_KEYS);
export type SurveyTemplateKey = z.infer<typeof SurveyTemplateKey>;

/**
 * A new survey (a draft). With `definition`, that is the draft (and `template` only records
 * where it came from); with `template` alone, the template's questions in `languages`
 * (default: the workspace's language).
 */
export const CreateSurvey = z.strictObject({
  template: SurveyTemplateKey.optional(),
  definition: SurveyDefinition.optional(),
  /** with a template and no definition: the languages to keep, the first one the default */
  languages: z.array(Locale).min(1).max(3).optional(),
});
export type CreateSurvey = z.infer<typeof CreateSurvey>;

export const SurveyListQuery = PageQuery.extend({
  status: SurveyStatus.optional(),
  kind: SurveyKind.optional(),
});
export type SurveyListQuery = z.infer<typeof SurveyListQuery>;

export const SurveyTemplateView = z
  .object({
    key: SurveyTemplateKey,
    name: LocalText,
    description: LocalText,
    definition: SurveyDefinition,
  })
  .meta({ id: 'SurveyTemplate' });
export type SurveyTemplateView = z.infer<typeof SurveyTemplateView>;

export const SurveyTemplateList = z.object({ items: z.array(SurveyTemplateView) });
