/** The parts of hbs and express-ejs-layouts the template tests use (neither ships types). */
declare module 'hbs' {
  interface HbsInstance {
    handlebars: unknown;
    __express: (file: string, options: object, callback: (error: unknown, html?: string) => void) => void;
    registerHelper(name: string, fn: (...args: any[]) => unknown): void;
    registerPartials(dir: string, done?: () => void): void;
    create(handlebars?: unknown): HbsInstance;
  }
  const hbs: HbsInstance;
  export default hbs;
}

declare module 'express-ejs-layouts' {
  import type { RequestHandler } from 'express';
  const layouts: RequestHandler;
  export default layouts;
}
