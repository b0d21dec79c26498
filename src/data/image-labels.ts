import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DataError } from './types.js';

/** File name (as the labels file writes it) → its tags. */
export type TagTable = Map<string, string[]>;

/** Splits one CSV line into fields: commas separate, double quotes group, "" is a quote. */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(field); field = ''; } else field += ch;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/** Tags of one field: separated by ';' or '|' (or ',' inside a quoted field). */
function splitTags(fields: string[]): string[] {
  return fields.flatMap((f) => f.split(/[;|,]/)).map((t) => t.trim()).filter((t) => t.length > 0);
}

const HEADER_NAMES = new Set(['file', 'filename', 'file_name', 'name', 'path', 'image', 'id']);

/**
 * Reads a tags file: CSV (`file,tags` — the tags in one quoted field separated by commas,
 * or separated by ';' or '|', or one per column; a header row is skipped) or JSON
 * (`{"a.png": ["red hair", "glasses"]}`, or `[{"file": "a.png", "tags": [...]}]`, tags as
 * an array or a comma-separated string).
 */
export function readTagFile(path: string): TagTable {
  if (!existsSync(path)) throw new DataError(`labels file not found: ${path} (--labels takes a CSV or JSON file mapping file names to tags)`);
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const table: TagTable = new Map();
  const asTags = (v: unknown, where: string): string[] => {
    if (Array.isArray(v) && v.every((t) => typeof t === 'string')) return (v as string[]).map((t) => t.trim()).filter((t) => t.length > 0);
    if (typeof v === 'string') return splitTags([v]);
    throw new DataError(`${path}: ${where} must be a list of tag strings or one comma-separated string`);
  };
  if (extname(path).toLowerCase() === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new DataError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (Array.isArray(parsed)) {
      parsed.forEach((row: unknown, i) => {
        const r = row as { file?: unknown; tags?: unknown };
        if (typeof r?.file !== 'string') throw new DataError(`${path}: entry ${i} has no "file" string (expected [{"file": "a.png", "tags": [...]}])`);
        table.set(r.file, asTags(r.tags ?? [], `entry ${i}'s "tags"`));
      });
    } else if (parsed && typeof parsed === 'object') {
      for (const [file, tags] of Object.entries(parsed as Record<string, unknown>)) table.set(file, asTags(tags, `"${file}"`));
    } else {
      throw new DataError(`${path}: expected an object {"file": [tags]} or a list [{"file", "tags"}]`);
    }
    return table;
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  lines.forEach((line, i) => {
    const fields = csvFields(line);
    if (i === 0 && HEADER_NAMES.has(fields[0].toLowerCase())) return;
    if (!fields[0]) throw new DataError(`${path}:${i + 1}: the first column must be a file name`);
    table.set(fields[0], splitTags(fields.slice(1)));
  });
  return table;
}

/**
 * Matches the table's names to the folder's image files (relative path, base name or base
 * name without extension, when unique), and returns each file's tags. Names that match no
 * file are an error: a typo there would silently drop labels.
 */
export function matchTags(table: TagTable, files: readonly string[], labelsPath: string, dir: string): { tagNames: string[]; perFile: string[][] } {
  const byPath = new Map(files.map((f, i) => [f, i]));
  const byBase = new Map<string, number | null>();
  files.forEach((f, i) => {
    const b = basename(f);
    byBase.set(b, byBase.has(b) ? null : i);
  });
  const stem = (f: string) => f.slice(0, f.length - extname(f).length);
  const byStem = new Map<string, number | null>();
  files.forEach((f, i) => {
    const s = stem(f);
    byStem.set(s, byStem.has(s) ? null : i);
  });
  const perFile: string[][] = files.map(() => []);
  const missing: string[] = [];
  for (const [name, tags] of table) {
    const key = name.replace(/\\/g, '/').replace(/^\.\//, '');
    const i = byPath.get(key) ?? byBase.get(key) ?? byStem.get(key);
    if (i === undefined || i === null) missing.push(name);
    else perFile[i] = tags;
  }
  if (missing.length) {
    throw new DataError(
      `${labelsPath} names ${missing.length} file${missing.length === 1 ? '' : 's'} not in ${dir} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); fix the names or remove those rows`,
    );
  }
  const tagNames = [...new Set(perFile.flat())].sort();
  return { tagNames, perFile };
}
