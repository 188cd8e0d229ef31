import { describe, shownDefault, type Variable } from './declare.js';

export const TABLE_START = '<!-- configuration table: written by `npm run generate` from src/config/variables.ts -->';
export const TABLE_END = '<!-- end of the configuration table -->';

/** The configuration table of docs/configuration.md: a row per declared variable, in declaration order. */
export function configurationTable(declared: Record<string, Variable>): string {
  const rows = Object.entries(declared).map(([name, variable]) => [`\`${name}\``, shownDefault(variable), meaning(variable)]);
  const header = ['variable', 'default', 'meaning'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The help, and what the value must be where the help does not already say. */
function meaning(variable: Variable): string {
  const kind = variable.kind === 'int' || variable.kind === 'enum' || variable.kind === 'bool' ? ` (${describe(variable)})` : '';
  return `${variable.help}${kind}`.replaceAll('|', '\\|');
}

/** `text` with the block between the markers replaced by `table`; fails when the markers are missing. */
export function withTable(text: string, table: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`docs/configuration.md needs the lines ${TABLE_START} and ${TABLE_END} around its configuration table`);
  return `${text.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${text.slice(end)}`;
}
