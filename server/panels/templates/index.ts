import type { IncomingMessage } from 'node:http';
import type { CapturedTemplate, LiveRequest } from '../../request/record.js';
import type { ServerPanel } from '../panel.js';
import type { TemplatesDetail } from '../../types.js';
import { instrumentEjs } from './engines/ejs.js';
import { instrumentHandlebars } from './engines/handlebars.js';
import { instrumentNunjucks } from './engines/nunjucks.js';
import { instrumentPug } from './engines/pug.js';
import { instrumentAppViews } from './view-render.js';
import { buildTemplates } from '../timeline/timeline-tree.js';
import { readSql } from '../sql/read.js';

/**
 * Template engines whose partials/includes the toolbar times, one key per engine, in the
 * `instrument` option. The views themselves are timed without this, whatever the engine
 * (view-render.ts); and engines Express loaded through `require` are found on the first render
 * anyway (registry.ts). Adding an engine is one file in engines/ and one line in {@link ENGINES}.
 */
export interface TemplateInstrumentable {
  /** `import ejs from 'ejs'`: includes. */
  ejs?: unknown;
  /** `import pug from 'pug'`: includes, listed as inlined. */
  pug?: unknown;
  /** `import nunjucks from 'nunjucks'`: includes, extends. */
  nunjucks?: unknown;
  /** The handlebars module, the hbs module, or an express-handlebars instance: partials. */
  handlebars?: unknown;
}

const ENGINES: Record<keyof TemplateInstrumentable, (module: unknown) => void> = {
  ejs: instrumentEjs,
  pug: instrumentPug,
  nunjucks: instrumentNunjucks,
  handlebars: instrumentHandlebars,
};

/**
 * The Templates panel: every view, layout and partial rendered, with its file, locals' names,
 * compile time and the queries run while it rendered. The renders are recorded on the timeline
 * (they are spans too), so the panel needs the timeline on; Server-Timing's `render` is its figure.
 */
export const templatesPanel: ServerPanel<LiveRequest, CapturedTemplate[] | undefined, TemplatesDetail> = {
  id: 'templates',
  title: 'Templates',
  instrument: ENGINES,
  start({ live, req }) {
    // The Timeline panel, before this one in the registry, opened the request's timeline.
    if (live.timeline) instrumentAppViews((req as IncomingMessage & { app?: unknown }).app);
    return live;
  },
  finish: (live) => (live.timeline && live.timeline.templates.length > 0 ? live.timeline.templates : undefined),
  readsRecord: true,
  detail: (_stored, record, settings) => ({ renders: buildTemplates(record, readSql(record, settings).queries) }),
  serverTiming(live) {
    const now = performance.now() - live.startTime;
    let durationMs = 0;
    for (const template of live.timeline?.templates ?? []) {
      // Top-level views only: an include's time is already inside its parent's.
      if (template.parentId === null) durationMs += template.durationMs ?? now - template.startMs;
    }
    return [{ name: 'render', durationMs }];
  },
};
