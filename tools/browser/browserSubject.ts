/**
 * A Subject whose implementation is an ES module running inside headless Chromium. The page comes from
 * the loopback server (server.ts); each call is one DevTools round trip carrying the tensors as
 * base64 (callOnce). A call that does not answer within the time limit, or a page that crashes, fails
 * the case (AdapterFault timeout / crash) and the next call gets a fresh page with the module loaded again.
 *
 * One call per round trip, not batches: the verifier asks one case at a time (spec/framework/subject.ts),
 * and a round trip costs about 2 ms against the 5 ms – 3 s a GPU runtime spends on a case. Base64
 * through DevTools costs about 0.25 s per MB each way; fetching raw bytes from the page server was
 * measured slower for the many small tensors and about as slow for megabytes (docs/FINDINGS.md, "Timings").
 */
import * as path from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { ConvTransposeAttributes, OpName, Tensor } from '../../impl/types';
import type { Subject } from '../../spec/framework/subject';
import { AdapterFault } from '../hosts/guard';
import { capLine } from '../hosts/lines';
import { TargetError } from '../hosts/loadModule';
import { sanitizeSupports, SupportsError } from '../hosts/supports';
import { launchBrowser, type LaunchedBrowser } from './launch';
import { startPageServer, type PageServer } from './server';
import { RAN_IN } from '../report/targetName';
import { jsonFaithful, type WireLoaded, type WireReply, type WireTensor } from './page/wire';

/**
 * The harness's API in the page (page/harness.ts): a fixed global, named bare in the code run there
 * (`globalThis` is an ordinary property the module could replace).
 */
declare const __convspec: {
  load(url: string, exportName?: string): Promise<WireLoaded>;
  call(...args: unknown[]): Promise<WireReply>;
  takeHeld(): WireReply;
};

import type { BrowserModule } from './browserModule';
export type { BrowserModule };

export interface BrowserSubjectOptions {
  timeoutMs?: number;
  /** Time limit for loading the module (runtimes, WebAssembly, GPU adapter). Default 60 000 ms. */
  loadTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * A tensor for the page. The validation clauses pass malformed ones on purpose (null data, a plain
 * array, odd dims): those travel as they are, so the adapter in the page sees what was passed.
 */
function wire(t: Tensor | null | undefined): WireTensor | null {
  if (t === undefined) return null;
  if (t === null || typeof t !== 'object') return { dims: undefined, raw: t, notObject: true };
  const { dims, data } = t as { dims: unknown; data: unknown };
  if (data instanceof Float32Array) return { dims, b64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
  return { dims, raw: data };
}

function fromWire(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length >> 2);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** The header line that says where the module ran: browser, version and every flag passed. */
export function browserDescription(b: Pick<LaunchedBrowser, 'version' | 'flags'>): string {
  return `Chromium ${b.version} headless, flags ${b.flags.join(' ')} (no GPU here: WebGPU and WebGL run on SwiftShader, a CPU implementation)`;
}

export async function openBrowserSubject(module: BrowserModule, options: BrowserSubjectOptions = {}): Promise<Subject> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const loadTimeoutMs = options.loadTimeoutMs ?? 60_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`[adapter] ${line}\n`));
  const moduleFile = 'file' in module ? path.resolve(module.file) : undefined;
  const url = 'file' in module ? `/user/${encodeURIComponent(path.basename(module.file))}` : `/convspec/tools/browser/page/adapters/${module.bundled}.js`;
  const exportName = 'file' in module ? module.exportName : undefined;

  let server: PageServer | undefined;
  let launched: LaunchedBrowser | undefined;
  /** Closing a wedged browser can hang too: give it a few seconds, then kill its process. */
  const closeBrowser = async (b: LaunchedBrowser | undefined) => {
    if (!b) return;
    await withTimeout(b.browser.close(), 5000, () => new Error('close timed out')).catch(() => b.kill());
  };
  const closeAll = async () => {
    await closeBrowser(launched);
    await server?.close().catch(() => undefined);
  };
  try {
    server = await startPageServer(moduleFile);
    launched = await launchBrowser();
  } catch (e) {
    await closeAll();
    throw e;
  }
  const origin = server.origin;

  interface Live {
    context: BrowserContext;
    page: Page;
    /** The page's DevTools session, for calls JSON carries unchanged (see `callOnce`). */
    cdp: CDPSession;
    dead: boolean;
    crashed?: string;
  }

  /** A fresh context and page with the module loaded, all within the load time limit. */
  async function openPage(): Promise<{ live: Live; loaded: WireLoaded }> {
    let context: BrowserContext | undefined;
    const opening = (async () => {
      context = await launched!.browser.newContext();
      const page = await context.newPage();
      const live: Live = { context, page, cdp: await context.newCDPSession(page), dead: false };
      // The page cuts console messages before they cross (page/consoleCap.ts); these cuts bound the line
      // printed for what bypasses that (another frame's console, a worker, an uncaught error's message).
      page.on('console', (m) => log(capLine(`${m.type()}: ${m.text()}`)));
      page.on('pageerror', (e) => log(capLine(`page error: ${e.message}`)));
      page.on('crash', () => {
        live.crashed = 'the page crashed';
        live.dead = true;
      });
      await page.goto(origin + '/');
      const loaded = (await page.evaluate(([u, name]) => __convspec.load(u, name ?? undefined), [url, exportName ?? null] as const)) as WireLoaded;
      return { live, loaded };
    })();
    return withTimeout(opening, loadTimeoutMs, () => new TargetError(`loading ${url} in the page took longer than ${loadTimeoutMs} ms`)).catch(async (e) => {
      if (context) await withTimeout(context.close(), 5000, () => new Error('close timed out')).catch(() => undefined);
      throw e;
    });
  }

  let first: { live: Live; loaded: WireLoaded };
  try {
    first = await openPage();
  } catch (e) {
    await closeAll();
    throw e instanceof TargetError ? e : new TargetError(`the browser page could not load ${url}: ${(e as Error).message}`);
  }
  if (first.loaded.type === 'loadError') {
    await closeAll();
    throw new TargetError(`${'file' in module ? module.file : module.bundled} cannot run in this browser: ${first.loaded.message}`);
  }
  let supports;
  try {
    const declared = sanitizeSupports(first.loaded.supports);
    supports = { ...declared, ops: declared.ops ?? first.loaded.methods };
  } catch (e) {
    await closeAll();
    throw new TargetError(`the adapter ${first.loaded.name} declares ${(e as SupportsError).message}`);
  }
  let current = first.live;

  /** After a timeout or crash: a fresh page; when even that fails (a wedged GPU process), a fresh browser. */
  async function livePage(): Promise<Live> {
    if (!current.dead) return current;
    await withTimeout(current.context.close(), 5000, () => new Error('close timed out')).catch(() => undefined);
    let next: { live: Live; loaded: WireLoaded } | undefined;
    try {
      next = await openPage();
    } catch (first) {
      log(`restarting the page failed (${(first as Error).message}); restarting the browser`);
      try {
        await closeBrowser(launched);
        launched = await launchBrowser();
        next = await openPage();
      } catch (e) {
        throw new AdapterFault('crash', `the page could not be restarted: ${(e as Error).message}`);
      }
    }
    if (next.loaded.type !== 'loaded') throw new AdapterFault('crash', `the page could not be restarted: ${next.loaded.message}`);
    current = next.live;
    return current;
  }

  /**
   * One call in the page. Arguments that JSON carries unchanged go as JSON text in one DevTools
   * Runtime.evaluate, and so does the reply when it is as plain. playwright's page.evaluate, which
   * serializes values JSON cannot hold (NaN, −0, undefined) and records a stack trace for every call,
   * took 3.2–4.2 ms for an empty round trip against 1.7–2.0 ms; through the subject that is 0.3–0.5 ms
   * less per small call and 10–15 % less for megabytes. Any other argument or reply takes page.evaluate.
   */
  async function callOnce(live: Live, args: readonly [OpName, WireTensor | null, WireTensor | null, WireTensor | null, unknown]): Promise<WireReply> {
    if (!jsonFaithful(args)) {
      return live.page.evaluate(([o, xw, ww, bw, a]) => __convspec.call(o, xw, ww, bw, a), args);
    }
    const answer = (await live.cdp.send('Runtime.evaluate', {
      expression: `__convspec.callJson(${args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')})`,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value?: unknown }; exceptionDetails?: { text?: string; exception?: { description?: string } } };
    if (answer.exceptionDetails) throw new Error(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text ?? 'the page threw');
    const value = answer.result.value as WireReply | { type: 'held' };
    if (value && value.type === 'held') return live.page.evaluate(() => __convspec.takeHeld());
    return value as WireReply;
  }

  return {
    name: `${first.loaded.name}${RAN_IN}${browserDescription(launched!)}`,
    supports,
    async run(op: OpName, x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvTransposeAttributes) {
      const live = await livePage();
      let reply: WireReply;
      try {
        reply = await withTimeout(
          callOnce(live, [op, wire(x), wire(w), b ? wire(b) : null, attrs ?? {}]),
          timeoutMs,
          () => new AdapterFault('timeout', `no result within ${timeoutMs} ms (the page was closed and a fresh one loaded)`),
        );
      } catch (e) {
        live.dead = true; // closed and replaced by the next call (livePage)
        if (e instanceof AdapterFault) throw e;
        throw new AdapterFault('crash', `${live.crashed ?? 'the page failed'}: ${(e as Error).message.split('\n')[0]}`);
      }
      switch (reply.type) {
        case 'result':
          return { dims: reply.dims, data: fromWire(reply.b64) } as Tensor; // dims checked by the guard
        case 'thrown': {
          if (!reply.isError) throw new AdapterFault('non-error-throw', `the adapter threw ${reply.message}, not an Error`);
          const err = new Error(reply.message);
          if (reply.name) err.name = reply.name;
          if (reply.code !== undefined) (err as Error & { code?: unknown }).code = reply.code;
          throw err;
        }
        case 'contract':
          throw new AdapterFault('contract', reply.message);
        case 'wrong-type':
          throw new AdapterFault('wrong-type', reply.message);
        default:
          throw new AdapterFault('protocol', `unexpected page reply ${JSON.stringify(reply).slice(0, 100)}`);
      }
    },
    async close() {
      await closeAll();
    },
  };
}
