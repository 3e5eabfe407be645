// SGR colour codes (ESC[...m) to styled spans; every other escape sequence is dropped.
export interface Span { text: string; className: string }

const ESCAPE = /\x1b\[([0-9;]*)([A-Za-z])/g;

export function parseAnsi(line: string, state: { fg: number | null; bold: boolean } = { fg: null, bold: false }): Span[] {
  const out: Span[] = [];
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const cls = [state.fg !== null ? `ansi-fg-${state.fg}` : '', state.bold ? 'ansi-bold' : ''].filter(Boolean).join(' ');
    out.push({ text, className: cls });
  };
  for (const m of line.matchAll(ESCAPE)) {
    push(line.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) { state.fg = null; state.bold = false; }
      else if (c === 1) state.bold = true;
      else if (c === 22) state.bold = false;
      else if (c === 39) state.fg = null;
      else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) state.fg = c;
      else if (c === 38 && codes[i + 1] === 5) i += 2;
      else if (c === 38 && codes[i + 1] === 2) i += 4;
    }
  }
  push(line.slice(last));
  return out;
}

export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '');
}

/** A line that reads as an error: error, failed, fatal, exception, or a non-zero exit. */
export const ERROR_LINE = /\b(error|errors|failed|failure|fatal|exception|panic)\b|exit (code|status) [1-9]/i;
/** Commands echoed before they run ("$ cmd", set -x's "+ cmd") are not errors, whatever they print. */
const ECHOED_COMMAND = /^(\$|\++) /;

export function firstErrorLine(plainLines: string[]): number {
  return plainLines.findIndex((l) => !ECHOED_COMMAND.test(l) && ERROR_LINE.test(l));
}
