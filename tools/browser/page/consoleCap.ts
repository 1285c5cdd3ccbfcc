/**
 * Caps what the module under test logs before DevTools carries it to Node. Every console message
 * crosses as one protocol message with each string argument whole, and an Error's, a String object's,
 * a function's or a Symbol's description whole too: a module logging 16 MB per call made convspec
 * parse, copy and print 16–64 MB lines (50 MB of stderr and 300 MB of memory for three cases here, more
 * elsewhere). Node cuts each line at 64 KiB (tools/hosts/lines.ts) but only after the message arrived
 * whole; this wrapper, installed on the page's console before the module loads, keeps each message
 * within about MESSAGE_MAX_CHARS on the page side, so what crosses is bounded too.
 *
 * A careless module is what this is for. One that wants to bypass it can (a fresh iframe's console, a
 * worker's): Node's cut then still bounds the line it prints, not the message it receives.
 */
import { apply, defineProperty } from './intrinsics';

/**
 * The longest console message the page sends: 60 Ki characters, so that with its type, the note of what
 * was cut and the `[adapter]` prefix an ASCII message stays within the Node side's 64 KiB line cap.
 */
export const MESSAGE_MAX_CHARS = 60 * 1024;
/** Arguments beyond this many are dropped (each crosses as a remote object of its own). */
const MAX_ARGS = 64;

const String_ = String;
const objectToString = Object.prototype.toString;
const stringValueOf = String.prototype.valueOf;
const slice = String.prototype.slice;
const errorStack = (e: object): unknown => (e as { stack?: unknown }).stack;
/** The console methods that print their arguments (assert's first is its condition, kept as is). */
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'assert', 'group', 'groupCollapsed', 'groupEnd', 'count', 'countReset', 'time', 'timeLog', 'timeEnd'];

/** `s` cut to `budget` characters, with a note of how many were dropped. */
export function cut(s: string, budget: number = MESSAGE_MAX_CHARS): string {
  if (s.length <= budget) return s;
  return `${apply(slice, s, [0, budget]) as string}… (${s.length - budget} more characters of this message not shown)`;
}

/**
 * An argument whose DevTools description is unbounded, as a string (or the argument itself when its
 * description is bounded: objects and arrays travel as previews of a few short properties).
 */
function boundedForm(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
      return v;
    case 'symbol':
    case 'bigint':
    case 'function':
      return safeString(v);
    case 'object': {
      if (v === null) return v;
      const tag = apply(objectToString, v, []) as string;
      if (tag === '[object Error]') return safeString(errorStack(v as object) ?? v);
      if (tag === '[object String]') {
        try {
          return apply(stringValueOf, v, []) as string; // a String object, by its internal slot
        } catch {
          return v;
        }
      }
      return v;
    }
    default:
      return v;
  }
}

function safeString(v: unknown): string {
  try {
    return String_(v);
  } catch {
    return `[${typeof v}]`;
  }
}

/** The arguments of one console call, each string cut so that the whole message stays within the cap. */
export function capArguments(args: ArrayLike<unknown>): unknown[] {
  const out: unknown[] = [];
  let budget = MESSAGE_MAX_CHARS;
  const n = args.length < MAX_ARGS ? args.length : MAX_ARGS;
  for (let i = 0; i < n; i++) {
    let v = boundedForm(args[i]);
    if (typeof v === 'string') {
      v = cut(v, budget > 0 ? budget : 0);
      budget -= (v as string).length;
    }
    defineProperty(out, i, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  }
  if (args.length > n) defineProperty(out, n, { __proto__: null, value: `… (${args.length - n} more arguments not shown)`, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  return out;
}

/** Replaces the console's printing methods by capped ones (they stay writable: a runtime may replace them). */
export function capConsole(target: Console = console): void {
  for (let i = 0; i < METHODS.length; i++) {
    const name = METHODS[i];
    const original = (target as unknown as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue;
    const capped = function (this: unknown, ...args: unknown[]) {
      return apply(original, target, capArguments(args));
    };
    defineProperty(target, name, { __proto__: null, value: capped, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
  }
}
