import { escapeHtml } from './html.js';

type Token = { kind: 'punct'; text: string } | { kind: 'string'; text: string } | { kind: 'literal'; text: string };

/** Numbers, true, false, null: copied as sent, never parsed (`12345678901234567891` and `1.50` stay so). */
const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a JSON string may not hold a raw control character, so one ends the match.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\r\n]*/y;
const MAX_DEPTH = 256;

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let at = 0;
  const next = (pattern: RegExp) => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    return match ? match[0] : undefined;
  };
  while (at < text.length) {
    at += (next(SPACE) ?? '').length;
    if (at >= text.length) break;
    const char = text[at] as string;
    if ('{}[]:,'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      at++;
      continue;
    }
    const string = char === '"' ? next(STRING) : undefined;
    const literal = string === undefined ? next(LITERAL) : undefined;
    const token = string ?? literal;
    if (token === undefined || token.length === 0) return undefined;
    tokens.push({ kind: string !== undefined ? 'string' : 'literal', text: token });
    at += token.length;
  }
  return tokens;
}

/** `/data/files/0/name` as ajv writes it: RFC 6901, `~1` for `/` and `~0` for `~`. */
function pointerPart(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * JSON re-indented by its tokens, as HTML: every number and string exactly as
 * received (nothing is parsed and written again), and the value at `mark` (a
 * JSON pointer, a schema violation's place) wrapped in <mark>. Undefined when
 * the text is not JSON: then only the raw bytes are shown.
 */
export function prettyJson(text: string, mark?: string): string | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  const stack: { kind: '{' | '['; index: number; key: string | undefined; path: string }[] = [];
  let out = '';
  let pos = 0;
  const indent = () => '  '.repeat(stack.length);
  const pathOfValue = () => {
    const top = stack.at(-1);
    if (!top) return '';
    return `${top.path}/${top.kind === '[' ? String(top.index) : pointerPart(top.key ?? '')}`;
  };

  const value = (): boolean => {
    const token = tokens[pos++];
    if (!token) return false;
    const path = pathOfValue();
    const marked = mark !== undefined && path === mark;
    if (marked) out += '<mark class="violation">';
    if (token.kind !== 'punct') {
      out += `<span class="j-${token.kind === 'string' ? 'str' : 'lit'}">${escapeHtml(token.text)}</span>`;
      if (marked) out += '</mark>';
      return true;
    }
    if (token.text !== '{' && token.text !== '[') return false;
    const open = token.text;
    const close = open === '{' ? '}' : ']';
    out += open;
    if (tokens[pos]?.text === close) {
      pos++;
      out += close;
      if (marked) out += '</mark>';
      return true;
    }
    // Deeper than any event: shown raw rather than recursed into.
    if (stack.length >= MAX_DEPTH) return false;
    stack.push({ kind: open, index: 0, key: undefined, path });
    for (;;) {
      out += `\n${indent()}`;
      const frame = stack.at(-1) as (typeof stack)[number];
      if (open === '{') {
        const key = tokens[pos++];
        if (key?.kind !== 'string' || tokens[pos++]?.text !== ':') return false;
        frame.key = JSON.parse(key.text) as string;
        out += `<span class="j-key">${escapeHtml(key.text)}</span>: `;
      }
      if (!value()) return false;
      const separator = tokens[pos++];
      if (separator?.text === ',') {
        out += ',';
        frame.index++;
        continue;
      }
      if (separator?.text !== close) return false;
      stack.pop();
      out += `\n${indent()}${close}`;
      if (marked) out += '</mark>';
      return true;
    }
  };
  if (!value() || pos !== tokens.length) return undefined;
  return out;
}

/** The JSON pointer at the start of a schema violation's detail (`/data/fileName must be string`), if any. */
export function pointerOfDetail(detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  if (detail.startsWith('(root) ')) return '';
  return /^(\/\S*) /.exec(detail)?.[1];
}
