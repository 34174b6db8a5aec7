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
  /** field → column index (the first column when several headers mean the same field) */
  columns: Map<string, number>;
  /** every header of the file → the field it fills, or `ignore` */
  effective: Record<string, string>;
}

function mappingProblem(reason: string, errors: FieldError[]): Problem {
  return new Problem(422, 'invalid_csv', { reason }, errors);
}

/**
 * Decides which column fills which field: the explicit mapping first (header → field, `ignore`
 * to skip), then the default names. `dynamic` recognises headers that name their own field
 * (say `attribute.size`). Refuses a mapping that names a header the file lacks or sends two
 * columns to one field, and a file lacking a column for each of `requiredAll` or for any of
 * `requiredAny`.
 */
export function resolveColumns(
  header: readonly string[],
  mapping: Record<string, string>,
  aliases: Map<string, string>,
  options: { requiredAny: readonly string[]; requiredAll?: readonly string[]; dynamic?: (header: string) => string | undefined },
): ResolvedColumns {
  const columns = new Map<string, number>();
  // Headers come from the file: "constructor" or "__proto__" must be plain keys, not Object's.
  const effective: Record<string, string> = Object.create(null) as Record<string, string>;
  const errors: FieldError[] = [];
  // A mapping names a header as typed; "tags" still finds "Tags " and "شماره‌موبایل" "شماره موبایل".
  const byFolded = new Map<string, string>();
  for (const name of header) if (!byFolded.has(foldHeader(name))) byFolded.set(foldHeader(name), name);
  const explicit: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [given, field] of Object.entries(mapping)) {
    const name = header.includes(given) ? given : byFolded.get(foldHeader(given));
    if (name === undefined) errors.push({ field: `mapping.${given}`, code: 'unknown_column', message: `the file has no column "${given}"` });
    else explicit[name] = field;
  }
  const explicitFields = new Map<string, string>();
  for (const [name, field] of Object.entries(explicit)) {
    if (field === 'ignore') continue;
    const other = explicitFields.get(field);
    if (other !== undefined) errors.push({ field: `mapping.${name}`, code: 'duplicate_field', message: `"${other}" and "${name}" both map to ${field}` });
    explicitFields.set(field, name);
  }
  if (errors.length > 0) throw mappingProblem(errors.map((e) => e.message).join('; '), errors);

  header.forEach((name, index) => {
    const field = explicit[name] ?? options.dynamic?.(name) ?? aliases.get(foldHeader(name)) ?? 'ignore';
    // A default match gives way to a column the mapping names for that field.
    const taken = field !== 'ignore' && (columns.has(field) || (explicit[name] === undefined && explicitFields.has(field)));
    if (name in effective) return;
    effective[name] = taken ? 'ignore' : field;
    if (!taken && field !== 'ignore') columns.set(field, index);
  });

  const missing = (options.requiredAll ?? []).filter((field) => !columns.has(field));
  if (missing.length > 0) {
    throw mappingProblem(`no column holds ${missing.join(', ')}`, [
      { field: 'file', code: 'missing_columns', message: `map a column to each of ${missing.join(', ')}` },
    ]);
  }
  if (!options.requiredAny.some((field) => columns.has(field))) {
    throw mappingProblem(`no column holds any of ${options.requiredAny.join(', ')}`, [
      { field: 'file', code: 'missing_columns', message: `map a column to one of ${options.requiredAny.join(', ')}` },
    ]);
  }
  return { columns, effective };
}
