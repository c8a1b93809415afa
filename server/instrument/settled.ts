/**
 * A promise that settles as `promise` does, after `observe` saw the outcome. Hand this one on in
 * place of the original: observing with a side `promise.then(a, b)` would mark a rejection as
 * handled and silence the application's own unhandled-rejection report.
 *
 * @example
 * return observeSettled(pgPromise, (error, value) => record(error, value));
 */
export function observeSettled<T>(promise: PromiseLike<T>, observe: (error: unknown, value?: T) => void): Promise<T> {
  return Promise.resolve(promise).then(
    (value) => {
      observe(undefined, value);
      return value;
    },
    (error: unknown) => {
      observe(error ?? new Error('rejected'));
      throw error;
    },
  );
}
