import { Router, type Request, type Response } from 'express';
import type { PGlite } from '@electric-sql/pglite';
import { currentUser, findAuthorById } from './repositories/authors.js';
import { listComments, listTags } from './repositories/comments.js';
import {
  findPost,
  likePost,
  listPosts,
  listPostSummaries,
  listPostsWithAuthors,
} from './repositories/posts.js';
import { recentViews, siteSettings, viewsForPath } from './repositories/site.js';

/**
 * How many posts the list pages show: the N of /posts' N+1. The ten newest posts have ten
 * different authors, so the N+1 is not also a pile of duplicates (/duplicates shows those).
 */
export const POSTS_PER_PAGE = 10;

/** Every page of the demo. Each one shows off one thing the toolbar finds. */
export function demoRoutes(db: PGlite): Router {
  const router = Router();
  // Named handlers, so the toolbar's timeline shows names rather than "anonymous".

  router.get('/', function home(_req, res) {
    res.render('home', { title: 'Home', active: '/' });
  });

  // The N+1: one query for the list, then one per post for its author.
  router.get('/posts', async function postsWithNPlusOne(_req, res) {
    const posts = await listPosts(db, POSTS_PER_PAGE);
    const withAuthors = [];
    for (const post of posts) {
      const author = await findAuthorById(db, post.authorId);
      withAuthors.push({ ...post, authorName: author?.name ?? 'unknown' });
    }
    res.render('posts', {
      title: 'Posts (N+1)',
      active: '/posts',
      posts: withAuthors,
      variant: 'n-plus-one',
    });
  });

  // The same page with one JOIN.
  router.get('/posts/fixed', async function postsWithJoin(_req, res) {
    const posts = await listPostsWithAuthors(db, POSTS_PER_PAGE);
    res.render('posts', {
      title: 'Posts (one JOIN)',
      active: '/posts/fixed',
      posts,
      variant: 'fixed',
    });
  });

  router.get('/posts/:id', async function showPost(req, res) {
    const id = parsePostId(req);
    const post = id === undefined ? undefined : await findPost(db, id);
    if (id === undefined || !post) return notFound(res, `No post with id ${req.params.id}.`);
    const comments = await listComments(db, id);
    const tags = await listTags(db, id);
    res.render('post', { title: post.title, active: '/posts', post, comments, tags });
  });

  // A write in a transaction; redirects back so a reload does not like twice.
  router.post('/posts/:id/like', async function likeInTransaction(req, res) {
    const id = parsePostId(req);
    const likes =
      id === undefined ? undefined : await db.transaction((tx) => likePost(tx, id));
    if (id === undefined || likes === undefined) {
      return notFound(res, `No post with id ${req.params.id}.`);
    }
    res.redirect(303, `/posts/${id}`);
  });

  // Three "components" each load the same user and settings: the same queries, three times.
  router.get('/duplicates', async function duplicates(_req, res) {
    const header = await loadHeaderWidget(db);
    const sidebar = await loadSidebar(db);
    const profile = await loadProfileCard(db);
    res.render('duplicates', { title: 'Duplicates', active: '/duplicates', header, sidebar, profile });
  });

  router.get('/slow', async function slowScan(req, res) {
    const path = typeof req.query.path === 'string' && req.query.path ? req.query.path : '/posts/7';
    const summary = await viewsForPath(db, path);
    const views = await recentViews(db, path);
    res.render('slow', { title: 'Slow query', active: '/slow', summary, views });
  });

  // A page whose links swap the whole <body> the way Turbo Drive and htmx do (public/swap.js).
  router.get('/swap', function bodySwaps(_req, res) {
    res.render('swap', { title: 'Body swaps', active: '' });
  });

  // The partial the /swap page loads with fetch() or XHR, like htmx's hx-get: an N+1 of its own.
  router.get('/swap/fragment', async function authorsFragment(_req, res) {
    const posts = await listPosts(db, 5);
    const items = [];
    for (const post of posts) {
      const author = await findAuthorById(db, post.authorId);
      items.push(`<li>${escapeHtml(post.title)}, by ${escapeHtml(author?.name ?? 'unknown')}</li>`);
    }
    res.type('html').send(`<ul class="fragment">${items.join('')}</ul>`);
  });

  // JSON: the toolbar records it but must not inject anything into the body.
  router.get('/api/posts', async function apiPosts(_req, res) {
    const posts = await listPostSummaries(db);
    res.json({ count: posts.length, posts });
  });

  return router;
}

async function loadHeaderWidget(db: PGlite) {
  const user = await currentUser(db);
  const settings = await siteSettings(db);
  return { userName: user?.name ?? 'guest', siteName: settings.site_name };
}

async function loadSidebar(db: PGlite) {
  const user = await currentUser(db);
  const settings = await siteSettings(db);
  return { email: user?.email ?? '', tagline: settings.tagline };
}

async function loadProfileCard(db: PGlite) {
  const user = await currentUser(db);
  const settings = await siteSettings(db);
  return { bio: user?.bio ?? '', theme: settings.theme };
}

function parsePostId(req: Request): number | undefined {
  const id = Number(req.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function notFound(res: Response, message: string): void {
  res.status(404).render('not-found', { title: 'Not found', active: '', message });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
