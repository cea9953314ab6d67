/**
 * The page itself: one HTML file with its style, its script and its data inline, so that it
 * opens from disk (file://) with no network and can be mailed or kept as a CI artifact.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from './pageData.js';

/**
 * The browser code, in the order it is concatenated (later files use earlier ones). It comes
 * before the details in the page: it draws while the browser is still reading them.
 */
export const PAGE_SCRIPTS = ['util.js', 'data.js', 'overview.js', 'draw.js', 'details.js', 'main.js'] as const;
const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside <script>: `<` only occurs in strings there, where \u003c means the same and cannot close the element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

function pageFile(name: string): string {
  return readFileSync(PAGE_DIR + name, 'utf8');
}

export function renderHtml(page: Page): string {
  const { data } = page;
  const script = PAGE_SCRIPTS.map((f) => `// ---- ${f}\n${pageFile(f)}`).join('\n');
  const title = `${data.kind === 'counterexample' ? 'counterexample' : 'trace'} ${data.title}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="paxos-reference npm run view-trace">
<title>${escapeHtml(title)}</title>
<style>
${pageFile('viewer.css')}
</style>
</head>
<body>
<header id="top">
  <div><h1>${escapeHtml(title)}</h1>${data.subtitle !== '' ? `<span class="sub">${escapeHtml(data.subtitle)}</span>` : ''}</div>
  <div id="stats"></div>
  <form id="goto"><input id="goto-input" placeholder="#event, line, file:line or state k" aria-label="go to"><button type="submit">go</button><span id="goto-msg"></span></form>
</header>
<section id="banner" hidden></section>
<section id="notes" hidden></section>
<div id="legend"></div>
<main>
  <div id="diagram">
    <div id="scroller"><svg id="view" xmlns="http://www.w3.org/2000/svg"></svg><div id="spacer"></div></div>
    <canvas id="overview"></canvas><div id="overview-box"></div>
  </div>
  <aside id="details"></aside>
</main>
<script type="application/json" id="viewer-data">${scriptJson(data)}</script>
<script>
(() => {
'use strict';
${script}
})();
</script>
<script type="application/octet-stream" id="viewer-details">${page.detailsGzipBase64}</script>
</body>
</html>
`;
}
