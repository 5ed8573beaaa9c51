// Drives Debian's chromium against a running `ascribe serve`: every page
// anonymous and signed in, a filter, paging, a what-if, exports, sign-out;
// a device report recorded as evidence, the documents list filtered, and
// documents imported by their form;
// axe-core with the WCAG 2.2 AA tags on every page (any violation fails);
// screenshots of each page at 1280 and 390 px wide; a case file imported by
// the form (an error next to the field first, then its incident's page).
//
// usage: BASE=http://127.0.0.1:PORT USER=name PASSWORD=secret INCIDENT=id DOCUMENT=name OUT=dir node run.mjs
// Prints one JSON line per page checked and a summary line; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';

const env = (k) => {
  const v = process.env[k];
  if (!v) { console.error(`run.mjs: ${k} is not set`); process.exit(2); }
  return v;
};
const BASE = env('BASE'), USER = env('USER'), PASSWORD = env('PASSWORD');
const INCIDENT = env('INCIDENT'), DOCUMENT = env('DOCUMENT'), OUT = env('OUT');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(OUT, { recursive: true });

const failures = [];
const results = [];
const fail = (what) => { failures.push(what); console.error(`FAIL ${what}`); };

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Any request that leaves the server under test is a failure.
function guard(page) {
  page.on('request', (r) => {
    if (!r.url().startsWith(BASE)) fail(`external request ${r.url()}`);
  });
  // A page's own status is checked where it is loaded; any other resource must load.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) fail(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) fail(`${r.url()}: status ${r.status()}`);
  });
}

async function check(page, name, { status = 200 } = {}) {
  const h1 = await page.locator('h1').count();
  if (h1 !== 1) fail(`${name}: ${h1} h1 elements`);
  const banners = await page.locator('[role="note"]').allInnerTexts();
  if (banners.length !== 2 || banners[0] !== banners[1] || !/^TLP:/.test(banners[0])) fail(`${name}: banners ${JSON.stringify(banners)}`);
  const bare = await page.locator('th:not([scope])').count();
  if (bare) fail(`${name}: ${bare} th without scope`);
  const svgs = await page.locator('svg').all();
  for (const s of svgs) {
    if (await s.getAttribute('role') !== 'img') fail(`${name}: an svg without role=img`);
    if (await s.locator('title').count() !== 1) fail(`${name}: an svg without a title`);
  }
  // SVG text must stay inside its view box (a clipped label is invisible to axe).
  const clipped = await page.evaluate(() => [...document.querySelectorAll('svg text')].filter((t) => {
    const b = t.getBBox(); const v = t.ownerSVGElement.viewBox.baseVal;
    return b.x < -0.5 || b.x + b.width > v.width + 0.5;
  }).map((t) => t.textContent));
  if (clipped.length) fail(`${name}: svg text outside the view box: ${clipped.join(' | ')}`);
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  for (const v of axe.violations) {
    fail(`${name}: axe ${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  }
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${OUT}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  const r = { page: name, url: page.url().slice(BASE.length), banner: banners[0], axe_violations: axe.violations.length, axe_passes: axe.passes.length };
  results.push(r);
  console.log(JSON.stringify(r));
  void status;
}

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
guard(page);
const go = async (path, expect = 200) => {
  const resp = await page.goto(`${BASE}${path}`);
  if (!resp || resp.status() !== expect) fail(`${path}: status ${resp && resp.status()} (expected ${expect})`);
};

// Anonymous: TLP:CLEAR only.
await go('/incidents');
await check(page, 'incidents-anonymous');
if (!(await page.locator('[role="note"]').first().innerText()).includes('TLP:CLEAR')) fail('anonymous list is not TLP:CLEAR');
await go(`/incidents/${INCIDENT}`);
await check(page, 'incident-anonymous');
await go(`/documents/${encodeURIComponent(DOCUMENT)}`);
await check(page, 'document-anonymous');
await go('/actors/apt29');
await check(page, 'actor-anonymous');
await go('/documents');
await check(page, 'documents-anonymous');
await go('/telemetry');
await check(page, 'telemetry-anonymous');
if (/198\.51\.100\.9/.test(await page.content())) fail('anonymous telemetry shows the AMBER run');
await go('/login');
await check(page, 'login');

// A wrong password: the error is next to the form, 401.
await page.fill('#name', USER);
await page.fill('#password', 'wrong-password');
await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.click('button[type=submit]')]);
await page.waitForLoadState('load');
if (!(await page.locator('#login-error').count())) fail('wrong password: no error shown');
await check(page, 'login-error');

// Sign in.
await page.fill('#name', USER);
await page.fill('#password', PASSWORD);
await Promise.all([page.waitForURL(`${BASE}/incidents`), page.click('button[type=submit]')]);
await check(page, 'incidents');

// Filter by an alias of the example's leading actor, then clear.
await page.fill('#q', 'vaccine');
await page.fill('#actor', 'Cozy Bear');
await Promise.all([page.waitForURL((u) => u.search.includes('actor=')), page.click('button:has-text("Apply filters")')]);
if (!page.url().includes('actor=Cozy+Bear')) fail(`filter URL ${page.url()}`);
if (!(await page.locator(`a[href^="/incidents/${INCIDENT}"]`).count())) fail('filter by alias lost the example incident');
await check(page, 'incidents-filtered');

// A filter error is shown next to its field.
await go('/incidents?from=2020-02-30', 400);
if (!(await page.locator('#from-error').count())) fail('bad date: no error next to the field');
await check(page, 'incidents-filter-error');

// Paging.
await go('/incidents');
const next = page.locator('a[rel="next"]').first();
if (await next.count()) {
  await Promise.all([page.waitForURL((u) => u.search.includes('page=2')), next.click()]);
  if (!page.url().includes('page=2')) fail(`next page URL ${page.url()}`);
  await check(page, 'incidents-page-2');
} else {
  fail('no second page of incidents to open');
}

// The incident, its public view and a what-if.
await go(`/incidents/${INCIDENT}`);
await check(page, 'incident');
await go(`/incidents/${INCIDENT}?view=public`);
await check(page, 'incident-public');
await go(`/incidents/${INCIDENT}`);
const firstItem = await page.locator('#ach-caption').locator('xpath=..').locator('tbody th').first().innerText();
const itemId = firstItem.split('\n')[0].trim();
await page.fill('#exclude', itemId);
await Promise.all([page.waitForURL((u) => u.search.includes('exclude=')), page.click('button:has-text("Recompute")')]);
if (!page.url().includes(`exclude=${encodeURIComponent(itemId).replace(/%20/g, '+')}`)) fail(`what-if URL ${page.url()}`);
if (!(await page.getByText('Nothing stored has changed').count())) fail('what-if: no notice');
await check(page, 'incident-what-if');

// A document from the incident's provenance: its text with the claims marked,
// each mark leading to its claim in the list.
await go(`/incidents/${INCIDENT}`);
await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/documents/')), page.locator('a[href^="/documents/"]').first().click()]);
if (!(await page.locator('.doc-text mark a').count())) fail('document: no claim marked in the text');
await check(page, 'document');
const mark = page.locator('.doc-text mark a').first();
await Promise.all([page.waitForURL((u) => u.hash.startsWith('#claim-')), mark.click()]);
const target = new URL(page.url()).hash.slice(1);
if (!(await page.locator(`[id="${target}"]`).count())) fail(`document: the mark leads to ${target}, which is not on the page`);

// An actor named by a hypothesis: its names, sponsors, incidents and claims.
await go(`/incidents/${INCIDENT}`);
await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/actors/')), page.locator('a[href^="/actors/"]').first().click()]);
if (!(await page.locator('#sponsors').count())) fail('actor: no sponsors section');
await check(page, 'actor');

// A device report from the incident's provenance: verdict, findings, tree, rule.
await go(`/incidents/${INCIDENT}`);
await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/devices/')), page.locator('a[href^="/devices/"]').first().click()]);
if (!(await page.locator('.verdict').count())) fail('device: no verdict word');
const device = new URL(page.url()).pathname;
await check(page, 'device');

// Record the report as evidence: an unknown incident is named next to the
// field; the example incident takes it and its page is shown.
await page.fill('#incident', 'no-such-incident');
await Promise.all([page.waitForResponse((r) => r.url().endsWith('/record') && r.request().method() === 'POST'), page.click('button:has-text("Record as evidence")')]);
await page.waitForLoadState('load');
if (!/no-such-incident/.test(await page.locator('#incident-error').innerText().catch(() => ''))) fail('record: no error next to the incident field');
await check(page, 'device-record-error');
await page.fill('#incident', INCIDENT);
await Promise.all([page.waitForURL((u) => u.pathname === `/incidents/${INCIDENT}`), page.click('button:has-text("Record as evidence")')]);
if (!(await page.locator(`a[href="${device}"]`).count())) fail('record: the incident does not link the report');
await check(page, 'device-recorded');

// The documents list from the navigation, filtered by text.
await Promise.all([page.waitForURL(`${BASE}/documents`), page.locator('nav a[href="/documents"]').click()]);
if (!(await page.locator(`a[href="/documents/${encodeURIComponent(DOCUMENT)}"]`).count())) fail('documents: the example document is not listed');
await check(page, 'documents');
await page.fill('#q', DOCUMENT.slice(0, 10));
await Promise.all([page.waitForURL((u) => u.search.includes('q=')), page.click('button:has-text("Apply filters")')]);
if (!(await page.getByText(/Showing 1–\d+ of \d+ documents/).count())) fail('documents: no count after filtering');
await check(page, 'documents-filtered');

// Telemetry from the navigation: the caveat above the charts, each chart with its table.
await Promise.all([page.waitForURL(`${BASE}/telemetry`), page.locator('nav a[href="/telemetry"]').click()]);
const caveatAt = (await page.content()).indexOf('is not its sponsor');
if (caveatAt < 0 || caveatAt > (await page.content()).indexOf('<svg')) fail('telemetry: the caveat is not above the charts');
await check(page, 'telemetry');

// Exports: never above the reader's clearance, marked.
for (const path of ['/incidents.csv', `/incidents/${INCIDENT}/evidence.csv`, `/incidents/${INCIDENT}/claims.json`, `/incidents/${INCIDENT}/stix.json`,
  `/documents/${encodeURIComponent(DOCUMENT)}/claims.csv`, `/documents/${encodeURIComponent(DOCUMENT)}/claims.json`,
  '/actors/apt29/claims.csv', '/actors/apt29/incidents.json', '/actors/apt29/sponsors.csv', '/actors/apt29/states.json',
  '/documents.csv', '/documents.json', `${device}/findings.csv`, `${device}/findings.json`,
  '/telemetry/countries.csv', '/telemetry/sightings.json']) {
  const r = await page.request.get(`${BASE}${path}`);
  if (r.status() !== 200) fail(`${path}: ${r.status()}`);
  const text = await r.text();
  if (path.endsWith('.csv') && !text.startsWith('# TLP:')) fail(`${path}: no marking line`);
  if (/TLP:RED|TLP:AMBER\+STRICT/.test(text)) fail(`${path}: holds a marking above the reader's clearance`);
}

// Import a case file by the form from the navigation: a bad file shows its
// line next to the field, keeping the paste; a good one uploaded lands on its page.
const example = readFileSync(new URL('../../examples/vaccine-research-2020.toml', import.meta.url), 'utf8');
const imported = example.replace('id = "vaccine-research-2020"', 'id = "imported-by-form"')
  .replace('title = "Intrusions into COVID-19 vaccine research organisations"', 'title = "Imported by the form"');
if (imported === example) fail('import: the example case did not change');
await Promise.all([page.waitForURL(`${BASE}/import`), page.locator('nav a[href="/import"]').click()]);
await check(page, 'import');
await page.fill('#file', 'by-form.toml');
await page.fill('#case', imported.replace('title = "Imported by the form"', 'title = 42'));
await Promise.all([page.waitForResponse((r) => r.url().endsWith('/import') && r.request().method() === 'POST'), page.click('button:has-text("Import")')]);
await page.waitForLoadState('load');
const importError = await page.locator('#case-error').innerText().catch(() => '');
if (!/^by-form\.toml:\d+:\d+: /.test(importError)) fail(`import: no file:line error next to the field (${importError})`);
if (!(await page.inputValue('#case')).includes('title = 42')) fail('import: the paste was not kept');
await check(page, 'import-error');
// The good file by upload, as a user picks it (the paste is cleared).
await page.fill('#case', '');
await page.setInputFiles('#upload', { name: 'imported-by-form.toml', mimeType: 'application/toml', buffer: Buffer.from(imported) });
await Promise.all([page.waitForURL(`${BASE}/incidents/imported-by-form`), page.click('button:has-text("Import")')]);
if (!(await page.getByText('Imported by the form').count())) fail('import: the imported incident page does not show its title');
await check(page, 'imported-incident');

// The STIX form, linked from the case form: a pasted bundle is stored and
// what was stored is reported on the page.
await go('/import');
await Promise.all([page.waitForURL(`${BASE}/import/stix`), page.locator('a[href="/import/stix"]').click()]);
await check(page, 'import-stix');
const bundle = { type: 'bundle', id: 'bundle--6f1c2d3e-4b5a-4c6d-8e7f-901234567890', objects: [{
  type: 'indicator', spec_version: '2.1', id: 'indicator--0f1e2d3c-4b5a-4697-8a8b-9c0d1e2f3a4b',
  created: '2020-01-01T00:00:00.000Z', modified: '2020-01-01T00:00:00.000Z', name: 'by the form',
  pattern: "[ipv4-addr:value = '192.0.2.7']", pattern_type: 'stix', valid_from: '2020-01-01T00:00:00Z' }] };
await page.fill('#case', JSON.stringify(bundle));
await Promise.all([page.waitForResponse((r) => r.url().endsWith('/import/stix') && r.request().method() === 'POST'), page.click('button:has-text("Import")')]);
await page.waitForLoadState('load');
const stored = await page.locator('[role="status"]').innerText().catch(() => '');
if (!/1 object\(s\) accepted/.test(stored)) fail(`import-stix: no report of what was stored (${stored})`);
await check(page, 'import-stix-done');

// Documents by the form linked from the case form: a bad date next to its
// field, then a document uploaded lands on its page.
await go('/import');
await Promise.all([page.waitForURL(`${BASE}/import/documents`), page.locator('a[href="/import/documents"]').click()]);
await check(page, 'import-documents');
const note = 'On 16 July 2020 the NCSC said APT29 almost certainly targeted vaccine research. Russia denied it.';
await page.setInputFiles('#upload', { name: 'form-note.txt', mimeType: 'text/plain', buffer: Buffer.from(note) });
await page.fill('#published', '16/07/2020');
await Promise.all([page.waitForResponse((r) => r.url().endsWith('/import/documents') && r.request().method() === 'POST'), page.click('button:has-text("Import")')]);
await page.waitForLoadState('load');
if (!(await page.locator('#published-error').count())) fail('import-documents: no error next to the date');
await check(page, 'import-documents-error');
await page.fill('#published', '2020-07-16');
await page.fill('#outlet', 'Form Outlet');
await page.setInputFiles('#upload', { name: 'form-note.txt', mimeType: 'text/plain', buffer: Buffer.from(note) });
await Promise.all([page.waitForURL(`${BASE}/documents/form-note.txt`), page.click('button:has-text("Import")')]);
if (!(await page.getByText('Form Outlet').count())) fail('import-documents: the outlet is not on the document page');
await check(page, 'imported-document');

// Sign out.
await Promise.all([page.waitForURL(`${BASE}/login`), page.click('button:has-text("Sign out")')]);
await check(page, 'signed-out');

await browser.close();
const violations = results.reduce((n, r) => n + r.axe_violations, 0);
console.log(JSON.stringify({ pages: results.length, axe_violations: violations, failures: failures.length }));
process.exit(failures.length ? 1 : 0);
