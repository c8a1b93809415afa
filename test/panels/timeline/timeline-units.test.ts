import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../server/security/redact-url.js';
import { mergeServerTiming, serverTimingValue } from '../../../server/request/server-timing.js';
import { hasHttpErrorChannel } from '../../../server/panels/timeline/http-client.js';
import { templateName } from '../../../server/panels/templates/capture.js';
import { engineOf } from '../../../server/panels/templates/view-render.js';

describe('redactUrl', () => {
  it.each([
    ['https://a.test/x?q=cats', 'https://a.test/x?q=cats'],
    ['https://a.test/x?token=abc&q=1', 'https://a.test/x?token=[redacted]&q=1'],
    ['https://a.test/x?api_key=1&apiKey=2&KEY=3', 'https://a.test/x?api_key=[redacted]&apiKey=[redacted]&KEY=[redacted]'],
    ['https://a.test/x?client_secret=s&password=p&auth=a', 'https://a.test/x?client_secret=[redacted]&password=[redacted]&auth=[redacted]'],
    ['https://a.test/x?X-Amz-Signature=abc&sig=1', 'https://a.test/x?X-Amz-Signature=[redacted]&sig=[redacted]'],
    ['https://a.test/x?access%5Ftoken=t#frag', 'https://a.test/x?access%5Ftoken=[redacted]#frag'],
    ['https://user:pw@a.test/x', 'https://user:[redacted]@a.test/x'],
    ['https://a.test/x?flag&token', 'https://a.test/x?flag&token'],
    ['https://a.test/x?monkey=banana&author=ann&keyboard=us', 'https://a.test/x?monkey=banana&author=ann&keyboard=us'],
    ['https://a.test/x?accessToken=1&refresh_token=2&apikey=3&sessionId=4', 'https://a.test/x?accessToken=[redacted]&refresh_token=[redacted]&apikey=[redacted]&sessionId=[redacted]'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('Server-Timing', () => {
  it("writes the panels' figures, then the total", () => {
    expect(serverTimingValue([{ name: 'db', durationMs: 12.345, description: '3 queries' }, { name: 'render', durationMs: 4 }], 20.06))
      .toBe('db;dur=12.3;desc="3 queries", render;dur=4, total;dur=20.1');
    // A description cannot end the quoted string or escape out of it.
    expect(serverTimingValue([{ name: 'cache', durationMs: 1, description: 'a"b\\c' }], 2)).toBe('cache;dur=1;desc="abc", total;dur=2');
  });

  it("keeps the app's own entries", () => {
    expect(mergeServerTiming(undefined, 'db;dur=1')).toBe('db;dur=1');
    expect(mergeServerTiming('cache;desc=hit', 'db;dur=1')).toBe('cache;desc=hit, db;dur=1');
    expect(mergeServerTiming(['a', 'b'], 'db;dur=1')).toBe('a, b, db;dur=1');
  });
});

describe('helpers', () => {
  it('subscribes to http.client.request.error only where Node publishes it', () => {
    expect(hasHttpErrorChannel('20.16.0')).toBe(false);
    expect(hasHttpErrorChannel('20.17.0')).toBe(true);
    expect(hasHttpErrorChannel('22.1.0')).toBe(true);
  });

  it('names templates by their path under the views folder', () => {
    expect(templateName('/app/views/partials/row.ejs', '/app/views')).toBe('partials/row');
    expect(templateName('/app/views/partials/row.ejs', ['/other', '/app/views/'])).toBe('partials/row');
    expect(templateName('/elsewhere/row.njk', '/app/views')).toBe('row');
    expect(templateName(null, undefined)).toBe('template');
  });

  it('tells the engine from the view', () => {
    expect(engineOf({ ext: '.hbs' })).toBe('handlebars');
    expect(engineOf({ ext: '.jade' })).toBe('pug');
    expect(engineOf({ ext: '.eta' })).toBe('eta');
    class NunjucksView { ext = '.html'; }
    expect(engineOf(new NunjucksView())).toBe('nunjucks');
  });
});
