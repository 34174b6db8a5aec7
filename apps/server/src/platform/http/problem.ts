import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { PROBLEM_MESSAGES, localise } from '../i18n/messages.ts';
import { negotiateLocale, type Locale } from '../i18n/locale.ts';
import { formatMoneyParam, isMoneyParam, type MoneyParam } from '../i18n/money.ts';

export interface FieldError {
  field: string;
  code: string;
  message: string;
  /** the record that already holds this value (a duplicate), for a link to it */
  existingId?: string;
  /** not sent: which message says it best and with what (a bound's number), when not the code's own */
  wording?: { key: string; params: Record<string, string | number> };
}

/** A value a problem's message says: a number in the reader's digits, money in their digits and the workspace's unit, a string as given. */
export type ProblemParam = string | number | MoneyParam;

/**
 * An RFC 9457 problem: a stable `code` for programs, a localised `detail` for people.
 * Services throw these; the error handler renders them as application/problem+json.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Record<string, ProblemParam> = {},
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(code);
    this.name = 'Problem';
  }
}

export const notFound = () => new Problem(404, 'not_found');
export const invalidField = (field: string, code: string, params: Record<string, string | number> = {}) =>
  new Problem(422, code, params, [{ field, code, message: code }]);

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

/**
 * A field error's message in the reader's language: ours by code when we have one (zod's
 * issue codes included), else the validator's own English text rather than nothing.
 */
function fieldMessage(error: FieldError, locale: Locale, params: Record<string, string | number>): string {
  if (error.wording && PROBLEM_MESSAGES[error.wording.key]) return localise(error.wording.key, locale, localNumbers(error.wording.params, locale));
  return PROBLEM_MESSAGES[error.code] ? localise(error.code, locale, params) : error.message;
}

const NUMBER_FORMATS: Record<Locale, Intl.NumberFormat> = {
  fa: new Intl.NumberFormat('fa-IR'), ar: new Intl.NumberFormat('ar-SA-u-nu-arab'), en: new Intl.NumberFormat('en-US'),
};

/**
 * A number said in the reader's digits: «۱٬۰۰۰» in Persian, «١٬٠٠٠» in Arabic; money (minor units,
 * a bigint) in their digits and the workspace's unit, «۲۰٬۰۰۰ تومان». Only numbers and money: a
 * string stays as given, digits or not (a root-cause code, a question id the person typed).
 */
function localNumbers(params: Record<string, ProblemParam>, locale: Locale): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [
    key, typeof value === 'number' ? NUMBER_FORMATS[locale].format(value) : isMoneyParam(value) ? formatMoneyParam(value, locale) : value,
  ]));
}

/** What zod keeps of a size issue: what was measured and its bound. */
interface SizeIssue {
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
}

/**
 * The message for a size issue that names its bound ("enter 1 or more", "at most 200 characters")
 * rather than zod's "too short or too small". The code stays `too_small`/`too_big` for programs.
 */
function sizeWording(keyword: string | undefined, params: SizeIssue | undefined): FieldError['wording'] {
  if (keyword !== 'too_small' && keyword !== 'too_big') return undefined;
  const bound = keyword === 'too_small' ? params?.minimum : params?.maximum;
  const origin = params?.origin;
  if (params?.inclusive === false || (typeof bound !== 'number' && typeof bound !== 'bigint')) return undefined;
  const value = Number(bound);
  if (!Number.isSafeInteger(value)) return undefined;
  const kind = origin === 'string' ? 'string' : origin === 'array' || origin === 'set' ? 'array' : origin === 'number' || origin === 'int' || origin === 'bigint' ? 'number' : undefined;
  if (!kind) return undefined;
  if (keyword === 'too_small' && kind === 'string' && value <= 1) return { key: 'too_small_empty', params: {} };
  return { key: `${keyword}_${kind}`, params: { [keyword === 'too_small' ? 'minimum' : 'maximum']: value } };
}

export function problemBody(problem: Problem, locale: Locale, instance?: string): ProblemBody {
  // Counts and amounts in the reader's digits, in the detail as in the field messages.
  const params = localNumbers(problem.params, locale);
  const detail = localise(problem.code, locale, params);
  return {
    type: `https://vafa.dev/problems/${problem.code.replace(/_/g, '-')}`,
    title: problem.code,
    status: problem.status,
    code: problem.code,
    detail,
    ...(instance ? { instance } : {}),
    ...(problem.fieldErrors.length > 0
      ? { errors: problem.fieldErrors.map(({ wording, ...e }) => ({ ...e, message: fieldMessage({ ...e, wording }, locale, params) })) }
      : {}),
  };
}

/** What the zod type provider keeps of an issue besides its code (the keyword) and message. */
interface ZodIssueParams {
  params?: { code?: unknown };
}

/** A validation issue's stable code: a custom check names its own (`params.code`, see contracts), others are zod's. */
function issueCode(keyword: string | undefined, rest: ZodIssueParams | undefined): string {
  if (keyword === 'custom' && typeof rest?.params?.code === 'string') return rest.params.code;
  return String(keyword ?? 'invalid');
}

/** Maps whatever was thrown to a Problem: ours, validation, Fastify's own, or an unknown 500. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    return new Problem(
      400,
      'validation_failed',
      {},
      error.validation.map((v) => {
        const wording = sizeWording(v.keyword, v.params as SizeIssue);
        return {
          field: `${context}${v.instancePath.replace(/\//g, '.')}`,
          code: issueCode(v.keyword, v.params as ZodIssueParams),
          message: v.message ?? 'invalid',
          ...(wording ? { wording } : {}),
        };
      }),
    );
  }
  const fastifyError = error as Partial<FastifyError> & { type?: string };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem(415, 'unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new Problem(400, 'malformed_json');
    case 'FST_ERR_VALIDATION':
      return new Problem(400, 'validation_failed');
    case 'FST_ERR_NOT_FOUND':
      return new Problem(404, 'not_found');
    case 'FST_ERR_BAD_URL':
      return new Problem(400, 'invalid_url');
  }
  if (fastifyError.statusCode === 429) return new Problem(429, 'rate_limited');
  if (fastifyError.statusCode === 413) return new Problem(413, 'body_too_large');
  if (error instanceof SyntaxError) return new Problem(400, 'malformed_json');
  // PostgreSQL input errors that slipped past validation are still the client's fault.
  const pgCode = postgresErrorCode(error);
  if (pgCode === '22P02' || pgCode === '22021' || pgCode === '22003' || pgCode === '22008' || pgCode === '22007') {
    return new Problem(400, 'validation_failed');
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new Problem(fastifyError.statusCode, fastifyError.statusCode === 404 ? 'not_found' : 'validation_failed');
  }
  return new Problem(500, 'internal_error');
}

/** drizzle wraps driver errors; the SQLSTATE is on the error or on its cause. */
export function postgresErrorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string' && /^[0-9A-Z]{5}$/.test(own)) return own;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

export function requestLocale(request: FastifyRequest): Locale {
  return negotiateLocale(request.headers['accept-language']);
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    // The route pattern, not the concrete path: ids in a 404 must not echo back.
    .send(problemBody(problem, requestLocale(request), request.routeOptions.url));
}
