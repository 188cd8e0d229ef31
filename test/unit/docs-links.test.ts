import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

function markdownUnder(folder: string): string[] {
  return readdirSync(join(projectRoot, folder)).flatMap((name) => {
    const path = `${folder}/${name}`;
    if (statSync(join(projectRoot, path)).isDirectory()) return markdownUnder(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const documents = ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...markdownUnder('docs')];
const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Every `[text](target)` and `![alt](target)` target, without an optional title. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] ?? '');
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutCode = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** What is wrong with one relative link of `from`, or undefined when it resolves. */
function brokenLink(from: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? from : relative(projectRoot, join(projectRoot, dirname(from), decodeURIComponent(path)));
  if (!existsSync(join(projectRoot, file))) return `${target}: no file ${file}`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  return anchors(read(file)).has(anchor) ? undefined : `${target}: no heading #${anchor} in ${file}`;
}

describe('the documentation', () => {
  it('has links that all point at an existing file and heading', () => {
    const broken = documents.flatMap((document) =>
      linkTargets(read(document))
        .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target))
        .map((target) => brokenLink(document, target))
        .filter((problem) => problem !== undefined)
        .map((problem) => `${document}: ${problem}`),
    );
    expect(broken).toEqual([]);
  });

  it('links every guide and reference page from its index', () => {
    const index = linkTargets(read('docs/README.md'));
    const pages = markdownUnder('docs')
      .filter((path) => path !== 'docs/README.md')
      .map((path) => path.slice('docs/'.length));
    for (const page of pages) expect(index, page).toContain(page);
  });

  it('keeps the README an entry point: at most 300 lines, none over 200 characters', () => {
    const lines = read('README.md').split('\n');
    expect(lines.length).toBeLessThanOrEqual(300);
    expect(lines.filter((line) => line.length > 200)).toEqual([]);
  });

  it('finds a link that points nowhere, and a heading that is not there', () => {
    expect(brokenLink('docs/README.md', 'guides/no-such-guide.md')).toMatch(/no file docs\/guides\/no-such-guide\.md/);
    expect(brokenLink('docs/README.md', 'pipeline.md#no-such-heading')).toMatch(/no heading #no-such-heading/);
    expect(brokenLink('docs/README.md', 'pipeline.md#the-publisher')).toBeUndefined();
  });
});
