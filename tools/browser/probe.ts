/**
 * What the installed browser offers the browser targets: a WebGPU adapter, WebGL2, a WebNN backend.
 * One headless launch and one page from the loopback server (a secure context, as verify uses).
 */
import { launchBrowser } from './launch';
import { startPageServer } from './server';

export interface BrowserFeatures {
  /** Browser version and flags. */
  browser: string;
  webgpu: { ok: true; detail: string } | { ok: false; why: string };
  webgl2: { ok: true; detail: string } | { ok: false; why: string };
  webnn: { ok: true; detail: string } | { ok: false; why: string };
}

type Probe = { ok: boolean; detail?: string; why?: string };

// The function given to page.evaluate runs in the page, where these exist (this module compiles without the DOM library).
declare const navigator: unknown;
declare const document: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): { RENDERER: number; getParameter(p: number): unknown } | null } };

export async function probeBrowser(): Promise<BrowserFeatures> {
  const server = await startPageServer();
  try {
    const launched = await launchBrowser();
    try {
      const page = await launched.browser.newPage();
      await page.goto(server.origin + '/');
      const found = (await page.evaluate(async () => {
        const out: Record<string, { ok: boolean; detail?: string; why?: string }> = {};
        const nav = navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> }; ml?: { createContext(): Promise<unknown> } };
        try {
          const adapter = nav.gpu ? await nav.gpu.requestAdapter() : null;
          const info = adapter?.info ?? {};
          out.webgpu = adapter ? { ok: true, detail: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'adapter' } : { ok: false, why: nav.gpu ? 'navigator.gpu.requestAdapter() gave no adapter' : 'navigator.gpu is absent' };
        } catch (e) {
          out.webgpu = { ok: false, why: String(e) };
        }
        const gl = document.createElement('canvas').getContext('webgl2');
        out.webgl2 = gl ? { ok: true, detail: String(gl.getParameter(gl.RENDERER)) } : { ok: false, why: 'no WebGL2 context' };
        try {
          if (!nav.ml) out.webnn = { ok: false, why: 'navigator.ml is absent' };
          else {
            await nav.ml.createContext();
            out.webnn = { ok: true, detail: 'navigator.ml context' };
          }
        } catch (e) {
          out.webnn = { ok: false, why: `navigator.ml.createContext() failed: ${(e as Error).name}: ${(e as Error).message}` };
        }
        return out;
      })) as Record<'webgpu' | 'webgl2' | 'webnn', Probe>;
      const norm = (p: Probe) => (p.ok ? { ok: true as const, detail: p.detail ?? '' } : { ok: false as const, why: p.why ?? 'unavailable' });
      return { browser: `Chromium ${launched.version}`, webgpu: norm(found.webgpu), webgl2: norm(found.webgl2), webnn: norm(found.webnn) };
    } finally {
      await launched.browser.close().catch(() => undefined);
    }
  } finally {
    await server.close();
  }
}
