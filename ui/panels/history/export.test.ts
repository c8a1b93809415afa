import { describe, expect, it } from 'vitest';
import { exportFileName } from './export.js';

describe('exportFileName', () => {
  it.each([
    [{ method: 'GET', url: '/api/posts?x=1', id: 'abc-1f' }, 'GET-api-posts-abc-1f.json'],
    [{ method: 'POST', url: '/', id: 'r1' }, 'POST-root-r1.json'],
  ])('%o → %s', (input, name) => expect(exportFileName(input)).toBe(name));
});
