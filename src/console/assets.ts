/** The console's one stylesheet, served by the bridge itself (the CSP allows styles from 'self' only). */
export const STYLESHEET = `
:root {
  --bg: #f5f6f8; --card: #fff; --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --accent: #3b5bdb;
  --published: #2f9e44; --duplicate: #74a9d8; --dead-lettered: #f08c00; --refused: #e03131;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
header { background: #1d2330; color: #fff; }
nav { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; padding: 0 24px; min-height: 52px; max-width: 1280px; margin: 0 auto; }
nav a, nav .brand { color: #cfd6e4; text-decoration: none; padding: 8px 12px; border-radius: 6px; }
nav a:hover { background: #2c3445; color: #fff; }
nav a.active { background: #3b4660; color: #fff; }
nav .brand { font-weight: 700; color: #fff; margin-right: 16px; padding-left: 0; }
nav .logout { margin-left: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 12px; }
p.lead { color: var(--muted); margin: 0 0 20px; }
.card { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin-bottom: 20px; }
.grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); margin-bottom: 20px; }
.grid .card { margin-bottom: 0; }
.status { display: flex; gap: 10px; align-items: flex-start; }
.dot { width: 10px; height: 10px; border-radius: 50%; margin-top: 5px; flex: none; }
.dot.ok { background: var(--published); } .dot.down { background: var(--refused); } .dot.off { background: #adb5bd; }
.status strong { display: block; }
.status span, .muted { color: var(--muted); }
.metric { font-size: 24px; font-weight: 650; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:hover td { background: #f8f9fb; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.spacer { flex: 1; }
td.nowrap { white-space: nowrap; }
/* Ids come from webhooks and may be 256 characters without a space: they wrap rather than widen the page. */
td, dd { overflow-wrap: break-word; }
h1 code, .id, .detail { overflow-wrap: anywhere; }
.tag .id, td.type .id { overflow-wrap: normal; }
button, .button { white-space: nowrap; }
bdi.id { unicode-bidi: isolate; }
.bidi { display: inline-block; margin: 0 2px; padding: 0 4px; border-radius: 4px; background: #fde8e8; color: #a51d1d; font-size: 11px; font-weight: 600; }
mark.violation { background: #ffd8a8; color: #1d2330; outline: 2px solid #f08c00; border-radius: 2px; }
pre.payload .j-key { color: #9ec5fe; } pre.payload .j-str { color: #b2f2bb; } pre.payload .j-lit { color: #ffd8a8; }
pre.payload mark.violation span { color: #1d2330; }
textarea.raw { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; border: 1px solid #cfd4dc; border-radius: 6px; padding: 8px; }
nav .control { font-size: 12px; padding: 6px 8px; }
nav .nav-search input { min-width: 220px; background: #2c3445; border-color: #3b4660; color: #fff; }
input.wide { min-width: 360px; }
.banner { font-weight: 600; }
.small { font-size: 12px; }
tr.dead-lettered td { background: #fffaf0; }
.cell-actions { display: flex; gap: 6px; }
.tag { white-space: nowrap; display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #edf0f5; color: #3d4758; }
.tag.published { background: #e6f4ea; color: #1e6f31; } .tag.duplicate { background: #e7f0fa; color: #2d5e8a; }
.tag.dead-lettered, .tag.warn { background: #fff1db; color: #8a5000; } .tag.refused, .tag.bad { background: #fde8e8; color: #a51d1d; }
.tag.ok { background: #e6f4ea; color: #1e6f31; }
.legend { display: flex; gap: 18px; flex-wrap: wrap; margin: 8px 0 0; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.o-published { fill: var(--published); background: var(--published); }
.o-duplicate { fill: var(--duplicate); background: var(--duplicate); }
.o-dead-lettered { fill: var(--dead-lettered); background: var(--dead-lettered); }
.o-refused { fill: var(--refused); background: var(--refused); }
svg.chart { width: 100%; height: auto; display: block; }
svg .axis { stroke: var(--line); } svg text { fill: var(--muted); font-size: 11px; }
svg.spark { width: 150px; height: 26px; display: block; }
svg .empty { fill: #eef0f3; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
form.filters label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }
input, select { font: inherit; padding: 6px 8px; border: 1px solid #cfd4dc; border-radius: 6px; background: #fff; min-width: 120px; }
button, .button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.small { padding: 2px 10px; font-size: 12px; }
button.danger { background: #c92a2a; border-color: #c92a2a; }
button.link { background: none; border: none; color: #cfd6e4; padding: 8px 12px; }
button.link:hover { color: #fff; }
form.inline { display: inline; margin: 0; }
.pager { display: flex; gap: 10px; align-items: center; margin-top: 14px; color: var(--muted); }
.pager .spacer { flex: 1; }
a { color: var(--accent); }
pre.payload { background: #0f1420; color: #e3e8f2; padding: 16px; border-radius: 8px; overflow: auto; max-height: 70vh; font-size: 12.5px; line-height: 1.5; }
.warning { border-left: 4px solid var(--dead-lettered); background: #fff8eb; padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.notice { border-left: 4px solid var(--accent); background: #eef2ff; padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.error { border-left: 4px solid var(--refused); background: #fdeeee; padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.login { max-width: 380px; margin: 10vh auto; }
.login input { width: 100%; margin: 8px 0 14px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; }
.actions { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.lag-zero { color: var(--published); font-weight: 600; }
.lag-some { color: #b35c00; font-weight: 600; }
`;

/** The tab icon: a small mark drawn here rather than fetched. */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d2330"/><path d="M3 11h2V6H3zm4 0h2V3H7zm4 0h2V8h-2z" fill="#2f9e44"/></svg>`;
