// Headless-Chromium end-to-end test of 依申请公开, as people do it: a member
// of the public applies online (no account) and keeps the number and
// query code from the receipt; 张华 (office) finds it in the inbox and
// sends a one-time supplement notice; the applicant follows the
// application and supplements online; 张华 extends the time limit, drafts
// the reply (本机关不掌握相关政府信息) from the template, uploads the
// search record through the page's form and issues the reply; the
// applicant follows again and downloads the letter (.docx). Every public
// page on the way is checked with axe-core. Driven by tests/browser.rs:
//
//   node tests/browser/requests.mjs http://127.0.0.1:PORT /path/to/yangguang DATA_DIR

import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [BASE_ARG, BIN, DATA] = process.argv.slice(2);
const BASE = (BASE_ARG || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(BASE) || !BIN || !DATA) {
  console.error('usage: node requests.mjs http://127.0.0.1:PORT BIN DATA_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const PASSWORD = 'Yg-Demo-2026!';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STAMP = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const WANTED = `浏览器测试：2025年度安全生产执法检查计划全文（${STAMP}）`;
const YEAR = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

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

async function axeCheck(page, label) {
  await check(`${label}: axe-core WCAG 2.1 A/AA`, async () => {
    await page.addScriptTag({ content: AXE_SOURCE });
    const r = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return {
        passes: res.passes.length,
        violations: res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      };
    });
    if (r.passes === 0) return { ok: false, detail: 'axe ran no rule' };
    return { ok: r.violations.length === 0, detail: r.violations.length ? r.violations.join(' | ') : `no violations, ${r.passes} rules passed` };
  });
}

const text = async (loc) => ((await loc.count()) ? (await loc.first().innerText()).trim() : '');

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  const newPage = async (js = true) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled: js, acceptDownloads: true });
    ctx.setDefaultTimeout(15_000);
    return ctx.newPage();
  };
  async function press(page, button) {
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
  }

  let appNo = '';
  let code = '';
  try {
    // ---- the public applies ------------------------------------------------------------
    // The pages need no JavaScript (the HTTP tests post the plain forms);
    // it is on here only so that axe-core can run in the page.
    const pub = await newPage();
    await check('the public opens 依申请公开 and reads how to apply', async () => {
      await pub.goto(`${BASE}/xxgk/ysqgk`);
      const body = await text(pub.locator('main'));
      return { ok: body.includes('申请须知') && body.includes('20个工作日'), detail: pub.url() };
    });
    await axeCheck(pub, '/xxgk/ysqgk');
    await check('a form with a wrong ID number is refused with its message, nothing lost', async () => {
      await pub.locator('#f-name').fill('浏览器测试申请人');
      await pub.locator('#f-id-number').fill('110105194912310021');
      await pub.locator('#f-phone').fill('13800138000');
      await pub.locator('#f-description').fill(WANTED);
      await press(pub, '提交申请');
      const err = await text(pub.locator('[role=alert]'));
      const kept = await pub.locator('#f-description').inputValue();
      return { ok: err.includes('校验位') && kept === WANTED, detail: err };
    });
    await axeCheck(pub, '/xxgk/ysqgk (refused form)');
    await check('the corrected form is accepted: number and query code on the receipt', async () => {
      await pub.locator('#f-id-number').fill('11010519491231002X');
      await press(pub, '提交申请');
      appNo = await text(pub.locator('#app-no'));
      code = await text(pub.locator('#query-code'));
      return { ok: /^YSQ-\d{4}-\d{6}$/.test(appNo) && code.length === 8, detail: `${appNo} ${code}` };
    });
    await axeCheck(pub, 'receipt (回执)');
    if (!appNo) throw new Error('no application number');

    // ---- 张华 sends the supplement notice -------------------------------------------
    const zhang = await newPage();
    await check('张华 (office) signs in and finds the application in the inbox', async () => {
      await zhang.goto(`${BASE}/login`);
      await zhang.getByLabel('用户名').fill('zhanghua');
      await zhang.getByLabel('密码').fill(PASSWORD);
      await zhang.getByRole('button', { name: '登录' }).click();
      await zhang.waitForURL((u) => u.pathname !== '/login');
      await zhang.goto(`${BASE}/staff/ysqgk`);
      await zhang.getByRole('link', { name: appNo }).click();
      await zhang.waitForURL((u) => /^\/staff\/ysqgk\/\d+$/.test(u.pathname));
      return { ok: (await text(zhang.locator('h1'))).includes(appNo) };
    });
    await axeCheck(zhang, 'staff application page');
    await check('张华 sends the one-time supplement notice', async () => {
      await zhang.locator('#x-supp-text').fill('请写明所需文件的发文年度和文号');
      await press(zhang, '发出补正告知');
      const st = await text(zhang.locator('#status'));
      return { ok: st.includes('待补正'), detail: st };
    });

    // ---- the applicant follows and supplements --------------------------------------
    const follow = async () => {
      await pub.goto(`${BASE}/xxgk/ysqgk/cx`);
      await pub.locator('#cx-no').fill(appNo);
      await pub.locator('#cx-code').fill(code);
      await press(pub, '查询');
    };
    await check('a wrong query code reveals nothing', async () => {
      await pub.goto(`${BASE}/xxgk/ysqgk/cx`);
      await pub.locator('#cx-no').fill(appNo);
      await pub.locator('#cx-code').fill('ABCDEFGH');
      await press(pub, '查询');
      const body = await text(pub.locator('main'));
      return { ok: body.includes('申请编号或查询码不正确') && !body.includes('浏览器测试申请人'), detail: body.slice(0, 80) };
    });
    await axeCheck(pub, '/xxgk/ysqgk/cx');
    await check('the applicant follows it and sees the supplement notice', async () => {
      await follow();
      const body = await text(pub.locator('main'));
      return { ok: body.includes('补正告知') && body.includes('发文年度和文号'), detail: await text(pub.locator('#status')) };
    });
    await axeCheck(pub, 'status page (待补正)');
    await check('the applicant supplements online; the clock restarts', async () => {
      await pub.locator('#supp-text').fill('2025年，文号为苏安监〔2025〕12号');
      await press(pub, '提交补正');
      const ok = await text(pub.locator('[role=status]'));
      return { ok: ok.includes('补正材料已提交'), detail: ok };
    });

    // ---- 张华 extends and replies -----------------------------------------------------
    await check('张华 extends the time limit by 10 working days with the head\'s approval', async () => {
      await zhang.reload();
      await zhang.locator('#x-ext-days').fill('10');
      await zhang.locator('#x-ext-reason').fill('需向档案室调取材料');
      await zhang.locator('#x-ext-by').fill('张华');
      await press(zhang, '延长并告知申请人');
      const tl = await text(zhang.locator('.timeline'));
      return { ok: tl.includes('延长10个工作日'), detail: await text(zhang.locator('#due')) };
    });
    await check('张华 drafts the reply from the template and uploads the search record', async () => {
      await zhang.locator('#x-outcome').selectOption('cannot_1');
      await press(zhang, '保存告知书草稿');
      await zhang.locator('#x-file').setInputFiles({
        name: '检索记录.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('未检索到相关信息', 'utf8'),
      });
      await press(zhang, '上传附件');
      const body = await text(zhang.locator('main'));
      return { ok: body.includes('检索记录.txt（24 字节）'), detail: new URL(zhang.url()).pathname };
    });
    await check('张华 issues the reply, numbered', async () => {
      const draft = await zhang.locator('#x-body').inputValue();
      await press(zhang, '编号并发出答复');
      const st = await text(zhang.locator('#status'));
      return { ok: draft.includes('六个月内') && st.includes('已答复'), detail: st };
    });

    // ---- the applicant reads and downloads the reply -----------------------------------
    await check('the applicant sees the reply letter, without internal lines', async () => {
      await follow();
      const body = await text(pub.locator('main'));
      return { ok: body.includes('答复告知书') && body.includes('无法提供') && !body.includes('档案室') && !body.includes('zhanghua'), detail: await text(pub.locator('#status')) };
    });
    await axeCheck(pub, 'status page (已答复)');
    await check('the applicant downloads the letter as .docx', async () => {
      const [dl] = await Promise.all([
        pub.waitForEvent('download'),
        pub.getByRole('button', { name: '下载告知书（.docx）' }).click(),
      ]);
      const name = dl.suggestedFilename();
      const path = await dl.path();
      const head = readFileSync(path).subarray(0, 2).toString('latin1');
      return { ok: name.endsWith('.docx') && head === 'PK', detail: name };
    });
    for (const url of ['/xxgk/nb', `/xxgk/nb/${YEAR - 1}`]) {
      await check(`${url} shows the published annual report`, async () => {
        await pub.goto(`${BASE}${url}`);
        const body = await text(pub.locator('main'));
        return { ok: body.includes('年度报告'), detail: body.slice(0, 60) };
      });
      await axeCheck(pub, url);
    }
  } finally {
    await browser.close();
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
