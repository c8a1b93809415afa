import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Vite names chunks with a content hash: those may be cached for good. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A file name, optionally in one sub-folder: nothing that could climb out of the asset folder. */
const SAFE_NAME = /^(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const HASHED_NAME = /[-.][A-Za-z0-9_-]{8,}\.(?:js|css)$/;

/** dist/ui next to dist/server when installed, or ../dist/ui when the sources run (tests, tsx). */
function findUiFolder(): string | null {
  const candidates = [new URL('../../ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)];
  for (const candidate of candidates) {
    const folder = fileURLToPath(candidate);
    if (existsSync(join(folder, 'launcher.js'))) return folder;
  }
  return null;
}

/**
 * Reads the UI's built files once each and keeps them in memory: a handful of files that every
 * page of the app asks for.
 */
export function createAssetReader(folder: string | null = findUiFolder()) {
  // Only files that exist: remembering every name asked for would let requests grow the map.
  const cache = new Map<string, Asset>();
  return function readAsset(name: string): Asset | null {
    if (!folder || !SAFE_NAME.test(name) || name.includes('..')) return null;
    const cached = cache.get(name);
    if (cached) return cached;
    let asset: Asset | null = null;
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) {
      try {
        const body = readFileSync(join(folder, name));
        const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
        asset = { body, contentType, etag, immutable: HASHED_NAME.test(name) };
      } catch {
        asset = null;
      }
    }
    if (asset) cache.set(name, asset);
    return asset;
  };
}
