// Headless-Chromium accessibility and no-JavaScript checks for the public
// site. Driven by tests/browser.rs, which starts `yangguang demo` and passes
// its base URL:
//
//   node tests/browser/a11y.mjs http://127.0.0.1:PORT
//
// Uses Debian's /usr/bin/chromium (override with YANGGUANG_CHROMIUM) through
// playwright-core, which never downloads a browser, and injects axe-core
// from node_modules. Prints one line per check and exits 1 if any failed.
// Full-page screenshots go to /tmp/yangguang-shots/ (override with
// YANGGUANG_SHOTS_DIR); they are for people to look at, not compared.

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(BASE)) {
  console.error('usage: node a11y.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const VIEWPORT = { width: 1280, height: 800 };

// Chromium must not try to reach the network on its own: there is none here
// but the loopback, and every background fetch would fail noisily.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Every page checked; `text` must be in <main> with JavaScript disabled.
const PAGES = [
  { path: '/', status: 200, text: ['政府信息公开', '工作日期限计算器'] },
  { path: '/xxgk/', status: 200, text: ['中华人民共和国政府信息公开条例', '公开指南'] },
  { path: '/gongju/gongzuori', status: 200, text: ['工作日期限计算器', '起算日', '工作日数', '计算截止日期'] },
  { path: '/gongju/gongzuori?from=2026-09-30&days=20', status: 200, text: ['2026年11月3日', '2026-10-01', '国庆节假期'] },
  { path: '/gongju/gongzuori?from=2026-02-30&days=20', status: 400, text: ['2026-02-30', '无效'] },
  { path: '/no-such-page', status: 404, text: ['页面不存在', '返回首页'] },
  // 政府信息公开: the catalog (all, one category), a seed document, its
  // print view, the guide, search and the site map.
  { path: '/xxgk/ml', status: 200, text: ['公开目录', '索引号', '最新在前', '苏州市安监局关于进一步加强政务公开的意见'] },
  { path: '/xxgk/ml?category=zcwj', status: 200, text: ['政策文件', '索引号', '苏州市安监局关于进一步加强政务公开的意见'] },
  { path: '/xxgk/item/1', status: 200, text: ['索引号', '014101876/', '苏州市安监局关于进一步加强政务公开的意见', '版本记录'] },
  { path: '/xxgk/item/1/print', status: 200, text: ['索引号', '苏州市安监局关于进一步加强政务公开的意见', '打印'] },
  { path: '/xxgk/zn', status: 200, text: ['政府信息公开指南', '主动公开', '依申请公开'] },
  { path: '/search?q=政务公开', status: 200, text: ['站内搜索', '“政务公开”的搜索结果', '苏州市安监局关于进一步加强政务公开的意见'] },
  { path: '/sitemap', status: 200, text: ['网站地图', '政府信息公开目录', '站内搜索'] },
];

// The demo's withdrawn notice and its expired plan have no fixed ids (they
// are seeded after the documents): main() finds them among /xxgk/item/1..15
// by their notice and adds them to PAGES.
const NOTICE_PAGES = [
  { cls: 'withdrawn', word: '撤销', text: ['本信息已于', '撤销', '撤销原因'] },
  { cls: 'validity', word: '失效', text: ['本文件', '失效', '失效原因'] },
];

// Pages checked again with axe in 长者模式 and in 无障碍浏览.
const MODE_PAGES = ['/', '/xxgk/', '/gongju/gongzuori?from=2026-09-30&days=20', '/xxgk/ml', '/xxgk/item/1', '/search?q=政务公开'];

let passed = 0;
let failed = 0;

function report(ok, name, detail = '') {
  if (ok) passed++; else failed++;
  const line = `${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`;
  (ok ? console.log : console.error)(line);
}

// Runs one check; an exception (timeout, missing element) is a failure of
// that check only, so the rest still run and report.
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

const url = (p) => BASE + p;

async function bodyState(page) {
  return page.evaluate(() => ({
    cls: document.body.className,
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
  }));
}

// Injects axe-core into the page and runs the WCAG 2.0/2.1 A and AA rules.
async function axeCheck(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const res = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
        summary: v.nodes[0] ? v.nodes[0].failureSummary : '',
      })),
    };
  }, AXE_TAGS);
  if (res.passes === 0) return { ok: false, detail: 'axe ran no rule (was it injected?)' };
  if (res.violations.length === 0) return `0 violations, ${res.passes} rules passed`;
  for (const v of res.violations) {
    console.error(`     axe ${v.id} [${v.impact}] ${v.help}`);
    for (const t of v.targets) console.error(`       target: ${t}`);
    if (v.summary) console.error(`       ${v.summary.replace(/\n\s*/g, ' / ')}`);
  }
  return { ok: false, detail: `${res.violations.length} violation(s): ${res.violations.map((v) => v.id).join(', ')}` };
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  // launch() gives Chromium a fresh temporary user-data-dir of its own and
  // removes it on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  const newContext = (opts = {}) =>
    browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  try {
    const js = await newContext();
    const nojs = await newContext({ javaScriptEnabled: false });
    js.setDefaultTimeout(15_000);
    nojs.setDefaultTimeout(15_000);

    // Finds the withdrawn and the expired demo item by their public notice.
    const notices = {};
    for (let id = 1; id <= 15; id++) {
      const r = await fetch(url(`/xxgk/item/${id}`));
      if (r.status !== 200) continue;
      const html = await r.text();
      for (const n of NOTICE_PAGES) {
        if (!notices[n.cls] && html.includes(`class="notice ${n.cls}"`) && html.includes(n.word)) {
          notices[n.cls] = `/xxgk/item/${id}`;
        }
      }
    }
    for (const n of NOTICE_PAGES) {
      await check(`demo item with the “${n.word}” notice found among /xxgk/item/1..15`, () => {
        const p = notices[n.cls];
        return { ok: !!p, detail: p || 'none' };
      });
      if (notices[n.cls]) PAGES.push({ path: notices[n.cls], status: 200, text: n.text });
    }

    for (const spec of PAGES) {
      const p = spec.path;
      const page = await js.newPage();
      const badSubresources = [];
      page.on('response', (r) => {
        if (r.request().resourceType() !== 'document' && r.status() >= 400) {
          badSubresources.push(`${r.status()} ${r.url()}`);
        }
      });
      const resp = await page.goto(url(p), { waitUntil: 'load' });

      await check(`${p}: HTTP ${spec.status}, stylesheet and other subresources load`, () => {
        const st = resp ? resp.status() : 0;
        const ok = st === spec.status && badSubresources.length === 0;
        return { ok, detail: ok ? '' : `status ${st}${badSubresources.length ? `; failed: ${badSubresources.join(', ')}` : ''}` };
      });

      await check(`${p}: axe-core WCAG 2.1 A/AA — no violations`, () => axeCheck(page));

      await check(`${p}: <html lang="zh-CN">, non-empty <title>, exactly one <h1>`, async () => {
        const d = await page.evaluate(() => ({
          lang: document.documentElement.getAttribute('lang'),
          title: document.title.trim(),
          h1: document.querySelectorAll('h1').length,
        }));
        const ok = d.lang === 'zh-CN' && d.title.length > 0 && d.h1 === 1;
        return { ok, detail: `lang=${d.lang} title="${d.title}" h1=${d.h1}` };
      });

      if (p === '/') {
        await page.screenshot({ path: path.join(SHOTS, 'home.png'), fullPage: true });
      } else if (p.includes('from=2026-09-30')) {
        await page.screenshot({ path: path.join(SHOTS, 'gongzuori-result.png'), fullPage: true });
      } else if (p.includes('from=2026-02-30')) {
        await page.screenshot({ path: path.join(SHOTS, 'gongzuori-error.png'), fullPage: true });
      } else if (p === '/no-such-page') {
        await page.screenshot({ path: path.join(SHOTS, 'not-found.png'), fullPage: true });
      } else if (p === '/xxgk/ml') {
        await page.screenshot({ path: path.join(SHOTS, 'xxgk-ml.png'), fullPage: true });
      } else if (p === '/xxgk/item/1') {
        await page.screenshot({ path: path.join(SHOTS, 'xxgk-item-1.png'), fullPage: true });
      } else if (p.startsWith('/search')) {
        await page.screenshot({ path: path.join(SHOTS, 'search.png'), fullPage: true });
      } else if (p === notices.withdrawn) {
        await page.screenshot({ path: path.join(SHOTS, 'xxgk-item-withdrawn.png'), fullPage: true });
      }
      await page.close();

      await check(`${p}: works without JavaScript (main shows ${spec.text.map((t) => `“${t}”`).join(' ')})`, async () => {
        const np = await nojs.newPage();
        try {
          const r = await np.goto(url(p), { waitUntil: 'load' });
          const text = await np.locator('main').innerText();
          const missing = spec.text.filter((t) => !text.includes(t));
          const st = r ? r.status() : 0;
          const ok = missing.length === 0 && st === spec.status;
          return { ok, detail: ok ? '' : `status ${st}; missing: ${missing.join(', ') || '-'}` };
        } finally {
          await np.close();
        }
      });
    }

    // The same axe rules in 长者模式 and 无障碍浏览: their CSS changes colours
    // and sizes, so contrast is checked again with each mode's cookie set.
    for (const [mode, label] of [['elder', '长者模式'], ['a11y', '无障碍浏览']]) {
      const ctx = await newContext();
      ctx.setDefaultTimeout(15_000);
      try {
        const page = await ctx.newPage();
        await page.goto(url(`/pref?mode=${mode}&back=/`));
        for (const p of MODE_PAGES) {
          if (p !== '/') await page.goto(url(p));
          await check(`${p} in ${label}: body.${mode}, axe-core WCAG 2.1 A/AA — no violations`, async () => {
            const cls = await page.evaluate(() => document.body.className);
            if (!cls.split(/\s+/).includes(mode)) return { ok: false, detail: `body class="${cls}"` };
            return axeCheck(page);
          });
          if (p === '/') await page.screenshot({ path: path.join(SHOTS, `home-${mode}.png`), fullPage: true });
        }
      } finally {
        await ctx.close();
      }
    }

    // Keyboard: the first Tab stop is a visible skip link to <main>.
    await check('/: first Tab focuses the visible skip link “跳到主要内容”, Enter moves to <main>', async () => {
      const page = await js.newPage();
      try {
        await page.goto(url('/'));
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const a = document.activeElement;
          return { text: a ? a.textContent.trim() : '', href: a ? a.getAttribute('href') : null };
        });
        if (f.text !== '跳到主要内容') return { ok: false, detail: `focused “${f.text}”` };
        const box = await page.locator(':focus').boundingBox();
        const inView = box && box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0 &&
          box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height;
        if (!inView) return { ok: false, detail: `not visible when focused: box ${JSON.stringify(box)}` };
        await page.keyboard.press('Enter');
        const after = await page.evaluate(() => ({ hash: location.hash, id: document.activeElement && document.activeElement.id }));
        const ok = after.hash === '#main' && after.id === 'main';
        return { ok, detail: `box ${Math.round(box.x)},${Math.round(box.y)} ${Math.round(box.width)}×${Math.round(box.height)}; after Enter: ${after.hash} focus #${after.id}` };
      } finally {
        await page.close();
      }
    });

    // 长者模式 through plain links (no JavaScript), back on the same page.
    await check('长者模式 (no JS): link returns to the same page with body.elder and larger type; 退出长者模式 restores', async () => {
      const ctx = await newContext({ javaScriptEnabled: false });
      ctx.setDefaultTimeout(15_000);
      try {
        const page = await ctx.newPage();
        await page.goto(url('/xxgk/'));
        const normal = await bodyState(page);
        if (/\belder\b/.test(normal.cls)) return { ok: false, detail: `elder before switching: class="${normal.cls}"` };
        // The URL is /xxgk/ before and after, so wait for the new page's link.
        await page.getByRole('link', { name: '长者模式', exact: true }).click();
        await page.getByRole('link', { name: '退出长者模式', exact: true }).waitFor();
        await page.waitForLoadState('load');
        const elder = await bodyState(page);
        const path1 = new URL(page.url()).pathname;
        if (path1 !== '/xxgk/' || !/\belder\b/.test(elder.cls) || !(elder.fontSize > normal.fontSize)) {
          return { ok: false, detail: `after 长者模式: ${path1} class="${elder.cls}" font ${elder.fontSize}px vs normal ${normal.fontSize}px` };
        }
        await page.screenshot({ path: path.join(SHOTS, 'xxgk-elder.png'), fullPage: true });
        await page.getByRole('link', { name: '退出长者模式', exact: true }).click();
        await page.getByRole('link', { name: '长者模式', exact: true }).waitFor();
        await page.waitForLoadState('load');
        const back = await bodyState(page);
        const path2 = new URL(page.url()).pathname;
        const ok = path2 === '/xxgk/' && !/\belder\b/.test(back.cls) && back.fontSize === normal.fontSize;
        return { ok, detail: `normal ${normal.fontSize}px → elder ${elder.fontSize}px → ${back.fontSize}px (class="${back.cls}")` };
      } finally {
        await ctx.close();
      }
    });

    // The calculator form, filled and submitted as a person would.
    await check('calculator form: 起算日 2026-09-30 + 20 个工作日 → 2026年11月3日, lists 国庆节假期', async () => {
      const page = await js.newPage();
      try {
        await page.goto(url('/gongju/gongzuori'));
        await page.getByLabel('起算日').fill('2026-09-30');
        await page.getByLabel('工作日数').fill('20');
        await Promise.all([
          page.waitForURL((u) => u.searchParams.get('from') === '2026-09-30', { waitUntil: 'load' }),
          page.getByRole('button', { name: '计算截止日期' }).click(),
        ]);
        const answer = (await page.locator('.answer').innerText()).trim();
        const rows = await page.locator('table tbody tr').filter({ hasText: '国庆节假期' }).count();
        const ok = answer.includes('2026年11月3日') && rows > 0;
        return { ok, detail: `“${answer}”; ${rows} 国庆节假期 rows` };
      } finally {
        await page.close();
      }
    });

    await check('invalid date 2026-02-30: Chinese error inside role="alert", tied to the field', async () => {
      const page = await js.newPage();
      try {
        const r = await page.goto(url('/gongju/gongzuori?from=2026-02-30&days=20'));
        const alert = page.getByRole('alert');
        const n = await alert.count();
        if (n !== 1) return { ok: false, detail: `${n} role="alert" elements` };
        const text = (await alert.innerText()).trim();
        const alertId = await alert.getAttribute('id');
        const describedBy = (await page.getByLabel('起算日').getAttribute('aria-describedby')) || '';
        const kept = await page.getByLabel('起算日').inputValue();
        const ok = /[\u4e00-\u9fff]/.test(text) && text.includes('无效') && r.status() === 400 &&
          !!alertId && describedBy.split(/\s+/).includes(alertId) && kept === '2026-02-30';
        return { ok, detail: `HTTP ${r.status()} “${text}” (aria-describedby=${describedBy || '-'}; field keeps “${kept}”)` };
      } finally {
        await page.close();
      }
    });
  } finally {
    await browser.close();
  }
}

const watchdog = setTimeout(() => {
  console.error('FAIL a11y.mjs did not finish within 180 s');
  process.exit(1);
}, 180_000);
watchdog.unref();

main().then(
  () => {
    console.log(`screenshots in ${SHOTS}/`);
    console.log(`a11y: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  },
  (e) => {
    console.error(`FAIL a11y.mjs aborted: ${e && e.stack ? e.stack : e}`);
    console.log(`a11y: ${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  },
);
