// Headless-Chromium sign-in as a person does it: the system administrator
// signs in with a password and a one-time code, adds a division, signs out;
// staff pages then ask to sign in again. Every page on the way is checked
// with axe-core. Driven by tests/browser.rs:
//
//   node tests/browser/signin.mjs http://127.0.0.1:PORT /path/to/yangguang DATA_DIR
//
// The one-time code comes from `yangguang user otp-code` (demo data only),
// as an authenticator app would show it.

import { readFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [BASE_ARG, BIN, DATA] = process.argv.slice(2);
const BASE = (BASE_ARG || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(BASE) || !BIN || !DATA) {
  console.error('usage: node signin.mjs http://127.0.0.1:PORT BIN DATA_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const PASSWORD = 'Yg-Demo-2026!';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let passed = 0;
let failed = 0;
function report(ok, name, detail = '') {
  if (ok) passed++; else failed++;
  (ok ? console.log : console.error)(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
async function check(name, fn) {
  try {
    const r = await fn();
    if (r === true || r === undefined) report(true, name);
    else if (typeof r === 'string') report(true, name, r);
    else report(!!r.ok, name, r.detail || '');
  } catch (e) {
    report(false, name, String(e && e.message ? e.message : e).split('\n')[0]);
  }
}

async function axe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return r;
}

async function axeCheck(page, label) {
  await check(`${label}: axe-core WCAG 2.1 A/AA`, async () => {
    const v = await axe(page);
    return { ok: v.length === 0, detail: v.length ? v.join(' | ') : 'no violations' };
  });
}

function otpCode(user) {
  return execFileSync(BIN, ['user', 'otp-code', user, '--data-dir', DATA], { encoding: 'utf8' }).split('\n')[0].trim();
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();

    await page.goto(`${BASE}/admin/org`);
    await check('an anonymous visit to /admin/org is sent to the sign-in page', async () => {
      const u = new URL(page.url());
      return { ok: u.pathname === '/login' && u.searchParams.get('next') === '/admin/org', detail: page.url() };
    });
    await axeCheck(page, 'sign-in page');

    await check('a wrong password is refused with a Chinese message', async () => {
      await page.getByLabel('用户名').fill('sysadmin');
      await page.getByLabel('密码').fill('wrong-password');
      await page.getByRole('button', { name: '登录' }).click();
      const alert = (await page.getByRole('alert').innerText()).trim();
      return { ok: alert === '用户名或密码错误', detail: alert };
    });

    await check('password accepted: the one-time code page follows', async () => {
      await page.getByLabel('用户名').fill('sysadmin');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname === '/login/otp');
      return { ok: (await page.locator('h1').innerText()).includes('动态口令'), detail: page.url() };
    });
    await axeCheck(page, 'one-time code page');

    await check('the one-time code signs in and returns to /admin/org', async () => {
      await page.getByLabel('动态口令或恢复码').fill(otpCode('sysadmin'));
      await page.getByRole('button', { name: '验证' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/org');
      const who = await page.locator('.topbar .who').innerText();
      return { ok: who.includes('系统管理员'), detail: who };
    });
    await axeCheck(page, '/admin/org');
    await page.screenshot({ path: path.join(SHOTS, 'admin-org.png'), fullPage: true });

    await check('the administrator adds a division and sees it listed', async () => {
      await page.getByLabel('处室代码').fill('xxgkb');
      await page.getByLabel('处室名称').fill('政务公开办公室');
      await page.getByRole('button', { name: '添加处室' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/org');
      const cell = page.locator('td', { hasText: '政务公开办公室' });
      return { ok: (await cell.count()) === 1, detail: `${await cell.count()} row(s)` };
    });

    for (const p of ['/admin/', '/admin/users', '/admin/calendar', '/account', '/account/password']) {
      await page.goto(`${BASE}${p}`);
      await axeCheck(page, p);
    }

    await check('the administrator may not open the audit log (三权分立)', async () => {
      const r = await page.goto(`${BASE}/admin/audit`);
      return { ok: r.status() === 403, detail: `HTTP ${r.status()}` };
    });
    await axeCheck(page, '403 page');

    await check('sign-out ends the session; /admin/org asks to sign in again', async () => {
      await page.goto(`${BASE}/account`);
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.waitForURL((u) => u.pathname === '/login');
      const notice = await page.getByRole('status').innerText();
      const r = await page.goto(`${BASE}/admin/org`);
      const u = new URL(page.url());
      return { ok: notice.includes('您已安全退出') && u.pathname === '/login' && r.status() === 200, detail: `${notice}; ${page.url()}` };
    });

    // A staff member (no second factor) reaches the workbench directly.
    await check('a staff member signs in with a password only and sees the workbench', async () => {
      await page.goto(`${BASE}/login`);
      await page.getByLabel('用户名').fill('zhaomin');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname === '/staff/');
      const body = await page.locator('main').innerText();
      return { ok: body.includes('B岗代刘洋') || body.includes('由您办理'), detail: 'workbench shows the A/B post' };
    });
    await axeCheck(page, '/staff/');
    await page.screenshot({ path: path.join(SHOTS, 'staff.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`signin: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => { console.error('FAIL signin.mjs timed out'); process.exit(1); }, 180_000);
watchdog.unref();
main().catch((e) => { console.error(`FAIL signin.mjs aborted: ${e && e.stack ? e.stack : e}`); process.exit(1); });
