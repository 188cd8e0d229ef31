import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';

describe('popp-bridge trigger --list', () => {
  it('prints the event types by category, each with its topic, without a bridge running', async () => {
    const lines: string[] = [];
    expect(await main(['trigger', '--list'], (line) => lines.push(line))).toBe(0);
    const headings = lines.filter((line) => !line.startsWith(' '));
    expect(headings).toEqual(['analysis (2)', 'conversation (7)', 'document (1)', 'scheduling (7)', 'workflow (9)']);
    expect(lines).toHaveLength(5 + 26);
    const scheduling = lines.indexOf('scheduling (7)');
    expect(lines.slice(scheduling + 1, scheduling + 8).every((line) => /^ {2}CALENDAR_[A-Z_]+ +popp\.calendar\.[a-z.]+$/.test(line))).toBe(
      true,
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}START_CONVERSATION_FAILED +popp\.start\.conversation\.failed$/));
  });

  it('refuses a type together with --all, and no type at all', async () => {
    const lines: string[] = [];
    expect(await main(['trigger', 'DOCUMENT_UPLOADED', '--all'], (line) => lines.push(line))).toBe(2);
    expect(await main(['trigger'], (line) => lines.push(line))).toBe(2);
    expect(lines.every((line) => line.startsWith('usage: popp-bridge trigger'))).toBe(true);
  });
});
