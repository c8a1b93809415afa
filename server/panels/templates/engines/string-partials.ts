type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * A partial registered as a string (hbs registers every file of `registerPartials(dir)` so) is
 * compiled on its first use by Handlebars' `invokePartialWrapper`, outside `VM.invokePartial`:
 *
 *     result = env.VM.invokePartial(partial, context, options)   // a string: undefined
 *     options.partials[options.name] = env.compile(partial, …)    // compiled on the fly
 *     result = options.partials[options.name](context, options)  // rendered
 *
 * Called from `VM.invokePartial` with the string, this catches the assignment that follows: the
 * compiled function is stored as Handlebars stores it (later renders pass it to `invokePartial`,
 * recorded there), and the one read right after returns `record(compiled)`, the call recorded as
 * the partial's render. Handlebars compiles lazily, inside that call: the compile is the partial's.
 * An object that cannot take the accessor (frozen, a getter of its own) is left alone.
 *
 * @example
 * catchCompiledPartial(options.partials, 'row', (compiled) => (...args) => timeRender(…, () => compiled(...args)))
 */
export function catchCompiledPartial(partials: unknown, name: string, record: (compiled: AnyFunction) => AnyFunction): void {
  if (!partials || typeof partials !== 'object' || !Object.isExtensible(partials)) return;
  const own = Object.getOwnPropertyDescriptor(partials, name);
  if (!own || !own.configurable || !own.writable || typeof own.value !== 'string') return;
  const store = (value: unknown) => Object.defineProperty(partials, name, {
    value, writable: true, enumerable: own.enumerable, configurable: true,
  });
  let compiled: AnyFunction | null = null;
  Object.defineProperty(partials, name, {
    enumerable: own.enumerable,
    configurable: true,
    get() {
      if (!compiled) return own.value as unknown;
      const fn = compiled;
      compiled = null;
      store(fn);
      return record(fn);
    },
    set(value: unknown) {
      if (typeof value === 'function') compiled = value as AnyFunction;
      else store(value);
    },
  });
}
