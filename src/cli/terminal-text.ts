/**
 * Text on its way to a terminal. Run names, tags, params, metric names, file
 * names, ref names and a remote's messages may come from anyone who can push
 * to a shared remote, and a terminal obeys the escape sequences in them: a
 * window title, a cleared screen, a hyperlink planted over other text. So
 * every string the CLI prints has its control characters spelled out (`\x1b`),
 * except the newlines and tabs that lay out tmt's own lines.
 *
 * The only escape sequences that reach a terminal are the ones built here:
 * tmt's colours (`sgr`) and git's progress redraws (`meter`). They travel as
 * `Styled` values, which nothing else can make, so a string (from a note or
 * anywhere else) can never pass for styling, and forgetting to escape is not
 * possible: escaping is what happens to a string by default.
 */

/** C0 and C1 controls and DEL, except the tab and newline tmt lays lines out with. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `\x1b`: how a control character is shown, in tables, `tmt show` and everywhere else alike. */
export function spellOut(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

const HAS_CONTROL = new RegExp(CONTROL.source);

/** `text` with every control character but tab and newline spelled out. */
export function escapeControls(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, spellOut) : text; // the test first: most text has none, and a table has many cells
}

/** Only this module holds it: a Styled value cannot be made from outside. */
const MINT = Symbol('terminal-text');

/** Text tmt vouches for: its parts were escaped, and the only sequences in it are tmt's own. */
export class Styled {
  readonly #text: string;

  constructor(mint: symbol, text: string) {
    if (mint !== MINT) throw new Error('Styled text is made only by src/cli/terminal-text.ts');
    this.#text = text;
  }

  /** The characters for the terminal. */
  get text(): string {
    return this.#text;
  }
}

/** What the output layer takes: a plain string (escaped on the way out) or styled text. */
export type Text = string | Styled;

/** The characters to write for `t`: a string with its controls spelled out, styled text as it was built. */
export function forTerminal(t: Text): string {
  return t instanceof Styled ? t.text : escapeControls(t);
}

/** Pieces put together; strings among them are escaped, styled ones kept. */
export function concat(...parts: readonly Text[]): Styled {
  return joinText(parts);
}

export function joinText(parts: readonly Text[], separator: Text = ''): Styled {
  return new Styled(MINT, parts.map(forTerminal).join(forTerminal(separator)));
}

/** A template whose values may be styled: `styled\`run ${id} ${paint(...)}\n\``. */
export function styled(strings: TemplateStringsArray, ...values: readonly Text[]): Styled {
  const parts: Text[] = [];
  strings.forEach((s, i) => parts.push(s, ...(i < values.length ? [values[i]!] : [])));
  return joinText(parts);
}

export function isEmpty(t: Text): boolean {
  return forTerminal(t) === '';
}

/** `text` between a Select Graphic Rendition (colour) code and a reset. */
export function sgr(params: string, text: Text): Styled {
  if (!/^\d+(;\d+)*$/.test(params)) throw new Error(`not an SGR parameter list: ${JSON.stringify(params)}`);
  return new Styled(MINT, `\u001b[${params}m${forTerminal(text)}\u001b[0m`);
}

/**
 * Git's progress meters on a terminal, as git would show them: a carriage
 * return redraws the line, so it is kept; anything else (a remote can put
 * what it likes after `remote:`) is spelled out.
 */
export function meter(chunk: string): Styled {
  return new Styled(MINT, chunk.replace(CONTROL, (c) => (c === '\r' ? c : spellOut(c))));
}

/**
 * A JSON document as `JSON.stringify(value, null, 2)` writes it. JSON escapes
 * C0 controls itself but not DEL or the C1 controls (U+009B is a CSI to many
 * terminals); those are written as \u escapes, which parse to the same value.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
