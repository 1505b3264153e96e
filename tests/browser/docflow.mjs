// Headless-Chromium end-to-end test of 网上办文, as people do it in the
// browser, through the real forms and links:
//
// 收文: 徐刚 (危化处) files a paper document with its PDF scan and asks for
// online handling; 周红 (deputy in charge) first submits an opinion of
// whitespace only, which is refused in Chinese with nothing changed, then
// approves; 周婷 (收发文登记岗) registers it (收〔YYYY〕N号, the next of the
// year) and, at 初审, routes it to 危化处 (主办) and 监察支队 (协办) with a
// limit of 5 working days; 何军 claims it and names 徐刚 as handler; 徐刚's
// 办结 is refused while the co-division is still at work; 郑伟 gives the
// co-division's opinion and its part; 徐刚 closes it with the result; the
// page shows the whole trail (who, when, what opinion).
//
// 发文: 赵敏 (政策法规处) reads the 一般业务 signing path, drafts a notice and
// sends it to 会签 with 危化处; 何军 gives 危化处's opinion; 赵敏 adopts it in a
// new version (compared with the first) and consolidates; 陈静 (处室审核),
// 周婷 (办公室核稿) and 李明 (分管领导签发, the leader the path names) sign;
// 周婷 rechecks, registers (苏安监〔YYYY〕N号: the demo agency's 代字, see
// src/demo.rs), prints and issues it; the red-header page shows the
// 发文机关标志, the 发文字号 and the title, and the .docx downloads.
//
// Every page on the way is checked with axe-core (WCAG 2.1 A/AA); a
// violation fails the test. Driven by tests/browser.rs:
//
//   node tests/browser/docflow.mjs http://127.0.0.1:PORT /path/to/yangguang DATA_DIR
//
// Leaders need a one-time code: it comes from `yangguang user otp-code`
// (demo data only).

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
  console.error('usage: node docflow.mjs http://127.0.0.1:PORT BIN DATA_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const PASSWORD = 'Yg-Demo-2026!';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const STAMP = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const YEAR = TODAY.slice(0, 4);
// The demo agency (src/demo.rs): its name heads the red header, its 代字
// begins the 发文字号.
const AGENCY = '苏州市安全生产监督管理局';
const PREFIX = '苏安监';

const IN_TITLE = `关于开展危险化学品储存场所专项检查的通知（浏览器测试${STAMP}）`;
const IN_SOURCE = '江苏省安全生产委员会办公室';
const IN_SOURCE_NO = `苏安委办〔${YEAR}〕${Number(STAMP.slice(8, 12)) % 200 + 1}号`;
const IN_SCAN = `%PDF-1.4\n% 来文扫描件 ${STAMP}\n%%EOF\n`;
const APPROVE = '同意网上办理，请办公室登记后送危化处办理。';
const LEAD_OPINION = '请徐刚同志牵头办理，5个工作日内办结。';
const CO_OPINION = '请郑伟同志配合主办处室提供执法检查情况。';
const CO_RESULT = '本处已提供本年度危险化学品储存场所执法检查情况。';
const RESULT = `已组织对全市危险化学品储存场所开展专项检查，发现隐患12处，均已督促整改到位，检查情况已报送省安委办（${STAMP}）。`;

const OUT_TITLE = `关于开展有限空间作业安全专项检查的通知（浏览器测试${STAMP}）`;
const MAIN_TO = '各市、区安全生产监督管理局';
const CC_TO = '江苏省安全生产监督管理局';
const BODY = [
  `${MAIN_TO}：`,
  '为进一步加强有限空间作业安全监管工作，现就有关事项通知如下：',
  '一、检查范围',
  '全市涉及有限空间作业的工贸企业。',
  '二、工作要求',
  '各单位要高度重视，于检查结束后十个工作日内将工作情况报送我局。',
].join('\n');
const COSIGN = '建议在检查范围中增加危险化学品企业的有限空间作业。';
const ADDED = '危险化学品企业的有限空间作业一并纳入检查。';
const BODY2 = BODY.replace('全市涉及有限空间作业的工贸企业。', `全市涉及有限空间作业的工贸企业。\n${ADDED}`);
const CONSOLIDATE = '已采纳危化处会签意见，在检查范围中增加危险化学品企业。';
const REVIEW = '已核稿，格式和文字符合要求。';
const ISSUE = '同意印发。';
const RECHECK = '已核对签发稿与定稿一致。';
const ARCHIVE = '档案室A柜2层';

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

function otpCode(user) {
  return execFileSync(BIN, ['user', 'otp-code', user, '--data-dir', DATA], { encoding: 'utf8' }).split('\n')[0].trim();
}

const pathOf = (page) => new URL(page.url()).pathname;
const text = async (loc) => ((await loc.count()) ? (await loc.first().innerText()).trim() : '');
const oneLine = (s) => s.replace(/\s+/g, ' ').trim();
// The sequence number of 收〔2026〕195号 or 苏安监〔2026〕71号.
const seqOf = (no) => Number((no.match(/〕(\d+)号$/) || [])[1]);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/// The value cell of the 公文情况 row headed `label`.
async function kv(page, label) {
  const th = page.locator('th', { hasText: new RegExp(`^${escape(label)}$`) });
  return text(page.locator('table.kv tr', { has: th }).locator('td'));
}

/// The section of this person's task `label` (我的任务：…).
function task(page, label) {
  return page.locator('section', { has: page.locator('h2', { hasText: new RegExp(`^我的任务：${escape(label)}$`) }) });
}

/// The 办理轨迹 rows of step `step`, as one line of text each.
async function trail(page, step) {
  const rows = page.locator('section', { has: page.locator('#h-trail') }).locator('tbody tr');
  const out = [];
  for (const r of await rows.all()) {
    const cells = await r.locator('td').allInnerTexts();
    if (cells[0] && cells[0].trim() === step) out.push(cells.map((c) => c.trim()));
  }
  return out;
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });

  async function signIn(user, name) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    const ok = await check(`${name} (${user}) signs in`, async () => {
      await page.goto(`${BASE}/login`);
      await page.getByLabel('用户名').fill(user);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname !== '/login');
      if (pathOf(page) === '/login/otp') {
        await page.getByLabel('动态口令或恢复码').fill(otpCode(user));
        await page.getByRole('button', { name: '验证' }).click();
        await page.waitForURL((u) => u.pathname !== '/login/otp');
      }
      const who = await text(page.locator('.topbar .who'));
      return { ok: who.includes(name), detail: `${page.url()}; ${who}` };
    });
    if (!ok) throw new Error(`${user} could not sign in; the rest depends on it`);
    return page;
  }

  // Submits the form holding `button` (within `scope`), waits for the
  // page after it and checks that page with axe-core.
  async function press(page, button, scope, label) {
    const where = scope || page;
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.waitForNavigation({ waitUntil: 'load' }),
      where.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await axeCheck(page, `${pathOf(page)} (${label || `after “${button}”`})`);
    return resp;
  }

  // Follows a link and checks the page it leads to.
  async function follow(page, link, label) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
    await axeCheck(page, `${pathOf(page)} (${label})`);
  }

  // Opens 网上办文 → 我的收件箱 → 待办 and follows the document's link,
  // paging on with 下一页 until it is found.
  async function fromInbox(page, title, who) {
    await page.goto(`${BASE}/staff/`);
    await follow(page, page.locator('main').getByRole('link', { name: '网上办文', exact: true }).first(), `工作台 → 网上办文, ${who}`);
    for (let i = 0; i < 20; i++) {
      const link = page.locator('table.list').getByRole('link', { name: title, exact: true });
      if (await link.count()) {
        await follow(page, link.first(), `from 待办, ${who}`);
        return pathOf(page);
      }
      const next = page.getByRole('link', { name: '下一页', exact: true });
      if (!(await next.count())) break;
      await follow(page, next, `待办 next page, ${who}`);
    }
    throw new Error(`“${title}” is not in ${who}'s 待办`);
  }

  // 签收 the task `label`; its form appears in its place.
  async function claim(page, label, who) {
    const resp = await press(page, '签收', task(page, label), `${label} claimed by ${who}`);
    const form = task(page, label).getByRole('button', { name: '提交', exact: true });
    return { ok: resp.status() === 303 && (await form.count()) === 1, detail: `POST ${resp.status()}` };
  }

  // Fills the opinion of task section `sec`: verdict label and text.
  async function opinion(sec, verdict, words) {
    await sec.getByLabel(verdict, { exact: true }).check();
    await sec.getByLabel('意见内容').fill(words);
  }

  const alertOf = async (page) => oneLine(await text(page.getByRole('alert')));

  let inUrl = '';
  let outUrl = '';
  try {
    // ================================================================== 收文
    const xu = await signIn('xugang', '徐刚');
    await check('徐刚 opens 网上办文 → 登记收到的来文', async () => {
      await xu.goto(`${BASE}/staff/docflow`);
      await axeCheck(xu, '/staff/docflow (徐刚)');
      await follow(xu, xu.getByRole('link', { name: '登记收到的来文' }).first(), '登记来文 form');
      return { ok: pathOf(xu) === '/staff/docflow/incoming/new', detail: pathOf(xu) };
    });
    await check(`徐刚 files “${IN_TITLE}” on paper with its PDF scan, 周红 in charge`, async () => {
      await xu.getByLabel('文件标题（必填）').fill(IN_TITLE);
      await xu.getByLabel('来文单位（必填）').fill(IN_SOURCE);
      await xu.getByLabel('来文字号').fill(IN_SOURCE_NO);
      const date = await xu.getByLabel('收文日期（必填）').inputValue();
      await xu.getByLabel('份数').fill('2');
      await xu.getByLabel('内容摘要').fill('要求各地开展危险化学品储存场所专项检查，并于规定时限内报送检查情况。');
      await xu.getByLabel('分管领导（审批网上办理）').selectOption('zhouhong');
      await xu.getByLabel('纸质来文（须上传扫描件）').check();
      await xu.getByLabel('扫描件或电子文件及附件').setInputFiles({
        name: '来文扫描件.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from(IN_SCAN, 'utf8'),
      });
      await press(xu, '提交，申请网上办理', null, 'filed');
      inUrl = pathOf(xu);
      const state = await kv(xu, '状态');
      const got = await kv(xu, '收文日期');
      return {
        ok: /^\/staff\/docflow\/docs\/\d+$/.test(inUrl) && state === '待批准网上办理' && date === TODAY && got.includes('纸质扫描'),
        detail: `${inUrl}: ${state}; 收文日期 ${got}`,
      };
    });
    if (!inUrl) throw new Error('no incoming document');
    await check('the scan is listed on the page and downloads as the PDF uploaded', async () => {
      const link = xu.locator('section', { has: xu.locator('#h-files') }).getByRole('link', { name: '来文扫描件.pdf' });
      const href = (await link.count()) === 1 ? await link.getAttribute('href') : '';
      const got = href ? await xu.request.get(`${BASE}${href}`) : null;
      const bytes = got ? await got.text() : '';
      return { ok: !!got && got.status() === 200 && bytes === IN_SCAN, detail: `${href} → ${got && got.status()}` };
    });

    // ---- 周红 approves online handling (whitespace refused first) -------------
    const zhou = await signIn('zhouhong', '周红');
    await check('周红 finds it in 待办 and claims 审批网上办理 (签收)', async () => {
      const at = await fromInbox(zhou, IN_TITLE, '周红');
      if (at !== inUrl) return { ok: false, detail: at };
      return claim(zhou, '审批网上办理', '周红');
    });
    await check('an opinion of whitespace only is refused with a Chinese message and nothing changes', async () => {
      const sec = task(zhou, '审批网上办理');
      await opinion(sec, '具体意见', ' 　 \n　');
      const resp = await press(zhou, '提交', sec, 'whitespace opinion refused');
      const alert = await alertOf(zhou);
      const state = await kv(zhou, '状态');
      const row = (await trail(zhou, '审批网上办理'))[0] || [];
      const stillOpen = (await task(zhou, '审批网上办理').getByRole('button', { name: '提交', exact: true }).count()) === 1;
      return {
        ok: resp.status() === 400 && alert.includes('具体意见不能为空') && alert.includes('未作任何更改')
          && state === '待批准网上办理' && row[4] === '办理中' && !row[5] && !row[7] && stillOpen,
        detail: `HTTP ${resp.status()} “${alert}”; 状态 ${state}; trail ${row.join(' | ')}`,
      };
    });
    await check('周红 approves with an instruction: 待登记', async () => {
      await zhou.goto(`${BASE}${inUrl}`);
      const sec = task(zhou, '审批网上办理');
      await opinion(sec, '具体意见', APPROVE);
      const resp = await press(zhou, '提交', sec, 'approved');
      const state = await kv(zhou, '状态');
      return { ok: resp.status() === 303 && state === '待登记', detail: `POST ${resp.status()}; ${state} ${await alertOf(zhou)}` };
    });

    // ---- 周婷 registers, checks and routes -------------------------------------------
    const ting = await signIn('zhouting', '周婷');
    let regNo = '';
    await check('周婷 claims 收文登记; the form carries what 徐刚 filed', async () => {
      await fromInbox(ting, IN_TITLE, '周婷');
      const r = await claim(ting, '收文登记', '周婷');
      const sec = task(ting, '收文登记');
      const org = await sec.getByLabel('来文单位').inputValue();
      const no = await sec.getByLabel('来文字号').inputValue();
      const copies = await sec.getByLabel('份数').inputValue();
      return { ok: r.ok && org === IN_SOURCE && no === IN_SOURCE_NO && copies === '2', detail: `${r.detail}; ${org} ${no} ${copies} 份` };
    });
    await check(`周婷 registers it: 收〔${YEAR}〕N号, status 待初审分办`, async () => {
      const sec = task(ting, '收文登记');
      await sec.getByLabel('紧急程度').selectOption('urgent');
      await press(ting, '提交', sec, 'registered');
      regNo = await kv(ting, '收文编号');
      const state = await kv(ting, '状态');
      return { ok: new RegExp(`^收〔${YEAR}〕[1-9]\\d*号$`).test(regNo) && state === '待初审分办', detail: `${regNo}; ${state}; ${await alertOf(ting)}` };
    });
    await check('the 收文 list shows it with the year’s next number (above every other number of the year listed)', async () => {
      await follow(ting, ting.locator('.crumbs').getByRole('link', { name: '收文', exact: true }), '收文 list');
      const rows = await ting.locator('table.list tbody tr').all();
      let mine = '';
      const others = [];
      for (const r of rows) {
        const cells = (await r.locator('td').allInnerTexts()).map((c) => c.trim());
        if (cells[0] === IN_TITLE) mine = cells[1];
        else if (cells[1].startsWith(`收〔${YEAR}〕`)) others.push(seqOf(cells[1]));
      }
      const seq = seqOf(regNo);
      const max = Math.max(0, ...others);
      return { ok: mine === regNo && others.length > 0 && seq > max, detail: `${mine}; highest other of ${YEAR} on the page: ${max}` };
    });
    await check('周婷 follows the list back to the document and claims 初审分办', async () => {
      await follow(ting, ting.locator('table.list').getByRole('link', { name: IN_TITLE, exact: true }), 'from the 收文 list');
      if (pathOf(ting) !== inUrl) return { ok: false, detail: pathOf(ting) };
      return claim(ting, '初审分办', '周婷');
    });
    await check('初审: routed to 危化处 (主办) and 监察支队 (协办) within 5 working days: 承办中', async () => {
      const sec = task(ting, '初审分办');
      await sec.getByLabel('符合要求，分办').check();
      await sec.getByLabel('主办处室').selectOption({ label: '危险化学品安全监督管理处' });
      await sec.getByLabel('监察支队', { exact: true }).check();
      await sec.getByLabel('办理时限（工作日，不填按紧急程度默认）').fill('5');
      await press(ting, '提交', sec, 'routed');
      const state = await kv(ting, '状态');
      const lead = await kv(ting, '主办处室');
      const co = await kv(ting, '协办、会签处室');
      const due = await kv(ting, '办理时限');
      return {
        ok: state === '承办中' && lead === '危险化学品安全监督管理处' && co === '监察支队（协办）' && /^\d{4}-\d\d-\d\d（5 个工作日）$/.test(due),
        detail: `${state}; ${lead}; ${co}; ${due} ${await alertOf(ting)}`,
      };
    });

    // ---- 何军 (lead head) claims and names the handler -------------------------------------
    const he = await signIn('hejun', '何军');
    await check('何军 claims 处室拟办 and names 徐刚 as handler', async () => {
      await fromInbox(he, IN_TITLE, '何军');
      const r = await claim(he, '处室拟办', '何军');
      if (!r.ok) return r;
      const sec = task(he, '处室拟办');
      await opinion(sec, '具体意见', LEAD_OPINION);
      await sec.getByLabel('承办人').selectOption('xugang');
      const resp = await press(he, '提交', sec, 'lead opinion given');
      const row = (await trail(he, '处室拟办')).find((x) => x[1].includes('危险化学品安全监督管理处')) || [];
      return { ok: resp.status() === 303 && row[5] === '何军' && row[7] === `【具体意见】${LEAD_OPINION}`, detail: row.join(' | ') };
    });

    // ---- 徐刚 handles; 办结 before the co-division is refused ---------------------------
    await check('徐刚 claims 承办; 办结 while 监察支队 is at work is refused, nothing changes', async () => {
      await fromInbox(xu, IN_TITLE, '徐刚');
      const r = await claim(xu, '承办', '徐刚');
      if (!r.ok) return r;
      const sec = task(xu, '承办');
      await sec.getByLabel('办理结果（答复/办结情况）').fill(RESULT);
      const resp = await press(xu, '提交', sec, '办结 refused');
      const alert = await alertOf(xu);
      const state = await kv(xu, '状态');
      return {
        ok: resp.status() === 409 && alert.includes('协办处室办结后才能办结') && alert.includes('未作任何更改') && state === '承办中',
        detail: `HTTP ${resp.status()} “${alert}”; ${state}`,
      };
    });

    // ---- 郑伟: the co-division's opinion and its part ------------------------------------------
    const zheng = await signIn('zhengwei', '郑伟');
    await check('郑伟 claims 监察支队’s 处室拟办, names himself, then does the co-division’s part', async () => {
      await fromInbox(zheng, IN_TITLE, '郑伟');
      let r = await claim(zheng, '处室拟办', '郑伟');
      if (!r.ok) return r;
      let sec = task(zheng, '处室拟办');
      await opinion(sec, '具体意见', CO_OPINION);
      await sec.getByLabel('承办人').selectOption('zhengwei');
      await press(zheng, '提交', sec, 'co opinion given');
      r = await claim(zheng, '承办', '郑伟');
      if (!r.ok) return { ok: false, detail: `承办 ${r.detail} ${await alertOf(zheng)}` };
      sec = task(zheng, '承办');
      await sec.getByLabel('办理结果（答复/办结情况）').fill(CO_RESULT);
      const resp = await press(zheng, '提交', sec, 'co part done');
      const rows = (await trail(zheng, '承办')).filter((x) => x[5] === '郑伟');
      return { ok: resp.status() === 303 && rows.length === 1 && rows[0][7] === CO_RESULT, detail: rows.map((x) => x.join(' | ')).join('; ') };
    });

    // ---- 徐刚 closes it ---------------------------------------------------------------------------
    await check('徐刚 closes it (答复/办结) with the result: 已办结', async () => {
      await fromInbox(xu, IN_TITLE, '徐刚');
      const sec = task(xu, '承办');
      await sec.getByLabel('办理结果（答复/办结情况）').fill(RESULT);
      const resp = await press(xu, '提交', sec, 'closed');
      const state = await kv(xu, '状态');
      const result = await kv(xu, '办理结果');
      return { ok: resp.status() === 303 && state === '已办结' && result === RESULT, detail: `${state}; ${result}` };
    });
    await check('the page shows the whole trail: who, when, with what opinion', async () => {
      const when = /^\d{4}-\d\d-\d\d \d\d:\d\d$/;
      const expect = [
        ['审批网上办理', '周红', `【具体意见】${APPROVE}`],
        ['收文登记', '周婷', ''],
        ['初审分办', '周婷', ''],
        ['处室拟办', '何军', `【具体意见】${LEAD_OPINION}`],
        ['处室拟办', '郑伟', `【具体意见】${CO_OPINION}`],
        ['承办', '郑伟', CO_RESULT],
        ['承办', '徐刚', RESULT],
      ];
      const missing = [];
      for (const [step, by, said] of expect) {
        const rows = await trail(xu, step);
        const hit = rows.find((x) => x[5] === by && x[4] === '已办' && when.test(x[6]) && x[6].startsWith(TODAY) && x[7] === said);
        if (!hit) missing.push(`${step}/${by}: ${rows.map((x) => x.join(' | ')).join('; ')}`);
      }
      const all = (await trail(xu, '审批网上办理')).length + (await trail(xu, '承办')).length;
      return { ok: missing.length === 0 && all === 3, detail: missing.length ? missing.join(' ‖ ') : `${expect.length} acts, each with its time` };
    });
    await xu.screenshot({ path: path.join(SHOTS, 'staff-docflow-incoming-closed.png'), fullPage: true });

    // ================================================================== 发文
    const zhao = await signIn('zhaomin', '赵敏');
    let signing = [];
    await check('赵敏 reads the 一般业务 signing path: 分管领导签发 ends it', async () => {
      await zhao.goto(`${BASE}/staff/docflow`);
      await axeCheck(zhao, '/staff/docflow (赵敏)');
      await follow(zhao, zhao.locator('nav.tabs').getByRole('link', { name: '签发路径', exact: true }), '签发路径');
      const sec = zhao.locator('section', { has: zhao.locator('h2', { hasText: /^一般业务（第 \d+ 版）$/ }) });
      signing = (await sec.locator('ol li').allInnerTexts()).map((s) => s.trim());
      return { ok: signing.length >= 2 && signing[0] === '起草 — 主办处室' && signing[signing.length - 1] === '分管领导签发 — 分管领导', detail: signing.join(' → ') };
    });
    await check('赵敏 opens 发文 → 拟稿', async () => {
      await follow(zhao, zhao.locator('nav.tabs').getByRole('link', { name: '发文', exact: true }), '发文 list');
      await follow(zhao, zhao.locator('main').getByRole('link', { name: '拟稿', exact: true }), '拟稿 form');
      return { ok: pathOf(zhao) === '/staff/docflow/outgoing/new', detail: pathOf(zhao) };
    });
    await check(`赵敏 drafts “${OUT_TITLE}” (一般业务, 李明 in charge): 起草中, on the path just read`, async () => {
      await zhao.getByLabel('标题（必填）').fill(OUT_TITLE);
      await zhao.getByLabel('公文类型（决定签发路径）').selectOption({ label: '一般业务' });
      await zhao.getByLabel('分管领导', { exact: true }).selectOption('liming');
      await zhao.getByLabel('主送机关').fill(MAIN_TO);
      await zhao.getByLabel('抄送机关').fill(CC_TO);
      await zhao.getByLabel('正文', { exact: true }).fill(BODY);
      await press(zhao, '保存草稿', null, 'draft saved');
      outUrl = pathOf(zhao);
      const state = await kv(zhao, '状态');
      const onPage = (await zhao.locator('section', { has: zhao.locator('#h-path') }).locator('ol li').allInnerTexts())
        .map((s) => s.trim().replace(/（(.*)）( ✓| ← 当前)?$/, ' — $1'));
      return {
        ok: /^\/staff\/docflow\/docs\/\d+$/.test(outUrl) && state === '起草中' && onPage.join('|') === signing.join('|'),
        detail: `${outUrl}: ${state}; ${onPage.join(' → ')}`,
      };
    });
    if (!outUrl) throw new Error('no outgoing document');
    await check('赵敏 sends the draft to 会签 with 危化处: 会签中', async () => {
      const sec = task(zhao, '起草');
      await sec.getByLabel('危险化学品安全监督管理处', { exact: true }).check();
      await press(zhao, '提交', sec, 'sent to 会签');
      const state = await kv(zhao, '状态');
      const co = await kv(zhao, '协办、会签处室');
      return { ok: state === '会签中' && co === '危险化学品安全监督管理处（会签）', detail: `${state}; ${co} ${await alertOf(zhao)}` };
    });
    await check('何军 claims 会签 and gives 危化处’s opinion: 汇总中', async () => {
      await fromInbox(he, OUT_TITLE, '何军');
      const r = await claim(he, '会签', '何军');
      if (!r.ok) return r;
      const sec = task(he, '会签');
      await opinion(sec, '具体意见', COSIGN);
      await press(he, '提交', sec, 'co-signed');
      const state = await kv(he, '状态');
      return { ok: state === '汇总中', detail: `${state} ${await alertOf(he)}` };
    });
    await check('赵敏 claims 汇总会签意见 and saves the text with the opinion adopted as 第 2 版', async () => {
      await fromInbox(zhao, OUT_TITLE, '赵敏');
      const r = await claim(zhao, '汇总会签意见', '赵敏');
      if (!r.ok) return r;
      const more = zhao.locator('section', { has: zhao.locator('#h-more') });
      await more.getByLabel('修改正文（保存为新版本，旧版本保留）').fill(BODY2);
      await press(zhao, '保存新版本', more, 'version 2 saved');
      const heading = await text(zhao.locator('#h-body'));
      const versions = await zhao.locator('section', { has: zhao.locator('#h-versions') }).locator('tbody tr').count();
      return { ok: heading === '正文（第 2 版）' && versions === 2, detail: `${heading}; ${versions} versions ${await alertOf(zhao)}` };
    });
    await check('与上一版比较 shows the added line', async () => {
      await follow(zhao, zhao.getByRole('link', { name: '与上一版比较' }), 'versions compared');
      const added = await zhao.locator('table.diff ins', { hasText: ADDED }).count();
      const summary = await text(zhao.locator('main p', { hasText: '行不同' }));
      await follow(zhao, zhao.locator('.crumbs').getByRole('link', { name: OUT_TITLE, exact: true }), 'back to the document');
      return { ok: added === 1 && pathOf(zhao) === outUrl, detail: `${summary}; back at ${pathOf(zhao)}` };
    });
    await check('赵敏 consolidates: 审签中, 处室审核 is the current step', async () => {
      const sec = task(zhao, '汇总会签意见');
      await sec.getByLabel('汇总说明').fill(CONSOLIDATE);
      await press(zhao, '提交', sec, 'consolidated');
      const state = await kv(zhao, '状态');
      const now = await text(zhao.locator('section', { has: zhao.locator('#h-path') }).locator('li', { hasText: '← 当前' }));
      return { ok: state === '审签中' && now.startsWith('处室审核'), detail: `${state}; ${now} ${await alertOf(zhao)}` };
    });

    // ---- the signing path ---------------------------------------------------------------------
    const chen = await signIn('chenjing', '陈静');
    await check('陈静 (处室审核) claims and agrees: 办公室核稿 is next', async () => {
      await fromInbox(chen, OUT_TITLE, '陈静');
      const r = await claim(chen, '处室审核', '陈静');
      if (!r.ok) return r;
      const sec = task(chen, '处室审核');
      await opinion(sec, '同意', '');
      await press(chen, '提交', sec, '处室审核 done');
      const now = await text(chen.locator('section', { has: chen.locator('#h-path') }).locator('li', { hasText: '← 当前' }));
      return { ok: now.startsWith('办公室核稿'), detail: `${now} ${await alertOf(chen)}` };
    });
    await check('周婷 (办公室核稿) claims and agrees: 分管领导签发 is next', async () => {
      await fromInbox(ting, OUT_TITLE, '周婷');
      const r = await claim(ting, '办公室核稿', '周婷');
      if (!r.ok) return r;
      const sec = task(ting, '办公室核稿');
      await opinion(sec, '同意', REVIEW);
      await press(ting, '提交', sec, '办公室核稿 done');
      const now = await text(ting.locator('section', { has: ting.locator('#h-path') }).locator('li', { hasText: '← 当前' }));
      const row = (await trail(ting, '分管领导签发'))[0] || [];
      return { ok: now.startsWith('分管领导签发') && row[1] === '李明' && row[4] === '待签收', detail: `${now}; 签发 task: ${row.join(' | ')}` };
    });
    const li = await signIn('liming', '李明');
    await check('李明, the deputy in charge the path names, claims 分管领导签发 and signs: 已签发待复核', async () => {
      await fromInbox(li, OUT_TITLE, '李明');
      const r = await claim(li, '分管领导签发', '李明');
      if (!r.ok) return r;
      const sec = task(li, '分管领导签发');
      await opinion(sec, '具体意见', ISSUE);
      await press(li, '提交', sec, '签发');
      const state = await kv(li, '状态');
      const signer = await kv(li, '签发人');
      const v = await text(li.locator('section', { has: li.locator('#h-versions') }).locator('tbody tr').last());
      return {
        ok: state === '已签发待复核' && signer === `李明，${TODAY}` && /签发定稿（只读），SM3：[0-9a-f]{64}/.test(v),
        detail: `${state}; 签发人 ${signer}; ${oneLine(v).slice(0, 120)} ${await alertOf(li)}`,
      };
    });

    // ---- 复核 → 登记 → 印制 → 核发 -------------------------------------------------------------------
    let docNo = '';
    await check('周婷 rechecks: 已复核待登记', async () => {
      await fromInbox(ting, OUT_TITLE, '周婷');
      const r = await claim(ting, '复核', '周婷');
      if (!r.ok) return r;
      const sec = task(ting, '复核');
      await sec.getByLabel('复核意见').fill(RECHECK);
      await press(ting, '提交', sec, '复核 done');
      const state = await kv(ting, '状态');
      return { ok: state === '已复核待登记', detail: `${state} ${await alertOf(ting)}` };
    });
    await check(`周婷 registers it: the 发文字号 is ${PREFIX}〔${YEAR}〕N号`, async () => {
      const r = await claim(ting, '发文登记', '周婷');
      if (!r.ok) return r;
      await press(ting, '提交', task(ting, '发文登记'), '发文登记 done');
      docNo = await kv(ting, '发文字号');
      const state = await kv(ting, '状态');
      return { ok: new RegExp(`^${PREFIX}〔${YEAR}〕[1-9]\\d*号$`).test(docNo) && state === '已编号待印制', detail: `${docNo}; ${state} ${await alertOf(ting)}` };
    });
    await check('the 发文 list shows the number, above every other of the 代字 and year listed', async () => {
      await follow(ting, ting.locator('.crumbs').getByRole('link', { name: '发文', exact: true }), '发文 list');
      const head = `${PREFIX}〔${YEAR}〕`;
      let mine = '';
      const others = [];
      for (const r of await ting.locator('table.list tbody tr').all()) {
        const cells = (await r.locator('td').allInnerTexts()).map((c) => c.trim());
        if (cells[0] === OUT_TITLE) mine = cells[1];
        else if (cells[1].startsWith(head)) others.push(seqOf(cells[1]));
      }
      const seq = seqOf(docNo);
      const max = Math.max(0, ...others);
      await follow(ting, ting.locator('table.list').getByRole('link', { name: OUT_TITLE, exact: true }), 'from the 发文 list');
      return { ok: mine === docNo && seq > max && pathOf(ting) === outUrl, detail: `${mine}; highest other listed: ${max}` };
    });
    await check('周婷 prints 30 copies: 已印制待核发', async () => {
      const r = await claim(ting, '印制', '周婷');
      if (!r.ok) return r;
      const sec = task(ting, '印制');
      const main = await sec.getByLabel('主送').inputValue();
      await sec.getByLabel('印制份数').fill('30');
      await press(ting, '提交', sec, '印制 done');
      const state = await kv(ting, '状态');
      return { ok: main === MAIN_TO && state === '已印制待核发', detail: `主送 ${main}; ${state} ${await alertOf(ting)}` };
    });
    await check('周婷 issues it (核发) and records where the paper original is kept: 已核发', async () => {
      const r = await claim(ting, '核发', '周婷');
      if (!r.ok) return r;
      const sec = task(ting, '核发');
      await sec.getByLabel('纸质原件存放位置（档案室）').fill(ARCHIVE);
      await press(ting, '提交', sec, '核发 done');
      const state = await kv(ting, '状态');
      const on = await kv(ting, '核发日期');
      const loc = await kv(ting, '纸质原件存放');
      return { ok: state === '已核发' && on === TODAY && loc === ARCHIVE, detail: `${state}; ${on}; ${loc} ${await alertOf(ting)}` };
    });
    await check('the trail of the 发文: every step by whom the path named, with its opinion', async () => {
      const expect = [
        ['起草', '赵敏', ''],
        ['会签', '何军', `【具体意见】${COSIGN}`],
        ['汇总会签意见', '赵敏', CONSOLIDATE],
        ['处室审核', '陈静', '【同意】同意。'],
        ['办公室核稿', '周婷', `【同意】同意。${REVIEW}`],
        ['分管领导签发', '李明', `【具体意见】${ISSUE}`],
        ['复核', '周婷', RECHECK],
        ['发文登记', '周婷', ''],
        ['印制', '周婷', ''],
        ['核发', '周婷', ''],
      ];
      const missing = [];
      for (const [step, by, said] of expect) {
        const rows = await trail(ting, step);
        if (!rows.some((x) => x[5] === by && x[4] === '已办' && x[6].startsWith(TODAY) && x[7] === said)) {
          missing.push(`${step}/${by}: ${rows.map((x) => x.join(' | ')).join('; ')}`);
        }
      }
      return { ok: missing.length === 0, detail: missing.length ? missing.join(' ‖ ') : `${expect.length} steps` };
    });
    await ting.screenshot({ path: path.join(SHOTS, 'staff-docflow-outgoing-issued.png'), fullPage: true });

    // ---- the red header and the .docx ------------------------------------------------------------
    await check('红头文件 shows the 发文机关标志, the 发文字号 and the title', async () => {
      await follow(ting, ting.getByRole('link', { name: '红头文件（打印）' }), 'red header');
      const mark = await text(ting.locator('h1.mark'));
      const no = await text(ting.locator('.no, .no-up').first());
      const title = await text(ting.locator('h2.title'));
      const main = await text(ting.locator('p.main'));
      const body = await text(ting.locator('main'));
      return {
        ok: pathOf(ting) === `${outUrl}/print` && mark === `${AGENCY}文件` && no === docNo && title === OUT_TITLE
          && main === `${MAIN_TO}：` && body.includes(ADDED) && body.includes(`抄送：${CC_TO}。`),
        detail: `${mark} / ${no} / ${title}`,
      };
    });
    await ting.screenshot({ path: path.join(SHOTS, 'staff-docflow-red-header.png'), fullPage: true });
    await check('its 下载 .docx link downloads the document (200, a .docx)', async () => {
      const href = await ting.getByRole('link', { name: '下载 .docx' }).getAttribute('href');
      const got = await ting.request.get(`${BASE}${href}`);
      const bytes = await got.body();
      const type = got.headers()['content-type'] || '';
      return {
        ok: got.status() === 200 && bytes.subarray(0, 2).toString() === 'PK' && bytes.length > 1000,
        detail: `${href} → ${got.status()} ${type}, ${bytes.length} bytes`,
      };
    });
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${SHOTS}/`);
  console.log(`docflow: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => { console.error('FAIL docflow.mjs timed out after 300 s'); process.exit(1); }, 300_000);
watchdog.unref();
main().catch((e) => {
  console.error(`FAIL docflow.mjs aborted: ${e && e.stack ? e.stack : e}`);
  console.log(`docflow: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
