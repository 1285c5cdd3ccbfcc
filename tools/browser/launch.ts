/**
 * Starts headless Chromium with playwright-core against an installed executable (never a downloaded
 * one). The flags that give WebGPU, WebGL and WebNN a chance on a machine without a GPU are always
 * passed and reported, so a result is never mistaken for a real GPU's: on such a machine WebGPU and
 * WebGL run on SwiftShader, a CPU implementation of Vulkan / OpenGL ES.
 */
import type { Browser } from 'playwright-core';
import { findBrowser } from './findBrowser';
import { TargetError } from '../hosts/loadModule';

/** Flags for a software GPU adapter (measured on Debian's Chromium 156, see docs/FINDINGS.md). */
export const SOFTWARE_GPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--enable-features=WebMachineLearningNeuralNetwork'];

export interface LaunchedBrowser {
  browser: Browser;
  executable: string;
  version: string;
  /** Every flag passed beyond playwright's own. */
  flags: string[];
  /** Kills the browser process (when close() does not return). */
  kill(): void;
}

/** The flags convspec passes: a root user needs --no-sandbox (Chromium refuses to start otherwise). */
export function browserFlags(): string[] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return [...(root ? ['--no-sandbox'] : []), ...SOFTWARE_GPU_FLAGS];
}

/** Launches the browser; TargetError (verify exits 2) when there is none or it does not start. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const found = findBrowser();
  if ('missing' in found) throw new TargetError(found.missing);
  const flags = browserFlags();
  let browser: Browser;
  try {
    // Loaded here, not at the top: playwright-core costs ~0.4 s of every CLI start that never opens a browser.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: found.path, headless: true, args: flags, timeout: 60_000 });
  } catch (e) {
    throw new TargetError(`${found.path} did not start: ${(e as Error).message.split('\n')[0]}`);
  }
  const kill = () => {
    // playwright's Browser from launch() exposes no process handle: a second close with a reason is all
    // there is; a browser that ignores it is left to exit with convspec.
    void browser.close({ reason: 'convspec: the browser stopped answering' }).catch(() => undefined);
  };
  return { browser, executable: found.path, version: browser.version(), flags, kill };
}
