/*
 * Guessing the user's names from table names, the way ORMs derive them by default: `authors` is
 * the `Author` model, reached through an `author` association (belongs-to) or `authors`
 * (has-many), keyed by `author_id`.
 */

const IRREGULAR: Record<string, string> = { people: 'person', children: 'child', men: 'man', women: 'woman', data: 'data' };

/** `authors` → `author`, `categories` → `category`, `addresses` → `address`, `post_tags` → `post_tag`. */
export function singular(word: string): string {
  const lower = word.toLowerCase();
  const last = lower.lastIndexOf('_');
  const head = word.slice(0, last + 1);
  const tail = word.slice(last + 1);
  const t = tail.toLowerCase();
  if (IRREGULAR[t]) return head + IRREGULAR[t];
  if (t.endsWith('ies') && t.length > 3) return head + tail.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh)es$/.test(t)) return head + tail.slice(0, -2);
  if (t.endsWith('ses') && !t.endsWith('uses')) return head + tail.slice(0, -1);
  if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) return head + tail.slice(0, -1);
  return word;
}

function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[^A-Za-z0-9]+/).filter(Boolean);
}

/** `post_tags` → `PostTags`. */
export function pascalCase(name: string): string {
  return words(name).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');
}

/** `author_id` → `authorId`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal ? pascal[0].toLowerCase() + pascal.slice(1) : name;
}

/** The model a table maps to by default: `authors` → `Author`, `post_tags` → `PostTag`. */
export function modelName(table: string): string {
  return pascalCase(singular(table));
}

/** A short loop variable for a table's rows: `posts` → `post`. */
export function rowName(table: string): string {
  return camelCase(singular(table)) || 'row';
}

/** A JavaScript identifier, or the name quoted as a property key when it is not one. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A variable for a table's rows, plural even when the table is not: `post` → `posts`. */
export function listName(table: string): string {
  const list = camelCase(table);
  return list === rowName(table) ? `${list}s` : list;
}
