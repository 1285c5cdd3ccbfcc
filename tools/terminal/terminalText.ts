/**
 * Text from outside convspec (ONNX node names, folder and file names, adapters' messages and console
 * output) made safe to print on a terminal or into a plain-text log: every control character is shown
 * as a visible escape instead of acting. Without this a node name could clear the screen (ESC [2J),
 * write the clipboard (OSC 52), hide text (bidi overrides) or start a line of its own that forges
 * "CONFORMANT" (an embedded newline). The JSON report keeps the raw strings (JSON escapes them); the
 * HTML report escapes its own way.
 *
 * Escaped: C0 (U+0000–U+001F, newline and tab included), DEL, C1 (U+0080–U+009F), the bidi embeddings
 * and overrides U+202A–U+202E and isolates U+2066–U+2069 — as \n, \r, \t, \xHH or \uHHHH. A backslash
 * is left as it is, so escaping twice changes nothing.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One name or message as one line of terminal text: every control character escaped (see above). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Text whose line breaks are convspec's own (a multi-line message): each line made safe, the breaks kept. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}
