// Headless-Chromium end-to-end test of 主动公开, as people do it: 赵敏 drafts
// a notice and submits it, 陈静 approves it, 张华 clears it (first with one
// of the four confidentiality checks missing), 赵敏 publishes it as B岗 for
// 刘洋 (on leave today); an anonymous visitor finds it in the catalog and
// through search; 张华 withdraws it and it leaves the catalog and the
// search results while its page stays, with the reason. Every page on the
// way is checked with axe-core. Driven by tests/browser.rs:
//
//   node tests/browser/publish.mjs http://127.0.0.1:PORT /path/to/yangguang DATA_DIR
//
// Nobody here needs a second factor (perm::needs_second_factor: leaders and
// administrators only); BIN and DATA_DIR are accepted for symmetry with
// signin.mjs and to fetch a one-time code should a role ever need one.

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
  console.error('usage: node publish.mjs http://127.0.0.1:PORT BIN DATA_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const PASSWORD = 'Yg-Demo-2026!';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// How long the search index may take to follow a publication or withdrawal.
const INDEX_WAIT_MS = 5_000;

const STAMP = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const TITLE = `浏览器端到端测试通知${STAMP}`;
const PHRASE = '端到端检验词句';
const BODY = `为检验主动公开的采编、审核、保密审查和发布流程，特发布本通知。\n本通知正文含有${PHRASE}，供站内搜索检验使用。`;
const REASON = `浏览器测试撤销：内容有误，将另行发布（${STAMP}）`;
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

let passed = 0;
let failed = 0;
function report(ok, name, detail = '') {
  if (ok) passed++; else failed++;
  (ok ? console.log : console.error)(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}
async function check(name, fn) {
  const t = Date.now();
  try {
    const r = await fn();
    const ms = `${Date.now() - t} ms`;
    if (r === true || r === undefined) report(true, name, ms);
    else if (typeof r === 'string') report(true, name, `${r} (${ms})`);
    else report(!!r.ok, name, `${r.detail || ''} (${ms})`);
    return r !== false && (typeof r !== 'object' || !!r.ok);
  } catch (e) {
    report(false, name, String(e && e.message ? e.message : e).split('\n')[0]);
    return false;
  }
}

async function axe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return {
      passes: res.passes.length,
      violations: res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    };
  });
}

async function axeCheck(page, label) {
  await check(`${label}: axe-core WCAG 2.1 A/AA`, async () => {
    const r = await axe(page);
    if (r.passes === 0) return { ok: false, detail: 'axe ran no rule' };
    return { ok: r.violations.length === 0, detail: r.violations.length ? r.violations.join(' | ') : `no violations, ${r.passes} rules passed` };
  });
}

// Not needed by anyone in this test; kept for a role that needs a code.
function otpCode(user) {
  return execFileSync(BIN, ['user', 'otp-code', user, '--data-dir', DATA], { encoding: 'utf8' }).split('\n')[0].trim();
}

const pathOf = (page) => new URL(page.url()).pathname;
const text = async (loc) => ((await loc.count()) ? (await loc.first().innerText()).trim() : '');

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  const newContext = async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    c.setDefaultTimeout(15_000);
    return c;
  };

  // Password, then (only for leaders and administrators) the one-time code.
  async function signIn(user, name) {
    const ctx = await newContext();
    const page = await ctx.newPage();
    const ok = await check(`${name} (${user}) signs in with the password alone and lands on the workbench`, async () => {
      await page.goto(`${BASE}/login`);
      await page.getByLabel('用户名').fill(user);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname !== '/login');
      if (pathOf(page) === '/login/otp') {
        await page.getByLabel('动态口令或恢复码').fill(otpCode(user));
        await page.getByRole('button', { name: '验证' }).click();
        await page.waitForURL((u) => u.pathname !== '/login/otp');
        return { ok: false, detail: `asked for a one-time code (${page.url()})` };
      }
      const who = await text(page.locator('.topbar .who'));
      return { ok: pathOf(page) === '/staff/' && who.includes(name), detail: `${page.url()}; ${who}` };
    });
    if (!ok) throw new Error(`${user} could not sign in; the rest depends on it`);
    return { ctx, page };
  }

  // Clicks a step button on the staff item page and waits for ?done=KEY.
  async function step(page, button, key) {
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('done') === key, { waitUntil: 'load' }),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    return text(page.getByRole('status'));
  }

  // Opens the item from /staff/disclosure → 我的待办 and returns the row's
  // 办理身份 cell.
  async function fromTodo(page, id, who) {
    await page.goto(`${BASE}/staff/disclosure`);
    const row = page.locator('#todo tbody tr').filter({ has: page.getByRole('link', { name: TITLE, exact: true }) });
    const n = await row.count();
    if (n !== 1) return { n, as: '' };
    const as = (await row.locator('td').nth(3).innerText()).trim();
    const status = (await row.locator('td').nth(2).innerText()).trim();
    await axeCheck(page, `/staff/disclosure (${who}'s 我的待办)`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/staff/disclosure/${id}`),
      row.getByRole('link', { name: TITLE, exact: true }).click(),
    ]);
    return { n, as, status };
  }

  // Reloads a search until `want(hitsLinkingToTheItem)` holds or time is up.
  async function pollSearch(page, id, want) {
    const start = Date.now();
    let hits = 0;
    let heading = '';
    for (;;) {
      const r = await page.goto(`${BASE}/search?q=${encodeURIComponent(PHRASE)}`);
      heading = await text(page.locator('main h2'));
      hits = await page.locator(`ol.hits a[href="/xxgk/item/${id}"]`).count();
      if (r.status() === 200 && want(hits)) return { ok: true, hits, heading, ms: Date.now() - start };
      if (Date.now() - start > INDEX_WAIT_MS) return { ok: false, hits, heading, ms: Date.now() - start };
      await page.waitForTimeout(250);
    }
  }

  let id = 0;
  let indexNo = '';
  try {
    // ---- 赵敏 drafts and submits ------------------------------------------
    const zhao = await signIn('zhaomin', '赵敏');
    const zp = zhao.page;

    await check('赵敏 opens 主动公开 → 新建信息 and gets the form', async () => {
      await zp.goto(`${BASE}/staff/disclosure`);
      await axeCheck(zp, '/staff/disclosure (赵敏)');
      await Promise.all([
        zp.waitForURL((u) => u.pathname === '/staff/disclosure/new'),
        zp.getByRole('link', { name: '新建信息' }).click(),
      ]);
      return { ok: (await text(zp.locator('h1'))).includes('新建主动公开信息'), detail: await text(zp.locator('h1')) };
    });
    await axeCheck(zp, '/staff/disclosure/new (form)');
    await zp.screenshot({ path: path.join(SHOTS, 'staff-disclosure-new.png'), fullPage: true });

    await check(`赵敏 fills every required field and saves: “${TITLE}”`, async () => {
      await zp.getByLabel('名称（标题）').fill(TITLE);
      await zp.getByLabel('主题分类').selectOption({ label: '工作动态' });
      await zp.getByLabel('体裁').selectOption({ label: '通知' });
      await zp.getByLabel('发布机构').fill('苏州市安全生产监督管理局');
      await zp.getByLabel('成文日期').fill(TODAY);
      await zp.getByLabel('主动公开', { exact: true }).check();
      await zp.getByLabel('正文').fill(BODY);
      await Promise.all([
        zp.waitForURL((u) => /^\/staff\/disclosure\/\d+$/.test(u.pathname) && u.searchParams.get('done') === 'create'),
        zp.getByRole('button', { name: '保存采编稿' }).click(),
      ]);
      id = Number(pathOf(zp).split('/').pop());
      indexNo = await text(zp.locator('table.meta tr').filter({ hasText: '索引号' }).locator('td').first());
      const status = await text(zp.getByRole('status'));
      const h1 = await text(zp.locator('h1'));
      return { ok: id > 0 && h1 === TITLE && status.includes('采编稿已保存'), detail: `item ${id} ${indexNo}; “${status}”` };
    });
    if (!id) throw new Error('no item was created; the rest depends on it');
    await axeCheck(zp, `/staff/disclosure/${id} (采编中)`);

    await check('赵敏 报送审核: the item waits for the division head', async () => {
      const notice = await step(zp, '报送审核', 'submit');
      const state = await text(zp.locator('table.kv tr').filter({ hasText: '状态' }).locator('td'));
      return { ok: notice.includes('已报送') && state.includes('待审核'), detail: `“${notice}”; 状态 ${state}` };
    });

    // ---- 陈静 approves ------------------------------------------------------
    const chen = await signIn('chenjing', '陈静');
    const cp = chen.page;
    await check('陈静 finds it in her 我的待办 (本人) and opens it', async () => {
      const r = await fromTodo(cp, id, '陈静');
      return { ok: r.n === 1 && r.as === '本人' && pathOf(cp) === `/staff/disclosure/${id}`, detail: `${r.n} row(s), 状态 ${r.status}, 办理身份 ${r.as}` };
    });
    await axeCheck(cp, `/staff/disclosure/${id} (待审核, 陈静)`);
    await check('陈静 审核通过: the item goes to 保密审查', async () => {
      const notice = await step(cp, '审核通过', 'review');
      return { ok: notice.includes('审核通过'), detail: `“${notice}”` };
    });

    // ---- 张华 clears, after a refused incomplete checklist --------------------
    const zhang = await signIn('zhanghua', '张华');
    const hp = zhang.page;
    await check('张华 finds it in his 我的待办 and opens it', async () => {
      const r = await fromTodo(hp, id, '张华');
      return { ok: r.n === 1 && pathOf(hp) === `/staff/disclosure/${id}`, detail: `${r.n} row(s), 状态 ${r.status}, 办理身份 ${r.as}` };
    });
    await axeCheck(hp, `/staff/disclosure/${id} (保密审查, 张华)`);

    await check('张华 ticks three of four checks: refused with a Chinese message naming “不涉及个人隐私”', async () => {
      for (const l of ['经审查，不涉及国家秘密', '经审查，不涉及工作秘密', '经审查，不涉及商业秘密']) {
        await hp.getByLabel(l).check();
      }
      const [resp] = await Promise.all([
        hp.waitForResponse((r) => r.url().endsWith(`/staff/disclosure/${id}/step`) && r.request().method() === 'POST'),
        hp.getByRole('button', { name: '保密审查通过' }).click(),
      ]);
      await hp.waitForLoadState('load');
      const msg = await text(hp.locator('#secrecy-error'));
      const alert = await text(hp.getByRole('alert'));
      const kept = await hp.getByLabel('经审查，不涉及国家秘密').isChecked();
      const fourth = await hp.getByLabel('经审查，不涉及个人隐私').isChecked();
      const ok = resp.status() === 400 && msg.includes('不涉及个人隐私') && /[\u4e00-\u9fff]/.test(msg) &&
        !msg.includes('不涉及国家秘密') && alert.includes('未作任何更改') && kept && !fourth;
      return { ok, detail: `HTTP ${resp.status()} “${msg}”; ticks kept: ${kept}` };
    });
    await axeCheck(hp, `/staff/disclosure/${id} (保密审查 refused)`);
    await hp.screenshot({ path: path.join(SHOTS, 'staff-disclosure-secrecy-error.png'), fullPage: true });

    await check('张华 ticks all four: 保密审查通过', async () => {
      for (const l of ['经审查，不涉及国家秘密', '经审查，不涉及工作秘密', '经审查，不涉及商业秘密', '经审查，不涉及个人隐私']) {
        await hp.getByLabel(l).check();
      }
      const notice = await step(hp, '保密审查通过', 'secrecy');
      return { ok: notice.includes('保密审查通过'), detail: `“${notice}”` };
    });

    // ---- 赵敏 publishes as B岗 for 刘洋 ---------------------------------------
    await check('赵敏 sees it in her 我的待办 marked “B岗代刘洋” and opens it', async () => {
      const r = await fromTodo(zp, id, '赵敏');
      // The item page's banner names the absent A holder by name.
      const warn = await text(zp.locator('section .warn').filter({ hasText: 'B岗' }));
      const ok = r.n === 1 && r.as.startsWith('B岗代刘洋') && warn.includes('刘洋') && warn.includes('今日不在岗');
      return { ok, detail: `${r.n} row(s), 状态 ${r.status}, 办理身份 ${r.as}; item page: “${warn}”` };
    });
    await axeCheck(zp, `/staff/disclosure/${id} (待发布, 赵敏代刘洋)`);
    await zp.screenshot({ path: path.join(SHOTS, 'staff-disclosure-acting.png'), fullPage: true });

    await check('赵敏 发布: the timeline shows the 发布 step by 赵敏 “代 刘洋”', async () => {
      const notice = await step(zp, '发布', 'publish');
      const row = zp.locator('table.timeline tbody tr').filter({ has: zp.locator('td:nth-child(2)', { hasText: /^发布$/ }) });
      const who = await text(row.locator('td').nth(2));
      const badge = await text(row.locator('.badge'));
      const ok = notice.includes('已发布') && who.includes('赵敏') && badge.startsWith('代') && badge.includes('刘洋');
      return { ok, detail: `“${notice}”; 发布 by “${who}”` };
    });
    await axeCheck(zp, `/staff/disclosure/${id} (已发布, 赵敏)`);
    await zp.screenshot({ path: path.join(SHOTS, 'staff-disclosure-item.png'), fullPage: true });

    // ---- the public finds it --------------------------------------------------
    const anonCtx = await newContext();
    const ap = await anonCtx.newPage();
    await check('anonymous: /xxgk/ml lists it first (newest first) with its 索引号', async () => {
      await ap.goto(`${BASE}/xxgk/ml`);
      const first = ap.locator('table.catalog tbody tr').first();
      const link = first.getByRole('link', { name: TITLE, exact: true });
      const n = await link.count();
      const href = n ? await link.getAttribute('href') : '';
      const idx = await text(first.locator('td.idx'));
      return { ok: n === 1 && href === `/xxgk/item/${id}` && idx === indexNo, detail: `first row: ${idx} → ${href || '(not ours)'}` };
    });
    await axeCheck(ap, '/xxgk/ml (with the new item)');

    await check('anonymous opens it: metadata table with 索引号, the phrase in the body', async () => {
      await Promise.all([
        ap.waitForURL((u) => u.pathname === `/xxgk/item/${id}`),
        ap.getByRole('link', { name: TITLE, exact: true }).click(),
      ]);
      const idx = await text(ap.locator('table.meta tr').filter({ hasText: '索引号' }).locator('td').first());
      const body = await text(ap.locator('.item-body'));
      const h1 = await text(ap.locator('h1'));
      const ok = idx === indexNo && body.includes(PHRASE) && h1 === TITLE;
      return { ok, detail: `索引号 ${idx}; body ${body.includes(PHRASE) ? 'has' : 'lacks'} “${PHRASE}”` };
    });
    await axeCheck(ap, `/xxgk/item/${id}`);
    await ap.screenshot({ path: path.join(SHOTS, 'xxgk-item-new.png'), fullPage: true });

    await check(`anonymous: the search form finds it by “${PHRASE}” (index follows within ${INDEX_WAIT_MS / 1000} s)`, async () => {
      await ap.goto(`${BASE}/search`);
      // The search form in <main> (the header has a search box of its own).
      const form = ap.locator('main form[role="search"]');
      await form.getByLabel('检索词').fill(PHRASE);
      await Promise.all([
        ap.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === PHRASE),
        form.getByRole('button', { name: '搜索' }).click(),
      ]);
      let hits = await ap.locator(`ol.hits a[href="/xxgk/item/${id}"]`).count();
      let r = { hits, ms: 0, heading: await text(ap.locator('main h2')) };
      if (hits === 0) r = await pollSearch(ap, id, (h) => h > 0);
      hits = r.hits;
      if (hits !== 1) return { ok: false, detail: `${hits} hit(s) linking to /xxgk/item/${id} after ${r.ms} ms; “${r.heading}”` };
      await ap.screenshot({ path: path.join(SHOTS, 'search-new.png'), fullPage: true });
      await axeCheck(ap, `/search?q=${PHRASE}`);
      await Promise.all([
        ap.waitForURL((u) => u.pathname === `/xxgk/item/${id}`),
        ap.locator(`ol.hits a[href="/xxgk/item/${id}"]`).click(),
      ]);
      return { ok: true, detail: `found ${r.ms ? `after ${r.ms} ms of polling` : 'at once'}; “${r.heading}”; the hit opens ${pathOf(ap)}` };
    });

    // ---- 张华 withdraws; the public page keeps the notice only -------------------
    await check('张华 (办公室) 撤销 it with a reason', async () => {
      await hp.goto(`${BASE}/staff/disclosure/${id}`);
      await axeCheck(hp, `/staff/disclosure/${id} (已发布, 张华: 撤销 form)`);
      await hp.getByLabel('撤销理由').fill(REASON);
      const notice = await step(hp, '撤销', 'withdraw');
      const warn = await text(hp.locator('.warn').filter({ hasText: '撤销理由' }));
      return { ok: notice.includes('已撤销') && warn.includes(REASON), detail: `“${notice}”` };
    });

    await check('anonymous reloads the item: 200, the 撤销 notice with the reason, the phrase gone', async () => {
      const r = await ap.goto(`${BASE}/xxgk/item/${id}`);
      const notice = await text(ap.locator('.notice.withdrawn'));
      const html = await ap.content();
      const ok = r.status() === 200 && notice.includes('撤销') && notice.includes(REASON) && !html.includes(PHRASE);
      return { ok, detail: `HTTP ${r.status()} “${notice}”; phrase ${html.includes(PHRASE) ? 'STILL in the page' : 'gone'}` };
    });
    await axeCheck(ap, `/xxgk/item/${id} (撤销)`);
    await ap.screenshot({ path: path.join(SHOTS, 'xxgk-item-new-withdrawn.png'), fullPage: true });

    await check('anonymous: /xxgk/ml no longer lists it', async () => {
      await ap.goto(`${BASE}/xxgk/ml`);
      const n = await ap.locator(`table.catalog a[href="/xxgk/item/${id}"]`).count();
      return { ok: n === 0, detail: `${n} link(s)` };
    });

    await check(`anonymous: the search for “${PHRASE}” no longer finds it (within ${INDEX_WAIT_MS / 1000} s)`, async () => {
      const r = await pollSearch(ap, id, (h) => h === 0);
      return { ok: r.ok, detail: `${r.hits} hit(s) after ${r.ms} ms; “${r.heading}”` };
    });
    await axeCheck(ap, `/search?q=${PHRASE} (after 撤销)`);
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${SHOTS}/`);
  console.log(`publish: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => { console.error('FAIL publish.mjs timed out after 180 s'); process.exit(1); }, 180_000);
watchdog.unref();
main().catch((e) => {
  console.error(`FAIL publish.mjs aborted: ${e && e.stack ? e.stack : e}`);
  console.log(`publish: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
