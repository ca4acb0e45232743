// The built site as a browser sees it, in Debian's chromium (never a
// downloaded browser): every page is opened and fails the suite on a console
// error, a request that leaves the site, a broken link or image, sideways
// scrolling at 390 px, or a date broken over two lines; report pages are
// printed to A4 PDF and held to their page budgets with no page mostly
// blank; axe-core, injected into each page, fails the suite on serious or
// critical violations.
//
//   node suite.mjs --site DIR [--serve URL] [--budget PATH=PAGES]... [--pdf-dir DIR] [--no-axe] [--pages PREFIX]
//
// --site: the built site folder. Without --serve its pages are opened over
// file://; with --serve they are opened from the server (the same pages,
// built by `slareport serve`). Prints what it checked and ends with
// "N passed, M failed" (checks, not pages).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const A4_TEXT_WIDTH = 703; // 210 mm less 2 x 12 mm margins, in CSS px
const NARROW = 390;

const args = process.argv.slice(2);
const opt = { budgets: [], axe: true };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--site') opt.site = path.resolve(args[++i]);
  else if (a === '--serve') opt.serve = args[++i].replace(/\/?$/, '/');
  else if (a === '--budget') { const [p, n] = args[++i].split('='); opt.budgets.push([p, Number(n)]); }
  else if (a === '--pdf-dir') opt.pdfDir = path.resolve(args[++i]);
  else if (a === '--no-axe') opt.axe = false;
  else if (a === '--pages') opt.pages = args[++i];
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!opt.site) { console.error('--site DIR is required'); process.exit(2); }

const base = opt.serve || pathToFileURL(opt.site).href + '/';
const mode = opt.serve ? 'serve' : 'file';
const failures = [];
const counts = { pages: 0, links: 0, linksChecked: 0, images: 0, requests: 0, external: 0, console: 0, axePasses: 0, axeViolations: { minor: 0, moderate: 0, serious: 0, critical: 0 }, pdfs: 0 };
let checks = 0;
function check(ok, message) { checks++; if (!ok) failures.push(message); return ok; }

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) out.push(path.relative(opt.site, p).split(path.sep).join('/'));
  }
  return out.sort();
}

const exists = new Map();
async function resolves(url) {
  if (exists.has(url)) return exists.get(url);
  let ok;
  if (url.startsWith('file:')) {
    let p = fileURLToPath(url);
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
    ok = fs.existsSync(p);
  } else {
    try { ok = (await fetch(url)).status === 200; } catch { ok = false; }
  }
  exists.set(url, ok);
  return ok;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const pages = htmlFiles(opt.site).filter((p) => !opt.pages || p.startsWith(opt.pages));

for (const rel of pages) {
  const url = new URL(rel, base).href;
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // Each request belongs to one attempt at loading the page: requests of an
  // abandoned attempt, aborted when the retry navigates, are not failures.
  let attempt = 0;
  const attemptOf = new WeakMap();
  page.on('request', (r) => {
    attemptOf.set(r, attempt);
    counts.requests++;
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('about:')) {
      counts.external++;
      failures.push(`${rel}: request leaves the site: ${u}`);
    }
  });
  page.on('response', (r) => { if (r.status() >= 400 && attemptOf.get(r.request()) === attempt) failures.push(`${rel}: ${r.status()} for ${r.url()}`); });
  page.on('requestfailed', (r) => { if (attemptOf.get(r) === attempt) failures.push(`${rel}: request failed: ${r.url()} (${r.failure()?.errorText})`); });
  const marks = [failures.length, errors.length];
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 20000 });
  } catch (e) {
    // Counted and shown: a first load that stalls is retried once. What the
    // abandoned attempt recorded (its own requests, aborted by the retry) is
    // dropped: the retry checks the page again from the start.
    failures.splice(marks[0]);
    errors.splice(marks[1]);
    attempt++;
    counts.retries = (counts.retries || 0) + 1;
    console.log(`retrying ${rel} after: ${String(e).split('\n')[0]}`);
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  }
  counts.pages++;

  // Links: every one resolves inside the site; same-page anchors exist.
  const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => ({ raw: a.getAttribute('href'), href: a.href })));
  counts.links += links.length;
  for (const l of links) {
    if (l.raw.startsWith('#')) { check(await page.evaluate((id) => !!document.getElementById(id), decodeURIComponent(l.raw.slice(1))), `${rel}: broken link ${l.raw} (no such id)`); continue; }
    if (!check(l.href.startsWith(base), `${rel}: link leaves the site: ${l.raw}`)) continue;
    counts.linksChecked++;
    check(await resolves(l.href.split('#')[0]), `${rel}: broken link ${l.raw}`);
  }
  // Images: each loaded.
  const images = await page.evaluate(() => [...document.images].map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })));
  counts.images += images.length;
  for (const i of images) check(i.ok, `${rel}: broken image ${i.src}`);

  // Dates stay on one line, at 1280 px and at 390 px, where nothing scrolls sideways.
  const wrapped = () => page.evaluate(() => [...document.querySelectorAll('td.date')].filter((td) => {
    const r = document.createRange(); r.selectNodeContents(td);
    return new Set([...r.getClientRects()].map((c) => Math.round(c.top))).size > 1;
  }).map((td) => td.textContent));
  const wide = await wrapped();
  check(wide.length === 0, `${rel}: dates wrap at 1280 px: ${wide.slice(0, 3).join(', ')}`);
  if (opt.axe) {
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
      return { passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target.join(' ') })) };
    });
    counts.axePasses += result.passes;
    for (const v of result.violations) {
      counts.axeViolations[v.impact] = (counts.axeViolations[v.impact] || 0) + 1;
      check(v.impact !== 'serious' && v.impact !== 'critical', `${rel}: axe ${v.impact} ${v.id} (${v.nodes} nodes, e.g. ${v.target})`);
    }
  }
  await page.setViewportSize({ width: NARROW, height: 900 });
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  check(scroll <= NARROW, `${rel}: scrolls sideways at ${NARROW} px (${scroll} px wide)`);
  const narrow = await wrapped();
  check(narrow.length === 0, `${rel}: dates wrap at ${NARROW} px: ${narrow.slice(0, 3).join(', ')}`);

  // Print: nothing wider than the A4 text, no folded control left showing.
  if (rel.endsWith('report.html') || rel.match(/\d{4}-\d\d(-r\d+)?\/index\.html$/)) {
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: A4_TEXT_WIDTH, height: 1000 });
    const printed = await page.evaluate((w) => ({
      width: document.documentElement.scrollWidth,
      folded: [...document.querySelectorAll('details')].filter((d) => !d.open && getComputedStyle(d).display !== 'none').length,
      wideCharts: [...document.querySelectorAll('figure svg, figure img')].filter((e) => e.getBoundingClientRect().right > w + 0.5).length,
    }), A4_TEXT_WIDTH);
    check(printed.width <= A4_TEXT_WIDTH, `${rel}: in print the page is ${printed.width} px wide, more than A4's ${A4_TEXT_WIDTH}`);
    check(printed.folded === 0, `${rel}: ${printed.folded} collapsed <details> would print`);
    check(printed.wideCharts === 0, `${rel}: ${printed.wideCharts} charts are cut at the A4 edge`);
    await page.emulateMedia({ media: 'screen' });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  counts.console += errors.length;
  for (const e of errors) failures.push(`${rel}: console error: ${e}`);
  await page.close();
}

// Page budgets of the printed reports.
const pdfCounts = [];
for (const [rel, budget] of opt.budgets) {
  const page = await context.newPage();
  await page.goto(new URL(rel, base).href, { waitUntil: 'load' });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  await page.close();
  counts.pdfs++;
  const file = path.join(opt.pdfDir || fs.mkdtempSync('/tmp/slareport-pdf-'), rel.replace(/\//g, '_').replace(/\.html$/, '.pdf'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, pdf);
  const fills = pageFills(file);
  const n = fills.length;
  pdfCounts.push(`${rel}: ${n} A4 pages (budget ${budget}), text reaches ${fills.map((f) => Math.round(f * 100) + '%').join(' ')} of each page; ${file}`);
  check(n <= budget, `${rel}: prints to ${n} A4 pages, more than its budget of ${budget}`);
  fills.forEach((f, i) => check(i === n - 1 ? f >= 0.1 : f >= 0.5, `${rel}: page ${i + 1} of ${n} is mostly blank (text reaches ${Math.round(f * 100)}% down)`));
}

/** How far down each page of a PDF its text reaches, 0 to 1 (pdftotext -bbox). */
function pageFills(file) {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const fills = [];
  for (const chunk of html.split('<page ').slice(1)) {
    const height = Number(/height="([\d.]+)"/.exec(chunk)[1]);
    let bottom = 0;
    for (const m of chunk.matchAll(/yMax="([\d.]+)"/g)) bottom = Math.max(bottom, Number(m[1]));
    fills.push(bottom / height);
  }
  return fills;
}

await browser.close();
console.log(`browser suite (${mode}, ${base})`);
console.log(`  pages opened: ${counts.pages}${counts.retries ? ` (${counts.retries} retried after a stalled load)` : ''}`);
console.log(`  links: ${counts.links} (${counts.linksChecked} to other files, each resolved), images: ${counts.images}`);
console.log(`  requests: ${counts.requests}, leaving the site: ${counts.external}; console errors: ${counts.console}`);
if (opt.axe) console.log(`  axe-core: ${counts.axePasses} rule passes; violations by impact: ${Object.entries(counts.axeViolations).map(([k, v]) => `${k} ${v}`).join(', ')}`);
for (const line of pdfCounts) console.log(`  pdf ${line}`);
for (const f of failures.slice(0, 50)) console.log(`FAIL ${f}`);
if (failures.length > 50) console.log(`... and ${failures.length - 50} more failures`);
const failed = failures.length;
console.log(`browser: ${Math.max(checks - failed, 0)} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
