import { Problem, type FieldError } from '../http/problem.ts';
import { foldForSearch } from '../i18n/fold.ts';

/**
 * Header matching for CSV imports. A header is compared folded (letter variants, digits, case,
 * spaces, ZWNJ, `_ - . /` and brackets all ignored), so "Phone Number", "phone_number",
 * "شماره‌ موبایل" and "شماره موبايل" meet their field.
 */
export function foldHeader(header: string): string {
  return foldForSearch(header).replace(/[_\-./()[\]:]/g, '');
}

/** field → the headers that mean it, in any language; folded once. */
export function aliasTable(aliases: Record<string, readonly string[]>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [field, names] of Object.entries(aliases)) {
    for (const name of [field, ...names]) table.set(foldHeader(name), field);
  }
  return table;
}

export interface ResolvedColumns {
  /** field → column index (the first column when several headers mean the same field; the first joined one) */
  columns: Map<string, number>;
  /** field → the columns joined into it, in join order */
  joined: Map<string, number[]>;
  /** every header of the file → the field it fills, or `ignore` */
  effective: Record<string, string>;
  /** field → the headers joined into it, as stored on the import */
  joins: Record<string, string[]>;
}

/** A mapping as the API takes it: the short form (header → field) or the full one. */
export type MappingInput = Record<string, string> | { columns?: Record<string, string>; joins?: Partial<Record<string, string[]>>; runAutomations?: boolean };

export interface ImportPlan {
  columns: Record<string, string>;
  /** undefined: the importer proposes joins itself; `{}` asks for none */
  joins: Record<string, string[]> | undefined;
  runAutomations: boolean;
}

/** Both forms of a mapping as one shape. The short form's values are all field names (strings). */
export function readImportPlan(mapping: MappingInput): ImportPlan {
  const short = Object.values(mapping).some((value) => typeof value === 'string');
  if (short) return { columns: mapping as Record<string, string>, joins: undefined, runAutomations: false };
  const full = mapping as Exclude<MappingInput, Record<string, string>>;
  const joins = full.joins === undefined ? undefined : (Object.fromEntries(Object.entries(full.joins).filter(([, h]) => h !== undefined)) as Record<string, string[]>);
  return { columns: full.columns ?? {}, joins, runAutomations: full.runAutomations ?? false };
}

function mappingProblem(reason: string, errors: FieldError[]): Problem {
  return new Problem(422, 'invalid_csv', { reason }, errors);
}

/** The first header whose folded form is one of `names` (folded with foldHeader), skipping `except`. */
export function headerNamed(header: readonly string[], names: ReadonlySet<string>, except?: string): string | undefined {
  return header.find((name) => name !== except && names.has(foldHeader(name)));
}

export const foldedSet = (names: readonly string[]): ReadonlySet<string> => new Set(names.map(foldHeader));

/** A shop export told apart by the headers it always has; an entry that is a list is met by any of them. */
export interface ExportLayout<P extends string> {
  platform: P;
  signature: readonly (string | readonly string[])[];
}

/** The first layout whose every signature header the file has (compared folded), or null. */
export function detectLayout<P extends string>(header: readonly string[], layouts: readonly ExportLayout<P>[]): P | null {
  const present = new Set(header.map(foldHeader));
  const has = (entry: string | readonly string[]) => (typeof entry === 'string' ? [entry] : entry).some((name) => present.has(foldHeader(name)));
  return layouts.find((layout) => layout.signature.every(has))?.platform ?? null;
}

/**
 * Decides which column fills which field: the explicit mapping first (header → field, `ignore`
 * to skip), then the default names. `joins` sends several columns, in order, to one field.
 * `dynamic` recognises headers that name their own field (say `attribute.size`). Refuses a
 * mapping or join that names a header the file lacks or sends two columns to one field outside
 * a join, and a file lacking a column for each of `requiredAll` or for any of `requiredAny`.
 */
export function resolveColumns(
  header: readonly string[],
  mapping: Record<string, string>,
  aliases: Map<string, string>,
  options: {
    requiredAny: readonly string[];
    requiredAll?: readonly string[];
    dynamic?: (header: string) => string | undefined;
    joins?: Record<string, readonly string[]> | undefined;
  },
): ResolvedColumns {
  const columns = new Map<string, number>();
  const joined = new Map<string, number[]>();
  // Headers come from the file: "constructor" or "__proto__" must be plain keys, not Object's.
  const effective: Record<string, string> = Object.create(null) as Record<string, string>;
  const errors: FieldError[] = [];
  // A mapping names a header as typed; "tags" still finds "Tags " and "شماره‌موبایل" "شماره موبایل".
  const byFolded = new Map<string, string>();
  for (const name of header) if (!byFolded.has(foldHeader(name))) byFolded.set(foldHeader(name), name);
  const find = (given: string) => (header.includes(given) ? given : byFolded.get(foldHeader(given)));
  const explicit: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [given, field] of Object.entries(mapping)) {
    const name = find(given);
    if (name === undefined) errors.push({ field: `mapping.${given}`, code: 'unknown_column', message: `the file has no column "${given}"` });
    else explicit[name] = field;
  }
  const joins: Record<string, string[]> = {};
  const joinOf = new Map<string, string>();
  for (const [field, given] of Object.entries(options.joins ?? {})) {
    const names: string[] = [];
    for (const g of given) {
      const name = find(g);
      if (name === undefined) errors.push({ field: `joins.${field}`, code: 'unknown_column', message: `the file has no column "${g}"` });
      else if (joinOf.has(name)) errors.push({ field: `joins.${field}`, code: 'duplicate_field', message: `"${name}" is joined twice` });
      else if (explicit[name] !== undefined && explicit[name] !== field && explicit[name] !== 'ignore') {
        errors.push({ field: `joins.${field}`, code: 'duplicate_field', message: `"${name}" maps to ${explicit[name]} and is joined into ${field}` });
      } else {
        names.push(name);
        joinOf.set(name, field);
      }
    }
    if (names.length > 0) joins[field] = names;
  }
  const explicitFields = new Map<string, string>();
  for (const name of joinOf.keys()) explicit[name] = joinOf.get(name)!;
  for (const [field, names] of Object.entries(joins)) explicitFields.set(field, names[0]!);
  for (const [name, field] of Object.entries(explicit)) {
    if (field === 'ignore' || joinOf.has(name)) continue;
    const other = explicitFields.get(field);
    if (other !== undefined) errors.push({ field: `mapping.${name}`, code: 'duplicate_field', message: `"${other}" and "${name}" both map to ${field}` });
    explicitFields.set(field, name);
  }
  if (errors.length > 0) throw mappingProblem(errors.map((e) => e.message).join('; '), errors);

  header.forEach((name, index) => {
    if (name in effective) return;
    const field = explicit[name] ?? options.dynamic?.(name) ?? aliases.get(foldHeader(name)) ?? 'ignore';
    if (joinOf.has(name)) {
      effective[name] = field;
      return;
    }
    // A default match gives way to a column the mapping names for that field.
    const taken = field !== 'ignore' && (columns.has(field) || (explicit[name] === undefined && explicitFields.has(field)));
    effective[name] = taken ? 'ignore' : field;
    if (!taken && field !== 'ignore') columns.set(field, index);
  });
  for (const [field, names] of Object.entries(joins)) {
    const indices = names.map((name) => header.indexOf(name));
    columns.set(field, indices[0]!);
    joined.set(field, indices);
  }

  const missing = (options.requiredAll ?? []).filter((field) => !columns.has(field));
  if (missing.length > 0) {
    throw mappingProblem(`no column holds ${missing.join(', ')}`, [
      { field: 'file', code: 'missing_columns', message: `map a column to each of ${missing.join(', ')}` },
    ]);
  }
  if (options.requiredAny.length > 0 && !options.requiredAny.some((field) => columns.has(field))) {
    throw mappingProblem(`no column holds any of ${options.requiredAny.join(', ')}`, [
      { field: 'file', code: 'missing_columns', message: `map a column to one of ${options.requiredAny.join(', ')}` },
    ]);
  }
  return { columns, joined, effective, joins };
}

/** The cells of joined columns as one value: the non-empty ones, trimmed, joined by `separator`; null when all are empty. */
export function joinCells(cells: readonly string[], indices: readonly number[], separator: string): string | null {
  let joinedText: string | null = null;
  for (const index of indices) {
    const part = cells[index]?.trim();
    if (!part) continue;
    joinedText = joinedText === null ? part : `${joinedText}${separator}${part}`;
  }
  return joinedText;
}
