/** A React root in jsdom per test, for the panel tests. Import only from `*.test.tsx` files. */
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, vi } from 'vitest';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Dom {
  readonly container: HTMLDivElement;
  render: (node: ReactNode) => Promise<void>;
  click: (element: Element | null | undefined) => Promise<void>;
  key: (element: Element, key: string) => Promise<void>;
  /** The button whose accessible name (aria-label, else text) is `name`. */
  button: (name: string | RegExp) => HTMLButtonElement;
}

export function setupDom(): Dom {
  let container: HTMLDivElement;
  let root: Root;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
  });
  afterEach(async () => {
    await act(async () => root.unmount());
    container.remove();
    vi.restoreAllMocks();
  });
  const nameOf = (b: HTMLButtonElement) => b.getAttribute('aria-label') ?? b.textContent?.trim() ?? '';
  return {
    get container() {
      return container;
    },
    render: async (node) => {
      await act(async () => root.render(node));
    },
    click: async (element) => {
      if (!element) throw new Error('nothing to click');
      await act(async () => (element as HTMLElement).click());
    },
    key: async (element, key) => {
      await act(async () => element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })));
    },
    button: (name) => {
      const found = [...container.querySelectorAll('button')].find((b) => (typeof name === 'string' ? nameOf(b) === name : name.test(nameOf(b))));
      if (!found) throw new Error(`no button named ${String(name)}`);
      return found;
    },
  };
}
