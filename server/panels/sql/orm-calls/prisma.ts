import type { RequestContext } from '../../../request/context.js';
import { reportHookError } from '../../../instrument/patch.js';
import { ormCallContext, runIn, setKeys, type OrmCallInfo } from './call.js';

/*
 * Prisma 7 runs a model call (`prisma.user.findUnique(…)`) long after the call: the client returns
 * a lazy PrismaPromise, and its request goes through a dataloader that batches on a later tick,
 * so no frame of the user's code is left when the SQL reaches the driver. Every such promise is
 * made by the client's `_createPrismaPromise(callback, { model, action, args })`, synchronously on
 * the user's line: wrapping it captures the frames and the call there, and runs `callback` (the
 * request, started when the promise is awaited) in a context that carries them. Extended clients
 * (`$extends`) inherit it from the original client; the fluent API and `$queryRaw` go through it too.
 * Interactive transactions make a client of their own: its model methods are wrapped on the way in.
 */

interface PrismaPromiseOp {
  model?: string;
  action?: string;
  args?: { include?: unknown; select?: unknown } | undefined;
}

type Callback = (transaction?: { kind?: string }) => unknown;
type Factory = (callback: Callback, op?: PrismaPromiseOp) => unknown;

const PATCHED = Symbol.for('express-debug-toolbar.prisma-calls');

/** The client method the user wrote, from Prisma's action name: `createOne` was `create`. */
const METHODS: Record<string, string> = {
  createOne: 'create', updateOne: 'update', deleteOne: 'delete', upsertOne: 'upsert', aggregate: 'aggregate',
};

function callInfo(op: PrismaPromiseOp | undefined): OrmCallInfo {
  const info: OrmCallInfo = { orm: 'prisma' };
  if (op?.model) info.model = op.model;
  if (op?.action) info.method = METHODS[op.action] ?? op.action;
  // include: { author: true } and select: { author: true } both load the relation with the rows.
  const loads = [...new Set([...setKeys(op?.args?.include), ...setKeys(op?.args?.select)])];
  if (loads.length > 0) info.loads = loads;
  return info;
}

function wrapFactory(original: Factory): Factory {
  return function createPrismaPromise(this: unknown, callback: Callback, op?: PrismaPromiseOp) {
    let context: RequestContext | null = null;
    try {
      context = ormCallContext(callInfo(op), createPrismaPromise);
    } catch (error) {
      reportHookError(error);
    }
    if (!context || typeof callback !== 'function') return original.call(this, callback, op);
    const callContext = context;
    const withoutCall = { ...callContext, ormCall: undefined };
    return original.call(this, function runCall(transaction) {
      // In a batch `$transaction([…])`, Prisma runs every statement from the first promise's
      // request: the frames stay, but they are not one call of the user's.
      return runIn(transaction?.kind === 'batch' ? withoutCall : callContext, () => callback(transaction));
    }, op);
  };
}

/** A PrismaPromise whose request (started by then/catch/finally) runs in `context`. */
function bindPromise(promise: any, context: RequestContext): unknown {
  if (!promise || typeof promise.then !== 'function') return promise;
  const bound = Object.create(promise);
  for (const method of ['then', 'catch', 'finally', 'requestTransaction']) {
    const original = promise[method];
    if (typeof original !== 'function') continue;
    // Defined, not assigned: an assignment would go through the prototype's proxy (the fluent
    // API's) and land on the original promise.
    Object.defineProperty(bound, method, { value: (...args: unknown[]) => runIn(context, () => original.apply(promise, args)) });
  }
  return bound;
}

/**
 * The client an interactive transaction hands its callback (`$transaction(async (tx) => …)`) is
 * made per transaction, with a promise factory of its own that cannot be replaced without
 * replacing the original client's: its model methods are wrapped instead, through a proxy.
 */
function wrapTransactionClient(tx: object, models: Map<string, string>): object {
  const delegates = new Map<string, object>();
  const delegate = (model: string, target: Record<string, unknown>) => new Proxy(target, {
    get(object, method) {
      const value = Reflect.get(object, method);
      if (typeof value !== 'function' || typeof method !== 'string') return value;
      return function transactionCall(...args: unknown[]) {
        let context: RequestContext | null = null;
        try {
          context = ormCallContext(callInfo({ model, action: method, args: args[0] as PrismaPromiseOp['args'] }), transactionCall);
        } catch (error) {
          reportHookError(error);
        }
        const promise = value.apply(object, args);
        return context ? bindPromise(promise, context) : promise;
      };
    },
  });
  return new Proxy(tx, {
    get(object, key) {
      const value = Reflect.get(object, key);
      const model = typeof key === 'string' ? models.get(key) : undefined;
      if (!model || !value || typeof value !== 'object') return value;
      let wrapped = delegates.get(key as string);
      if (!wrapped) delegates.set(key as string, wrapped = delegate(model, value as Record<string, unknown>));
      return wrapped;
    },
  });
}

/**
 * Captures, at each call of a PrismaClient's model methods (and `$queryRaw`, fluent relations),
 * the user's call site and the call (model, method, the relations it includes), and attaches
 * them to the SQL the call produces. Throws a TypeError when `client` is not a PrismaClient.
 *
 * @example
 * instrumentPrismaCalls(prisma); // instrument: { pg, prisma }
 */
export function instrumentPrismaCalls(client: unknown): void {
  const proxy = client as { _originalClient?: object; _createPrismaPromise?: unknown; _runtimeDataModel?: unknown } | null;
  if (!proxy || typeof proxy !== 'object' || typeof proxy._createPrismaPromise !== 'function' || !proxy._runtimeDataModel) {
    throw new TypeError('express-debug-toolbar: `instrument.prisma` must be a PrismaClient (new PrismaClient({ adapter }))');
  }
  // The original client, not the proxy the app holds: extended clients are made from it.
  const raw = (proxy._originalClient ?? proxy) as {
    _createPrismaPromise: Factory & { [PATCHED]?: true };
    _createItxClient?: (...args: unknown[]) => object;
    _runtimeDataModel: { models?: Record<string, unknown> };
  };
  if (raw._createPrismaPromise[PATCHED]) return;
  const patched = wrapFactory(raw._createPrismaPromise) as Factory & { [PATCHED]?: true };
  Object.defineProperty(patched, PATCHED, { value: true });
  raw._createPrismaPromise = patched;
  const createItxClient = raw._createItxClient;
  if (typeof createItxClient === 'function') {
    // `prisma.user` for the model `User`: Prisma's accessor is the name with a lower-case first letter.
    const models = new Map(Object.keys(raw._runtimeDataModel.models ?? {}).map((name) => [name[0].toLowerCase() + name.slice(1), name]));
    raw._createItxClient = function createTransactionClient(this: unknown, ...args: unknown[]) {
      const tx = createItxClient.apply(this, args);
      try {
        return wrapTransactionClient(tx, models);
      } catch (error) {
        reportHookError(error);
        return tx;
      }
    };
  }
}
