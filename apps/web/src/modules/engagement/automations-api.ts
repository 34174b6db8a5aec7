// API calls for message templates and automation rules (the engagement module). Shapes come
// from @vafa/contracts as types only.
import type { z } from 'zod';
import type {
  AutomationCatalogue, AutomationRuleInput, AutomationRunView, AutomationView, CreateTemplate, DryRunResult, Locale,
  RenderedMessage, SurveyView, TemplateContent, TemplateView, UpdateAutomation, UpdateTemplate, WebhookEndpointView,
} from '@vafa/contracts';
import { request, type Page } from '../../lib/api.ts';

export type Template = TemplateView;
export type TemplateInput = z.input<typeof CreateTemplate>;
export type TemplatePatch = z.input<typeof UpdateTemplate>;
export type Rendered = RenderedMessage;
export type Automation = AutomationView;
export type AutomationInput = z.input<typeof AutomationRuleInput>;
export type AutomationPatch = z.input<typeof UpdateAutomation>;
export type AutomationRun = AutomationRunView;
export type DryRun = DryRunResult;
export type Catalogue = AutomationCatalogue;
export type WebhookEndpoint = WebhookEndpointView;
export type EventSample = Record<string, unknown>;

export const automationsApi = {
  templates: () => request<{ items: Template[] }>('GET', '/api/templates'),
  template: (id: string) => request<Template>('GET', `/api/templates/${id}`),
  createTemplate: (body: TemplateInput) => request<Template>('POST', '/api/templates', body),
  updateTemplate: (id: string, patch: TemplatePatch) => request<Template>('PATCH', `/api/templates/${id}`, patch),
  deleteTemplate: (id: string) => request<void>('DELETE', `/api/templates/${id}`),
  /** Renders unsaved content for a customer, in their language unless `language` is given. */
  previewTemplate: (content: z.input<typeof TemplateContent>, customerId: string, language?: Locale, event?: EventSample) =>
    request<Rendered>('POST', '/api/templates/preview', { content, customerId, language, event }),

  catalogue: () => request<Catalogue>('GET', '/api/automations/catalogue'),
  automations: () => request<{ items: Automation[] }>('GET', '/api/automations'),
  automation: (id: string) => request<Automation>('GET', `/api/automations/${id}`),
  createAutomation: (body: AutomationInput) => request<Automation>('POST', '/api/automations', body),
  updateAutomation: (id: string, patch: AutomationPatch) => request<Automation>('PATCH', `/api/automations/${id}`, patch),
  deleteAutomation: (id: string) => request<void>('DELETE', `/api/automations/${id}`),
  runs: (id: string, cursor?: string, limit = 20) => request<Page<AutomationRun>>('GET', `/api/automations/${id}/runs`, undefined, { cursor, limit }),
  /** Evaluates the rule as edited (saved or not) against one customer; nothing is sent or written. */
  dryRun: (rule: AutomationInput, customerId: string, event?: EventSample) =>
    request<DryRun>('POST', '/api/automations/dry-run', { rule, customerId, event }),

  webhookEndpoints: () => request<{ items: WebhookEndpoint[] }>('GET', '/api/webhooks'),
  /** surveys a send_survey action can send: the published ones */
  liveSurveys: () => request<Page<SurveyView>>('GET', '/api/surveys', undefined, { status: 'live', limit: 200 }),
};
