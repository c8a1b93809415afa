/*
 * Just enough of the Prisma schema language to read what Prisma 7's runtime data model leaves
 * out: which relation fields hold the foreign key (`@relation(fields: […], references: […])`),
 * which fields are lists, and the primary key. The generated client carries the schema text it
 * was generated from (`_engineConfig.inlineSchema`); its slimmed data model (name, kind, type,
 * relationName, dbName) no longer has `relationFromFields` or `isList`.
 */

/** One field line of a model block. */
export interface DslField {
  name: string;
  type: string;
  isList: boolean;
  isId: boolean;
  /** `@map("…")`. */
  dbName?: string;
  /** From `@relation(…)`: its name, and the fields/references lists when this side holds the key. */
  relationName?: string;
  fields?: string[];
  references?: string[];
}

export interface DslModel {
  name: string;
  /** `@@map("…")`. */
  dbName?: string;
  /** `@@schema("…")` (multiSchema). */
  schema?: string;
  /** `@@id([a, b])`. */
  compoundId?: string[];
  fields: DslField[];
}

/** The text without `//` comments, strings kept intact (a default may hold `//`). */
function withoutComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') { out += text[++i] ?? ''; continue; }
      if (c === '"') inString = false;
      continue;
    }
    if (c === '"') { inString = true; out += c; continue; }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    out += c;
  }
  return out;
}

/** The argument text of `@name(…)` in `attributes`, balanced parentheses; null when absent. */
function attributeArgs(attributes: string, name: string): string | null {
  const pattern = new RegExp(`(^|[^@\\w])${name.replace(/@/g, '\\@')}\\s*\\(`);
  const match = pattern.exec(attributes);
  if (!match) return null;
  let depth = 0;
  const open = match.index + match[0].length - 1;
  for (let i = open; i < attributes.length; i++) {
    if (attributes[i] === '(') depth++;
    else if (attributes[i] === ')' && --depth === 0) return attributes.slice(open + 1, i);
  }
  return null;
}

const firstString = (args: string | null) => (args ? /^\s*"([^"]*)"/.exec(args)?.[1] : undefined);

function namedList(args: string, name: string): string[] | undefined {
  const match = new RegExp(`\\b${name}\\s*:\\s*\\[([^\\]]*)\\]`).exec(args);
  return match ? match[1].split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

function readField(line: string): DslField | null {
  const match = /^\s*([A-Za-z_]\w*)\s+([A-Za-z_][\w.]*)(\[\])?(\?)?(.*)$/.exec(line);
  if (!match) return null;
  const [, name, type, list, , attributes] = match;
  const field: DslField = { name, type, isList: Boolean(list), isId: /(^|\s)@id\b/.test(attributes) };
  const map = firstString(attributeArgs(attributes, '@map'));
  if (map !== undefined) field.dbName = map;
  const relation = attributeArgs(attributes, '@relation');
  if (relation !== null) {
    const name = firstString(relation) ?? /\bname\s*:\s*"([^"]*)"/.exec(relation)?.[1];
    if (name !== undefined) field.relationName = name;
    const fields = namedList(relation, 'fields');
    const references = namedList(relation, 'references');
    if (fields) field.fields = fields;
    if (references) field.references = references;
  }
  return field;
}

/**
 * The models of a Prisma schema file: fields with their lists, ids, maps and relation keys.
 * Enums, generators and datasources are skipped.
 *
 * @example
 * parsePrismaSchema('model Post {\n id Int @id\n authorId Int @map("author_id")\n author User @relation(fields: [authorId], references: [id])\n}')
 * // [{ name: 'Post', fields: [{ name: 'id', isId: true, … }, { name: 'authorId', dbName: 'author_id', … }, { name: 'author', fields: ['authorId'], references: ['id'], … }] }]
 */
export function parsePrismaSchema(text: string): DslModel[] {
  const models: DslModel[] = [];
  let current: DslModel | null = null;
  for (const line of withoutComments(text).split('\n')) {
    if (!current) {
      const open = /^\s*(model|view)\s+([A-Za-z_]\w*)\s*\{/.exec(line);
      if (open) current = { name: open[2], fields: [] };
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '}') { models.push(current); current = null; continue; }
    if (trimmed.startsWith('@@')) {
      const map = firstString(attributeArgs(trimmed, '@@map'));
      if (map !== undefined) current.dbName = map;
      const schema = firstString(attributeArgs(trimmed, '@@schema'));
      if (schema !== undefined) current.schema = schema;
      const id = attributeArgs(trimmed, '@@id');
      if (id !== null) current.compoundId = /\[([^\]]*)\]/.exec(id)?.[1].split(',').map((s) => s.trim().replace(/\(.*$/, '')).filter(Boolean);
      continue;
    }
    const field = readField(line);
    if (field) current.fields.push(field);
  }
  return models;
}
