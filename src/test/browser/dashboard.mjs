// Drives the live dashboard in Debian's Chromium for DashboardBrowserTest, talking to the test over
// stdin/stdout, one JSON object a line:
//   out {"event":"ready", ...}  the page is logged in and shows the campaign with its full stock
//   in  {"remaining":"0","stored":"30","pending":"0","atLeast":{"CREATED":30,...}}  what the page must show after the grabs
//   out {"event":"done", ...}   what the page showed; screenshots are written to SCREENSHOT_DIR
// Screenshots: dashboard-rush.png (mid-rush), dashboard.png (after it), dashboard-phone.png (390 px wide).
// Environment: BASE_URL, ADMIN_TOKEN, POOL_ID, STOCK, SCREENSHOT_DIR.
import { chromium } from 'playwright-core';
import readline from 'node:readline';

const { BASE_URL, ADMIN_TOKEN, POOL_ID, STOCK, SCREENSHOT_DIR } = process.env;
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (message) => process.stdout.write(JSON.stringify(message) + '\n');

async function nextMessage() {
  const { value, done } = await lines.next();
  if (done) throw new Error('the test closed stdin');
  return JSON.parse(value);
}

const field = (name) => `[data-pool="${POOL_ID}"] [data-field="${name}"]`;

let page;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(60_000);
  page.on('console', (m) => process.stderr.write(`page console: ${m.text()}\n`));
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));

  await page.goto(`${BASE_URL}/dashboard`);
  await page.waitForSelector('#login:not([hidden])');
  const dataBeforeLogin = await page.locator('[data-pool]').count();
  await page.fill('#token', ADMIN_TOKEN);
  await page.click('#connect');
  await page.waitForSelector('#status.on');
  await page.waitForFunction(([sel, stock]) => document.querySelector(sel)?.textContent === stock, [field('remaining'), STOCK]);
  say({ event: 'ready', dataBeforeLogin, remaining: await page.textContent(field('remaining')) });

  // Mid-rush picture (docs/dashboard.png): once half the stock is gone (the stock always runs out, so this comes).
  await page.waitForFunction(([sel, stock]) => Number(document.querySelector(sel)?.textContent) <= stock / 2,
    [field('remaining'), Number(STOCK)]);
  await page.waitForFunction(() => document.querySelectorAll('[data-outcome]').length > 0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/dashboard-rush.png`, fullPage: true });

  const expected = await nextMessage();
  await page.waitForFunction(([remainingSel, storedSel, pendingSel, want]) =>
      document.querySelector(remainingSel)?.textContent === want.remaining
      && document.querySelector(storedSel)?.textContent === want.stored
      && document.querySelector(pendingSel)?.textContent === want.pending
      && Object.entries(want.atLeast).every(([outcome, count]) => Number(document.querySelector(
        `[data-outcome="${outcome}"] [data-field="total"]`)?.textContent.replace(/,/g, '') ?? -1) >= count),
    [field('remaining'), field('stored'), field('pending'), expected]);
  const totals = await page.$$eval('[data-outcome]', (chips) => Object.fromEntries(chips.map((c) =>
    [c.dataset.outcome, Number(c.querySelector('[data-field="total"]').textContent.replace(/,/g, ''))])));
  const shown = {
    remaining: await page.textContent(field('remaining')),
    stored: await page.textContent(field('stored')),
    pending: await page.textContent(field('pending')),
    status: await page.textContent('#status'),
    totals,
  };
  await page.screenshot({ path: `${SCREENSHOT_DIR}/dashboard.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/dashboard-phone.png`, fullPage: true });
  say({ event: 'done', ...shown });
} catch (failure) {
  if (page) {
    const card = await page.locator(`[data-pool="${POOL_ID}"]`).textContent().catch(() => 'no card');
    process.stderr.write(`page state at failure: status=${await page.textContent('#status').catch(() => '?')} card=${card}\n`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/dashboard-failure.png`, fullPage: true }).catch(() => {});
  }
  throw failure;
} finally {
  await browser.close();
}
