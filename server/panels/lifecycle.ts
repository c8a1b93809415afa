import type { LiveRequest, StoredRequest } from '../request/record.js';
import { warnOnce } from '../log.js';
import type {
  AnyServerPanel, LauncherBadge, PanelRedaction, PanelRequest, PanelRouteContext, PanelSettings, ServerTimingEntry,
} from './panel.js';
import { PANELS } from './registry.js';

/*
 * How the core calls the panels of server/panels/registry.ts, each hook behind its own try/catch:
 * a panel that throws is logged once and left out of that request, and the app is served unchanged.
 */

function guarded<T>(panel: AnyServerPanel, hook: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    return panelFailed(panel, hook, error);
  }
}

function panelFailed(panel: AnyServerPanel, hook: string, error: unknown): undefined {
  warnOnce(`panel-${panel.id}-${hook}`, `the ${panel.title} panel failed in ${hook}(); it is left out:`, error);
  return undefined;
}

/*
 * The hooks that run on every request (start, headersSent, badge, serverTiming, and the state kept
 * after finish) call the panel inline in their own try/catch: `guarded` would make a closure per
 * panel per request.
 */

/** The `instrument` keys the panels take, for the option's validation. */
export function panelInstrumentKeys(panels: readonly AnyServerPanel[] = PANELS): string[] {
  return panels.flatMap((panel) => Object.keys(panel.instrument ?? {}));
}

/**
 * Throws a TypeError naming every key the panels take when `instrument` has one no panel takes
 * (`coreKeys`: the ones the core itself reads, `socketIo`).
 */
export function validateInstrument(instrument: object, coreKeys: readonly string[] = [], panels: readonly AnyServerPanel[] = PANELS): void {
  // A key two panels take (`sequelize`: the SQL panel's ORM, the Logs panel's logging) is said once.
  const known = [...new Set([...panelInstrumentKeys(panels), ...coreKeys])];
  for (const key of Object.keys(instrument)) {
    if (!known.includes(key)) {
      throw new TypeError(`express-debug-toolbar: unknown driver \`instrument.${key}\`; supported: ${known.join(', ')}`);
    }
  }
}

/** Sets up every panel and patches the modules the app passed under their keys. */
export function setUpPanels(settings: PanelSettings, panels: readonly AnyServerPanel[] = PANELS): void {
  for (const panel of panels) {
    for (const [key, patch] of Object.entries(panel.instrument ?? {})) {
      const module = settings.instrument[key];
      // A wrong value is the user's mistake, said at start-up like any bad option: let it throw.
      if (module !== undefined && module !== null) patch(module);
    }
    guarded(panel, 'setup', () => panel.setup?.(settings));
  }
}

/** Tells the panels that the response's headers are being written. */
export function panelsHeadersSent(live: LiveRequest, panels: readonly AnyServerPanel[] = PANELS): void {
  const state = live.panelState;
  if (!state) return;
  for (const panel of panels) {
    if (!panel.headersSent || !(panel.id in state)) continue;
    try {
      panel.headersSent(state[panel.id]);
    } catch (error) {
      panelFailed(panel, 'headersSent', error);
    }
  }
}

/** Opens each panel's state for a request, on `live.panelState`. */
export function startPanels(request: PanelRequest, panels: readonly AnyServerPanel[] = PANELS): void {
  const state: Record<string, unknown> = {};
  for (const panel of panels) {
    if (!panel.start) continue;
    let value: unknown;
    try {
      value = panel.start(request);
    } catch (error) {
      panelFailed(panel, 'start', error);
    }
    if (value !== undefined) state[panel.id] = value;
  }
  request.live.panelState = state;
}

/** Opens the state of the panels that record units (`recordsUnits`) for a task, socket event or background burst. */
export function startUnitPanels(request: PanelRequest, panels: readonly AnyServerPanel[] = PANELS): void {
  startPanels(request, panels.filter((panel) => panel.recordsUnits));
}

/** The panels' parts of the stored record, redacted; undefined when no panel stored anything. */
export function finishPanels(
  request: PanelRequest, redaction: PanelRedaction, panels: readonly AnyServerPanel[] = PANELS,
): Record<string, unknown> | undefined {
  const state = request.live.panelState;
  if (!state) return undefined;
  let stored: Record<string, unknown> | undefined;
  for (const panel of panels) {
    if (!(panel.id in state) || !panel.finish) continue;
    const part = guarded(panel, 'finish', () => panel.finish!(state[panel.id], request, redaction));
    if (part !== undefined) (stored ??= {})[panel.id] = part;
  }
  return stored;
}

/**
 * After `finishPanels`: drops the state of the panels that record nothing after the response
 * (their hooks see none from now on), and keeps the others' until `settlePanels`; with no grace
 * period (`afterResponseMs: 0`) nothing is recorded after the response, and nothing is kept.
 */
export function keepPanelsForLateWork(live: LiveRequest, graceMs: number, panels: readonly AnyServerPanel[] = PANELS): void {
  const state = live.panelState;
  if (!state) return;
  // A new object rather than `delete`: deleting turns the state into a slow dictionary.
  let kept: Record<string, unknown> | undefined;
  if (graceMs > 0) {
    for (const panel of panels) if (panel.recordsAfterResponse && panel.id in state) (kept ??= {})[panel.id] = state[panel.id];
  }
  live.panelState = kept;
}

/**
 * The settled record with the parts of the panels that record after the response finished again,
 * now that nothing more is recorded; their state is released.
 */
export function settlePanels(
  record: StoredRequest, request: PanelRequest, redaction: PanelRedaction, panels: readonly AnyServerPanel[] = PANELS,
): StoredRequest {
  const state = request.live.panelState;
  if (!state) return record;
  request.live.panelState = undefined;
  let stored = record.panels;
  for (const panel of panels) {
    if (!(panel.id in state) || !panel.recordsAfterResponse || !panel.finish) continue;
    const part = guarded(panel, 'finish', () => panel.finish!(state[panel.id], request, redaction));
    if (part !== undefined) stored = { ...stored, [panel.id]: part };
  }
  return stored === record.panels ? record : { ...record, panels: stored };
}

/**
 * `detail.panels`: each panel's part of a stored record as the API serves it. A panel is asked
 * when the record has its stored part, and every time when its detail reads the core's record.
 */
export function panelDetails(record: StoredRequest, settings: PanelSettings, panels: readonly AnyServerPanel[] = PANELS): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const panel of panels) {
    const stored = record.panels?.[panel.id];
    if (stored === undefined && !(panel.readsRecord && panel.detail)) continue;
    const detail = panel.detail ? guarded(panel, 'detail', () => panel.detail!(stored, record, settings)) : stored;
    if (detail !== undefined) details[panel.id] = detail;
  }
  return details;
}

/** The panels' fields of a request's list line (`RequestSummary`). */
export function panelSummaries(record: StoredRequest, settings: PanelSettings, panels: readonly AnyServerPanel[] = PANELS): Record<string, unknown> {
  let fields: Record<string, unknown> = {};
  for (const panel of panels) {
    if (!panel.summary) continue;
    const part = guarded(panel, 'summary', () => panel.summary!(record, settings));
    if (part) fields = { ...fields, ...part };
  }
  return fields;
}

/** The panels' parts of the launcher's badge for a page being sent. */
export function panelBadges(live: LiveRequest, panels: readonly AnyServerPanel[] = PANELS): (LauncherBadge & { id: string })[] {
  const badges: (LauncherBadge & { id: string })[] = [];
  const state = live.panelState;
  if (!state) return badges;
  for (const panel of panels) {
    if (!panel.badge || !(panel.id in state)) continue;
    let badge: LauncherBadge | null | undefined;
    try {
      badge = panel.badge(state[panel.id]);
    } catch (error) {
      panelFailed(panel, 'badge', error);
    }
    if (badge) badges.push({ id: panel.id, ...badge });
  }
  return badges;
}

/** The panels' `Server-Timing` figures. */
export function panelServerTiming(live: LiveRequest, panels: readonly AnyServerPanel[] = PANELS): ServerTimingEntry[] {
  const state = live.panelState;
  const entries: ServerTimingEntry[] = [];
  if (!state) return entries;
  for (const panel of panels) {
    if (!panel.serverTiming || !(panel.id in state)) continue;
    try {
      for (const entry of panel.serverTiming(state[panel.id]) ?? []) entries.push(entry);
    } catch (error) {
      panelFailed(panel, 'serverTiming', error);
    }
  }
  return entries;
}

/** The handler of `{mountPath}/api/{panel}/{rest}`, or null when no panel has that route. */
export function panelRoute(
  path: string, panels: readonly AnyServerPanel[] = PANELS,
): ((context: PanelRouteContext) => Promise<void> | void) | null {
  const match = /^\/api\/([a-z][a-z0-9-]*)(\/.*)?$/.exec(path);
  if (!match) return null;
  const panel = panels.find((candidate) => candidate.id === match[1]);
  return panel?.routes?.[match[2] ?? '/'] ?? null;
}
