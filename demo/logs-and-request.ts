import { Router } from 'express';
import type { PGlite } from '@electric-sql/pglite';
import { siteSettings } from './repositories/site.js';

/**
 * Pages for the Logs and Request panels: a page that logs between its queries (one line a
 * warning), and a JSON endpoint whose body, params and query the Request tab shows.
 */
export function logsAndRequestRoutes(db: PGlite): Router {
  const router = Router();

  router.get('/logs', async function pageThatLogs(req, res) {
    console.info('rendering the settings page for %s', req.ip);
    const settings = await siteSettings(db);
    if (Object.keys(settings).length < 10) console.warn('only %d settings: using the defaults for the rest', Object.keys(settings).length);
    console.log({ event: 'settings-read', count: Object.keys(settings).length, apiToken: 'demo-secret-token' });
    res.render('logs', { title: 'Logs', active: '/logs', settings });
  });

  router.post('/api/posts/:id/notes', function addNote(req, res) {
    console.info('note added to post %s', req.params.id);
    res.status(201).json({ postId: Number(req.params.id), note: req.body?.note ?? null, password: 'never shown' });
  });

  return router;
}
