/**
 * The contract between the launcher and the lazily loaded app: the launcher imports only these
 * types, so React never ends up in the launcher bundle.
 */

export interface MountOptions {
  /** The id of the request that rendered the page (`data-request-id`). */
  requestId: string;
  /** Where the toolbar is mounted, without a trailing slash: `/__toolbar`. */
  mountPath: string;
  /** Called when the user closes the panel from inside the app. */
  onClose: () => void;
  /** The page's CSP nonce, set on the app's `<style>` element. */
  nonce?: string;
}

/** Mounts the app into `target` (a shadow root or an element inside one); returns an unmount. */
export type MountFn = (target: ShadowRoot | Element, options: MountOptions) => () => void;

/** The shape of `dist/ui/app.js`. */
export interface AppModule {
  mount: MountFn;
}
