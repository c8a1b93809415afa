import { performance } from 'node:perf_hooks';
import { contextOrBackground, currentContext } from '../../request/context.js';
import { captureCallSiteFrames } from '../../stack/caller-frames.js';
import { acceptsLateWork } from '../../request/after-response.js';
import type { RawFrame } from '../../types.js';
import { commandName, firstKey, keptArgs, readOutcome, runKey } from './command-shape.js';
import type { CacheClient, CachePipeline } from './types.js';

/** Round trips kept per request; more are counted. */
export const MAX_COMMANDS_PER_REQUEST = 500;

/** One round trip as captured: plain data, no reference to the app's objects. */
export interface CapturedCommand {
  command: string;
  key: string | null;
  args: string[];
  startMs: number;
  durationMs: number | null;
  frames: RawFrame[];
  client: CacheClient;
  /** The command with its full arguments (values included), until finish turns it into `run`. */
  runKey?: string;
  /** Which distinct run this is: equal numbers are the same command with the same arguments. */
  run?: number;
  hit?: boolean;
  misses?: number;
  error?: string;
  pipeline?: CachePipeline;
  /** Sent after the response, in the request's async context, before its record settled. */
  afterResponse?: true;
}

/** The Cache panel's state for one request. */
export interface CacheState {
  commands: CapturedCommand[];
  dropped: number;
  /** Run numbers given so far, by run key: a record finished again once settled numbers the same. */
  runs: Map<string, number>;
  /** The toolbar's `nPlusOneThreshold`, for the badge. */
  nPlusOneThreshold: number;
}

export const newCacheState = (nPlusOneThreshold: number): CacheState => ({ commands: [], dropped: 0, runs: new Map(), nPlusOneThreshold });

/** A command as a client hook sees it: the name and the arguments after it. */
export interface CommandInput {
  name: unknown;
  args: readonly unknown[];
}

/** What a hook calls when the reply (or the error) comes back. */
export interface OpenCommand {
  reply(value: unknown): void;
  fail(error: unknown): void;
  /** For a batch: each of its commands' replies, in order (node-redis gives them all at once). */
  replies?(values: readonly unknown[]): void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Records a round trip in the current request's Cache panel (or, outside any request, in the
 * background burst of the caller's line, as queries are), with the frames of the call (taken
 * now, not when the reply arrives) and returns what to call with its reply; null when nothing
 * records it. Never throws.
 */
export function openCommand(
  client: CacheClient,
  input: CommandInput | { batch: 'pipeline' | 'multi'; commands: readonly CommandInput[] } | (() => CommandInput),
  skipAbove: (...args: any[]) => unknown,
): OpenCommand | null {
  try {
    const request = currentContext();
    const context = request ?? contextOrBackground(skipAbove);
    const live = context?.request;
    if (!live) return null;
    // After the response: kept until the record settles (`afterResponseMs`), as queries are.
    const late = live.responded === true || live.finished;
    if (late && !acceptsLateWork(live)) return null;
    const state = live.panelState?.cache as CacheState | undefined;
    if (!state) return null;
    const changedLate = () => {
      if (live.responded || live.finished) live.onLateChange?.();
    };
    if (state.commands.length >= MAX_COMMANDS_PER_REQUEST) {
      state.dropped++;
      if (late) changedLate();
      return null;
    }
    const startMs = performance.now() - live.startTime;
    // A hook whose command takes work to read passes a function: it runs inside a request only.
    if (typeof input === 'function') input = input();
    const entry: CapturedCommand = 'batch' in input
      ? batchEntry(client, input.batch, input.commands, startMs)
      : singleEntry(client, input, startMs);
    // A background burst took the frames already, to find the caller's line.
    // Its call site only (the panel and its findings read the first user frame), along its hook's latest path.
    entry.frames = request === undefined && context?.frames ? context.frames() : captureCallSiteFrames(skipAbove);
    state.commands.push(entry);
    if (late) {
      entry.afterResponse = true;
      changedLate();
    }
    const settle = () => {
      if (entry.durationMs === null && !live.settled) {
        entry.durationMs = performance.now() - live.startTime - startMs;
        // A reply after the response changes the record: stored again once it settles.
        changedLate();
      }
    };
    return {
      reply(value) {
        settle();
        if (!entry.pipeline) Object.assign(entry, readOutcome(entry.command, value));
      },
      fail(error) {
        settle();
        entry.error = messageOf(error);
      },
      replies(values) {
        entry.pipeline?.commands.forEach((sub, i) => {
          const { hit } = readOutcome(sub.command, values[i]);
          if (hit !== undefined) sub.hit = hit;
        });
      },
    };
  } catch {
    // A command the toolbar could not read is the app's command all the same.
    return null;
  }
}

function singleEntry(client: CacheClient, input: CommandInput, startMs: number): CapturedCommand {
  const command = commandName(input.name);
  return {
    command, key: firstKey(command, input.args), args: keptArgs(command, input.args), startMs, durationMs: null,
    frames: [], client, runKey: runKey(command, input.args),
  };
}

function batchEntry(client: CacheClient, kind: 'pipeline' | 'multi', inputs: readonly CommandInput[], startMs: number): CapturedCommand {
  const commands = inputs.map((input) => {
    const command = commandName(input.name);
    return { command, key: firstKey(command, input.args), args: keptArgs(command, input.args) };
  });
  const runs = inputs.map((input) => runKey(commandName(input.name), input.args));
  return {
    command: kind === 'multi' ? 'MULTI' : 'PIPELINE', key: null, args: [], startMs, durationMs: null, frames: [], client,
    runKey: `${kind}\u0001${runs.join('\u0001')}`, pipeline: { kind, commands },
  };
}

/**
 * Turns the in-memory run keys (which hold the values written) into run numbers, before the
 * record leaves the request: duplicates are still found, and no value is stored. Numbers already
 * given stay (a record finished again once settled).
 */
export function numberRuns(state: CacheState): void {
  for (const command of state.commands) {
    if (command.runKey === undefined) continue;
    if (!state.runs.has(command.runKey)) state.runs.set(command.runKey, state.runs.size);
    command.run = state.runs.get(command.runKey);
    delete command.runKey;
  }
}
