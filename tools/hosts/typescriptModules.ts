/**
 * Lets require() load TypeScript adapter modules (.ts, .cts, .tsx, and the .ts files they import):
 * each file is transpiled to CommonJS on load — types erased, never checked — by `transpileModule`
 * of convspec's own TypeScript, an exact-pinned dependency. The TypeScript a user's project installs
 * plays no part: `npm i typescript` gives 7.x today, whose package has no JavaScript compiler API
 * (ts-node, used before, failed on it with "Cannot read properties of undefined (reading
 * 'fileExists')"). npm nests convspec's pinned copy under node_modules/convspec when the project's
 * own version differs, and require('typescript') from here finds that copy first.
 */
import * as fs from 'node:fs';

/** The part of TypeScript's JavaScript API used here (typescript 5.x / 6.x). */
interface TranspileApi {
  version: string;
  transpileModule(source: string, options: object): { outputText: string; diagnostics?: TsDiagnostic[] };
  flattenDiagnosticMessageText(text: unknown, newLine: string): string;
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
  JsxEmit: { React: number };
}

interface TsDiagnostic {
  start?: number;
  messageText: unknown;
  file?: { getLineAndCharacterOfPosition(pos: number): { line: number; character: number } };
}

/** The extensions compiled here (.mts would need an ESM loader hook; loadModule refuses it). */
export const TYPESCRIPT_EXTENSIONS = ['.ts', '.cts', '.tsx'];

let api: TranspileApi | undefined;

/** convspec's TypeScript, checked to have the API this module calls; throws with the reason. */
function typescript(): TranspileApi {
  if (api) return api;
  let loaded: Partial<TranspileApi> | undefined;
  try {
    loaded = require('typescript') as Partial<TranspileApi>;
  } catch (e) {
    throw new Error(`convspec's TypeScript compiler (the "typescript" dependency) could not be loaded: ${(e as Error).message}; reinstall convspec, or pass the compiled .js file`);
  }
  if (typeof loaded?.transpileModule !== 'function' || typeof loaded.flattenDiagnosticMessageText !== 'function') {
    throw new Error(`the "typescript" package found from convspec (version ${String(loaded?.version)}) has no transpileModule; convspec needs the version it pins (package.json) — reinstall convspec, or pass the compiled .js file`);
  }
  api = loaded as TranspileApi;
  return api;
}

/** `source` (the contents of `file`) as CommonJS JavaScript; a syntax error throws SyntaxError naming file:line:column. */
export function transpileTypeScript(source: string, file: string): string {
  const ts = typescript();
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      jsx: ts.JsxEmit.React,
      inlineSourceMap: true,
    },
  });
  const first = out.diagnostics?.[0];
  if (first) {
    const at = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const where = at ? `${file}:${at.line + 1}:${at.character + 1}` : file;
    throw new SyntaxError(`${where}: ${ts.flattenDiagnosticMessageText(first.messageText, '\n')}`);
  }
  return out.outputText;
}

type CompilingModule = NodeJS.Module & { _compile(code: string, filename: string): void };

let registered = false;

/**
 * Registers the TypeScript extensions with require() in this process (once). Loads the compiler
 * first, so a broken installation fails here with its reason rather than inside a require.
 */
export function registerTypeScript(): void {
  if (registered) return;
  typescript();
  for (const ext of TYPESCRIPT_EXTENSIONS) {
    // require.extensions is deprecated for new loaders, but it is the hook CommonJS has (ts-node,
    // pirates and @babel/register use it); Node 20 has no other synchronous one.
    require.extensions[ext] = (module, filename) => {
      (module as CompilingModule)._compile(transpileTypeScript(fs.readFileSync(filename, 'utf8'), filename), filename);
    };
  }
  registered = true;
}
