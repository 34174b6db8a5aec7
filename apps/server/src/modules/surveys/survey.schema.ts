import { sql } from 'drizzle-orm';
import { boolean, customType, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid, bigint } from 'drizzle-orm/pg-core';
import { customers } from '../customers/customer.schema.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * A survey. `draft` is the definition being edited ({ name, kind, settings, questions }); what
 * respondents see is the published `survey_versions` row `live_version`, so editing a live
 * survey never changes what earlier answers meant. status: draft → live → closed (reopenable).
 */
export const surveys = pgTable(
  'surveys',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull().default('customer'),
    status: text('status').notNull().default('draft'),
    draft: jsonb('draft').notNull(),
    liveVersion: integer('live_version'),
    /** the public link's token (published, so kept as is; invitation and kiosk tokens are hashed) */
    publicToken: text('public_token').notNull(),
    /** the template it was made from, e.g. `nps` */
    template: text('template'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** why it closed: `manual`, `quota`, `closes_at` */
    closedReason: text('closed_reason'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('surveys_list_idx').on(t.tenantId, t.updatedAt)],
);

/** Each published definition, immutable; answers name the version they were given against. */
export const surveyVersions = pgTable(
  'survey_versions',
  {
    tenantId: uuid('tenant_id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').notNull(),
    publishedBy: text('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.surveyId, t.version] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
  ],
);

/**
 * Tokens of public links, personal invitations and kiosks, found before the workspace is known
 * (a respondent's browser has only the token). Shared by all workspaces like `sessions`: the
 * SHA-256 of the token, never the token, and what it opens.
 */
export const surveyTokens = pgTable('survey_tokens', {
  tokenHash: bytea('token_hash').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  /** public | invitation | kiosk */
  kind: text('kind').notNull(),
  targetId: uuid('target_id').notNull(),
  surveyId: uuid('survey_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A response. It holds no customer reference: for a non-anonymous survey the respondent is in
 * `survey_respondents`; an anonymous survey's responses never get such a row, so the database
 * cannot tell who answered. status: partial (saved per step) → complete.
 * `segmentIds` is the customer's segments when the response completed, for rollups by segment.
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    version: integer('version').notNull(),
    status: text('status').notNull().default('partial'),
    channel: text('channel').notNull(),
    locale: text('locale').notNull(),
    stage: text('stage'),
    hidden: jsonb('hidden').notNull().default({}),
    /** what it was sent after: { followupId, caseId, orderId } */
    context: jsonb('context').notNull().default({}),
    segmentIds: uuid('segment_ids').array().notNull().default(sql`'{}'::uuid[]`),
    kioskId: uuid('kiosk_id'),
    /** a kiosk's own id for an answer taken offline, so a resend is recognised */
    clientRef: text('client_ref'),
    /** SHA-256 of the device cookie (abuse limits, resuming an anonymous survey) */
    deviceHash: bytea('device_hash'),
    /** the questions still to come, for resuming; the last step the respondent saw */
    step: integer('step').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
    index('survey_responses_survey_idx').on(t.tenantId, t.surveyId, t.submittedAt),
    uniqueIndex('survey_responses_kiosk_ref_key').on(t.tenantId, t.kioskId, t.clientRef).where(sql`client_ref IS NOT NULL`),
    // Responses to surveys sent after a follow-up or case (the closed loop's later answers): few beside
    // all the others, so the recovery figures and a loop's links read only these (loop-link.ts).
    index('survey_responses_loop_idx').on(t.tenantId, t.submittedAt).where(sql`context ?| array['followupId', 'caseId']`),
  ],
);

/** Who gave a response of a non-anonymous survey, and through which invitation. */
export const surveyRespondents = pgTable(
  'survey_respondents',
  {
    tenantId: uuid('tenant_id').notNull(),
    responseId: uuid('response_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    invitationId: uuid('invitation_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.responseId] }),
    foreignKey({ columns: [t.tenantId, t.responseId], foreignColumns: [surveyResponses.tenantId, surveyResponses.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index('survey_respondents_customer_idx').on(t.tenantId, t.customerId),
    uniqueIndex('survey_respondents_invitation_key').on(t.tenantId, t.invitationId).where(sql`invitation_id IS NOT NULL`),
  ],
);

/**
 * One answer. Scored questions use `score`; SERVQUAL items `desired`/`adequate`/`perceived`
 * (1–9); choices `choices` (+ `otherText`); free text `textValue`; dates `dateValue`.
 * `surveyId` is repeated here so per-question work (themes, raw checks) needs no join.
 */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    tenantId: uuid('tenant_id').notNull(),
    responseId: uuid('response_id').notNull(),
    questionId: text('question_id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    skipped: boolean('skipped').notNull().default(false),
    score: smallint('score'),
    choices: text('choices').array(),
    otherText: text('other_text'),
    textValue: text('text_value'),
    dateValue: date('date_value'),
    desired: smallint('desired'),
    adequate: smallint('adequate'),
    perceived: smallint('perceived'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.responseId, t.questionId] }),
    foreignKey({ columns: [t.tenantId, t.responseId], foreignColumns: [surveyResponses.tenantId, surveyResponses.id] }).onDelete('cascade'),
    index('survey_answers_question_idx').on(t.tenantId, t.surveyId, t.questionId),
  ],
);

/** An analyst's tags on a response (open-text coding). */
export const surveyResponseTags = pgTable(
  'survey_response_tags',
  {
    tenantId: uuid('tenant_id').notNull(),
    responseId: uuid('response_id').notNull(),
    tag: text('tag').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.responseId, t.tag] }),
    foreignKey({ columns: [t.tenantId, t.responseId], foreignColumns: [surveyResponses.tenantId, surveyResponses.id] }).onDelete('cascade'),
  ],
);

/**
 * A send: who gets the survey, through which channel, when, with reminders. A recurring pulse
 * runs again on its schedule (in the workspace calendar); each run is a wave of invitations.
 * status: scheduled → running → done | paused | cancelled.
 */
export const surveyDistributions = pgTable(
  'survey_distributions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    name: text('name').notNull(),
    /** email | sms | preferred */
    channel: text('channel').notNull(),
    /** { segmentId } or { all: true } or { customerIds } */
    audience: jsonb('audience').notNull(),
    samplingPercent: integer('sampling_percent').notNull().default(100),
    /** { type: 'once', at } | { type: 'recurring', every: 'week'|'month'|'quarter', ... } */
    schedule: jsonb('schedule').notNull(),
    /** { afterHours, max } */
    reminder: jsonb('reminder'),
    status: text('status').notNull().default('scheduled'),
    waves: integer('waves').notNull().default(0),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
    index('survey_distributions_due_idx').on(t.nextRunAt).where(sql`status IN ('scheduled', 'running')`),
  ],
);

/**
 * A personal invitation: one customer, one token (hashed in survey_tokens), one response at
 * most. `context` links it to what it was sent after (a follow-up, a case, an order).
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    distributionId: uuid('distribution_id'),
    wave: integer('wave').notNull().default(1),
    customerId: uuid('customer_id').notNull(),
    /** email | sms | link | automation */
    channel: text('channel').notNull(),
    context: jsonb('context').notNull().default({}),
    hidden: jsonb('hidden').notNull().default({}),
    messageId: uuid('message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    reminderCount: integer('reminder_count').notNull().default(0),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    // Set by the answer: in no index or index predicate, and the table keeps 10 % of each page
    // free (fillfactor 90, migration 0036), so that update is HOT. Reminders find their
    // distribution's invitations through survey_invitations_wave_key.
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index('survey_invitations_survey_idx').on(t.tenantId, t.surveyId, t.wave),
    index('survey_invitations_customer_idx').on(t.tenantId, t.customerId, t.sentAt),
    // One invitation per customer and wave of a distribution: a wave run twice invites nobody twice.
    uniqueIndex('survey_invitations_wave_key').on(t.tenantId, t.distributionId, t.wave, t.customerId).where(sql`distribution_id IS NOT NULL`),
    // Invitations decided but not yet issued (token and message), for the issuing worker.
    index('survey_invitations_pending_idx').on(t.createdAt).where(sql`sent_at IS NULL`),
  ],
);

/** The last time each customer was asked anything, for the recontact limit across all surveys. */
export const surveyLastContact = pgTable(
  'survey_last_contact',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }).onDelete('cascade'),
  ],
);

/** Workspace-wide survey policy: recontact limit (days between any two surveys to one customer). */
export const surveyPolicies = pgTable('survey_policies', {
  tenantId: uuid('tenant_id').primaryKey(),
  recontactDays: integer('recontact_days').notNull().default(30),
  /** invitations by SMS ask for a reply with a digit (the provider's inbound URL is set up) */
  smsReplies: boolean('sms_replies').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A tablet on a shop counter: registered to a location, with its own token (in survey_tokens). */
export const surveyKiosks = pgTable(
  'survey_kiosks',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    location: text('location').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
  ],
);

/**
 * Sums and counts of complete answers, kept by the write that completes, edits or deletes a
 * response, so results never scan raw answers. One row per survey, question ('' = the response
 * itself), day (workspace time zone), channel, stage ('' = none), segment (the nil uuid = every
 * response) and bucket ('' = the question's statistics, `v:<score>` a score's count,
 * `o:<option>` a choice's count), spread over `shard` so concurrent writes do not queue on one row.
 */
export const surveyRollups = pgTable(
  'survey_rollups',
  {
    tenantId: uuid('tenant_id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    questionId: text('question_id').notNull(),
    day: date('day').notNull(),
    channel: text('channel').notNull(),
    stage: text('stage').notNull().default(''),
    segmentId: uuid('segment_id').notNull(),
    bucket: text('bucket').notNull().default(''),
    shard: smallint('shard').notNull().default(0),
    answered: integer('answered').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    sum: bigint('sum', { mode: 'number' }).notNull().default(0),
    sumSq: bigint('sum_sq', { mode: 'number' }).notNull().default(0),
    promoters: integer('promoters').notNull().default(0),
    passives: integer('passives').notNull().default(0),
    detractors: integer('detractors').notNull().default(0),
    topTwo: integer('top_two').notNull().default(0),
    bottomTwo: integer('bottom_two').notNull().default(0),
    agree: integer('agree').notNull().default(0),
    desiredSum: bigint('desired_sum', { mode: 'number' }).notNull().default(0),
    adequateSum: bigint('adequate_sum', { mode: 'number' }).notNull().default(0),
    perceivedSum: bigint('perceived_sum', { mode: 'number' }).notNull().default(0),
    belowZone: integer('below_zone').notNull().default(0),
    withinZone: integer('within_zone').notNull().default(0),
    aboveZone: integer('above_zone').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.surveyId, t.questionId, t.day, t.channel, t.stage, t.segmentId, t.bucket, t.shard] }),
    // Results read one segment (the all-responses one unless filtered), and a trend its statistics
    // rows ('' bucket) over a range of days: this narrows the scan to exactly those.
    index('survey_rollups_segment_idx').on(t.tenantId, t.surveyId, t.segmentId, t.questionId, t.bucket, t.day),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
  ],
);

/** Frequent terms and phrases of a free-text question, computed by a job, with example answers. */
export const surveyTextThemes = pgTable(
  'survey_text_themes',
  {
    tenantId: uuid('tenant_id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    questionId: text('question_id').notNull(),
    term: text('term').notNull(),
    /** 1 for a word, 2 or 3 for a phrase */
    words: smallint('words').notNull(),
    count: integer('count').notNull(),
    examples: uuid('examples').array().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.surveyId, t.questionId, t.term] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
  ],
);
