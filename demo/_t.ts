import { PGlite } from '@electric-sql/pglite';
let t = performance.now();
const db = new PGlite(); await db.waitReady;
console.log('init', performance.now() - t);
const blob = await db.dumpDataDir('none');
t = performance.now();
const db2 = new PGlite({ loadDataDir: blob }); await db2.waitReady;
console.log('init2', performance.now() - t);
