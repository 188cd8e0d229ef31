import { CONSOLE_OUTCOMES, type ConsoleOutcome } from './activity.js';
import { formatCount, type Html, html } from './html.js';

export type Stacks = Record<ConsoleOutcome, number[]>;

/** Sums the per-minute counts of several series into one stack per outcome. */
export function stacksOf(series: readonly { outcome: ConsoleOutcome; perMinute: number[] }[], minutes: number): Stacks {
  const stacks = Object.fromEntries(CONSOLE_OUTCOMES.map((o) => [o, new Array<number>(minutes).fill(0)])) as Stacks;
  for (const { outcome, perMinute } of series) {
    perMinute.forEach((count, index) => {
      stacks[outcome][index] = (stacks[outcome][index] ?? 0) + count;
    });
  }
  return stacks;
}

/** The last hour as stacked bars per minute, drawn as inline SVG (no script; a tooltip per minute). */
export function activityChart(stacks: Stacks, minutes: readonly number[]): Html {
  const width = 960;
  const height = 220;
  const left = 44;
  const bottom = 24;
  const top = 10;
  const plotHeight = height - bottom - top;
  const slot = (width - left - 8) / minutes.length;
  const totals = minutes.map((_, index) => CONSOLE_OUTCOMES.reduce((sum, o) => sum + (stacks[o][index] ?? 0), 0));
  const max = niceMax(Math.max(1, ...totals));
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const bars = minutes.map((start, index) => {
    let base = 0;
    const x = left + index * slot + 1;
    const label = `${clock(start)} — ${CONSOLE_OUTCOMES.map((o) => `${o} ${stacks[o][index] ?? 0}`).join(', ')}`;
    const rects = CONSOLE_OUTCOMES.map((outcome) => {
      const count = stacks[outcome][index] ?? 0;
      if (count === 0) return html``;
      const rect = html`<rect class="o-${outcome}" x="${x.toFixed(1)}" y="${y(base + count).toFixed(1)}" width="${(slot - 2).toFixed(1)}" height="${(y(base) - y(base + count)).toFixed(1)}"></rect>`;
      base += count;
      return rect;
    });
    return html`<g><title>${label}</title><rect class="empty" x="${x.toFixed(1)}" y="${top}" width="${(slot - 2).toFixed(1)}" height="${plotHeight}" opacity="0.35"></rect>${rects}</g>`;
  });
  const gridLines = [0, 0.5, 1].map((share) => {
    const value = Math.round(max * share);
    return html`<line class="axis" x1="${left}" x2="${width - 8}" y1="${y(value)}" y2="${y(value)}"></line>
      <text x="${left - 6}" y="${y(value) + 4}" text-anchor="end">${formatCount(value)}</text>`;
  });
  const ticks = [0, 15, 30, 45, minutes.length - 1].map((index) => {
    const start = minutes[index] ?? 0;
    const anchor = index === 0 ? 'start' : index === minutes.length - 1 ? 'end' : 'middle';
    const x = left + index * slot + (index === minutes.length - 1 ? slot : 0);
    return html`<text x="${x.toFixed(1)}" y="${height - 6}" text-anchor="${anchor}">${clock(start)}</text>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Webhooks per minute, last hour, by outcome">
    ${gridLines}${bars}${ticks}
  </svg>`;
}

/** One event type's hour, small, for its table row. */
export function sparkline(stacks: Stacks): Html {
  const width = 150;
  const height = 26;
  const count = stacks.published.length;
  const totals = Array.from({ length: count }, (_, i) => CONSOLE_OUTCOMES.reduce((sum, o) => sum + (stacks[o][i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = width / count;
  const bars = totals.map((_, index) => {
    let base = 0;
    return CONSOLE_OUTCOMES.map((outcome) => {
      const value = stacks[outcome][index] ?? 0;
      if (value === 0) return html``;
      const h = Math.max(1, (value / max) * (height - 2));
      const rect = html`<rect class="o-${outcome}" x="${(index * slot).toFixed(2)}" y="${(height - base - h).toFixed(2)}" width="${Math.max(1, slot - 0.6).toFixed(2)}" height="${h.toFixed(2)}"></rect>`;
      base += h;
      return rect;
    });
  });
  return html`<svg class="spark" viewBox="0 0 ${width} ${height}" aria-hidden="true"><rect class="empty" x="0" y="${height - 1}" width="${width}" height="1"></rect>${bars}</svg>`;
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}
