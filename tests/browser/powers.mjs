// Headless-Chromium end-to-end test of 权力清单 and 办件, as people do it in
// the browser, through the real forms and links:
//
// The public reads /qlqd/ (232 items; 行政许可 shows 8; search by name and
// by code) and an item page (the SVG flowchart with role="img", the step
// list, the legal basis). 张华 (office) imports a changed 其他行政权力 process
// (one step renamed) → 第2版, and the public item page then draws the new
// step; a file with a scriptTask is refused naming the element, nothing
// written.
//
// 许可: 徐刚 (行政许可窗口岗) registers an application for XK-002, an
// important item, reads the number and query code on the receipt,
// completes 窗口受理审查材料 (材料齐全) and 受理; the tier sends it to 何军's
// 许可工作小组集体审查 (group opinion); 李明 (deputy, one-time code) decides
// 准予许可; 徐刚 issues. 处罚: 郑伟 (行政执法监察岗) opens a case 依职权 (the
// window channel refused first), 立案, 调查取证; 何军 案件审理; 郑伟 告知,
// stating 罚款50000元 to an organisation and 重大权益, with a hearing
// requested (a date before 立案 refused, and a request on 罚款20000元
// refused as outside 第六十三条); the page states the hearing right; 何军
// 组织听证 (a notice fewer than 7 working days before the hearing refused
// in Chinese, then one in time); the case is at 法制审核, on the ground
// the page names (重大权益, heard: 第五十八条第一款第（二）项).
//
// At each stop the public follows the case at /bsgk/cx with number + code:
// the node with class "current" in the SVG is the engine's current step —
// its id is the node the staff page's form completes and its label the
// step the staff page shows — and the text list says 当前. A wrong query
// code gets the one refusal message and no case data.
//
// axe-core (WCAG 2.1 A/AA) runs on every public and staff page visited; a
// violation fails the test. Driven by tests/browser.rs:
//
//   node tests/browser/powers.mjs http://127.0.0.1:PORT /path/to/yangguang DATA_DIR
//
// Leaders need a one-time code: it comes from `yangguang user otp-code`
// (demo data only).

import { readFileSync, mkdirSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OTHER_BPMN = readFileSync(path.join(HERE, '../../crates/powers/processes/other.bpmn'), 'utf8');
const [BASE_ARG, BIN, DATA] = process.argv.slice(2);
const BASE = (BASE_ARG || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(BASE) || !BIN || !DATA) {
  console.error('usage: node powers.mjs http://127.0.0.1:PORT BIN DATA_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const PASSWORD = 'Yg-Demo-2026!';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const STAMP = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
/// TODAY minus `n` calendar days, as YYYY-MM-DD.
const daysBack = (n) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

// The demo list (crates/powers/data/demo-items.json): XK-002 is an
// important licensing item; CF-004 a penalty; QT-005 runs the `other` process.
const XK = 'XK-002';
const CF = 'CF-004';
const QT = 'QT-005';
const OLD_STEP = '承办处室审核';
const NEW_STEP = '承办处室审查核实';
const BAD_ID = 'auto_fine';
const BAD_NAME = '自动计算罚款金额';

const XK_PARTY = '苏州恒泰化工有限公司';
const XK_CONTACT = '0512-6688 1234';
const XK_SUBJECT = `年产5万吨精细化学品项目安全设施设计审查（浏览器测试${STAMP}）`;
const GROUP_OPINION = '许可工作小组集体审查意见：安全设施设计专篇符合要求，同意准予许可。';
const DECISION = `准予许可，核发危险化学品建设项目安全设施设计审查意见书（浏览器测试${STAMP}）。`;
const CF_PARTY = '张建华';
const CF_CONTACT = '139 1234 5678';
const CF_SUBJECT = `主要负责人未履行安全生产管理职责（浏览器测试${STAMP}）`;
// The penalty's clue came 45 days ago, 立案 the next day, 告知 40 days ago
// (the hearing requested in time); 第六十四条: notice at least 7 working days
// before the hearing, both after 告知 and not after today.
const CF_FOUND = daysBack(45);
const CF_FILED = daysBack(44);
const CF_TOLD = daysBack(40);
const NOTICE_LATE = [daysBack(3), daysBack(1)];
const NOTICE_OK = [daysBack(30), daysBack(1)];

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
const squeeze = (s) => s.replace(/\s+/g, '');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/// The cell right after the header `label` in a table of `sel` (rows may
/// hold two header/value pairs).
async function cell(page, sel, label) {
  const tds = page.locator(`${sel} th`, { hasText: new RegExp(`^${escape(label)}$`) }).locator('xpath=following-sibling::td[1]');
  return text(tds);
}

/// The staff case page's open steps: (name, the node its form completes).
async function staffSteps(page) {
  return page.locator('section[aria-labelledby="h-now"] div.step').evaluateAll((divs) => divs.map((d) => ({
    name: (d.querySelector('h3')?.textContent || '').trim(),
    node: d.querySelector('input[name="node"]')?.value || '',
  })));
}

/// The nodes the flowchart highlights: id, label (the first text of the
/// node), whether it carries the 当前 tag; and the done nodes with dates.
async function chart(page) {
  return page.locator('figure.flowchart svg').first().evaluate((svg) => {
    const label = (g) => (g.querySelector('text')?.textContent || '').trim();
    const texts = (g) => [...g.querySelectorAll('text')].map((t) => t.textContent.trim());
    return {
      role: svg.getAttribute('role'),
      current: [...svg.querySelectorAll('g.current')].map((g) => ({ id: g.id, label: label(g), tagged: texts(g).includes('当前') })),
      done: [...svg.querySelectorAll('g.done')].map((g) => ({ id: g.id, label: label(g), texts: texts(g) })),
    };
  });
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'yangguang-powers-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });

  async function newPage() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(15_000);
    return ctx.newPage();
  }

  async function signIn(user, name) {
    const page = await newPage();
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

  const alertOf = async (page) => oneLine(await text(page.getByRole('alert')));
  const noticeOf = async (page) => oneLine(await text(page.getByRole('status')));

  // Opens 我的办件, finds the case in 待办 at `step` and follows its link.
  async function fromInbox(page, caseNo, step, who) {
    await check(`${who}'s 待办 lists ${caseNo} at “${step}” and opens it`, async () => {
      await page.goto(`${BASE}/staff/bsgk`);
      const row = page.locator('section[aria-labelledby="h-todo"] tbody tr', { has: page.getByRole('link', { name: caseNo, exact: true }) });
      if (!(await row.count())) return { ok: false, detail: `${caseNo} not in 待办` };
      const cells = (await row.first().locator('td').allInnerTexts()).map((c) => c.trim());
      await follow(page, row.first().getByRole('link', { name: caseNo, exact: true }), `${caseNo} from 待办, ${who}`);
      return { ok: cells[2] === step && /^\/staff\/bsgk\/cases\/\d+$/.test(pathOf(page)), detail: cells.join(' | ') };
    });
  }

  // Completes the open step `step` on the case page with the radio answers
  // and fields given; returns the page's notice or refusal.
  async function complete(page, step, answers = {}, fill = {}, label = '') {
    const sec = page.locator('div.step', { has: page.locator('h3', { hasText: new RegExp(`^${escape(step)}$`) }) });
    for (const [name, v] of Object.entries(answers)) {
      await sec.locator(`input[name="var.${name}"][value="${v}"]`).check();
    }
    // Text and date inputs are filled, a select chosen, a radio group's
    // value checked, a checkbox ticked for `true`.
    for (const [name, v] of Object.entries(fill)) {
      const el = sec.locator(`[name="${name}"]`);
      const kind = await el.first().evaluate((e) => `${e.tagName}:${e.type}`);
      if (kind.startsWith('SELECT')) await el.selectOption(v);
      else if (kind.endsWith(':radio')) await sec.locator(`[name="${name}"][value="${v}"]`).check();
      else if (kind.endsWith(':checkbox')) await (v ? el.check() : el.uncheck());
      else await el.fill(v);
    }
    const resp = await press(page, '办理完成', sec, label || `“${step}” completed`);
    return { status: resp.status(), notice: await noticeOf(page), alert: await alertOf(page) };
  }

  // The public follows the case with its number and code.
  async function track(pub, caseNo, code, label) {
    await pub.goto(`${BASE}/bsgk/cx`);
    await pub.locator('#cx-no').fill(caseNo);
    await pub.locator('#cx-code').fill(code);
    return press(pub, '查询', null, label);
  }

  // The public page's highlighted node is the engine's current step: the
  // node the staff page completes, with the name the staff page shows.
  async function sameStep(pub, staff, who, expect) {
    await check(`the highlighted step on the public chart is the engine's current step “${expect.name}” (${who}'s case page)`, async () => {
      const c = await chart(pub);
      const mine = await staffSteps(staff);
      const current = await text(pub.locator('#current'));
      const outline = (await pub.locator('#outline li').allInnerTexts()).map(oneLine).filter((l) => l.includes('当前'));
      const [g] = c.current;
      const [s] = mine;
      const ok = c.current.length === 1 && mine.length === 1 && g.tagged
        && s.name === expect.name && s.node === expect.node
        && g.id.endsWith(`-n-${s.node}`) && squeeze(g.label) === squeeze(s.name)
        && current.startsWith(s.name) && current.includes(`自${TODAY}起`)
        && outline.length === 1 && outline[0].startsWith(`${s.name} 当前（自${TODAY}起）`);
      return { ok, detail: `chart ${JSON.stringify(c.current)}; staff ${JSON.stringify(mine)}; 当前步骤 ${current}; list ${outline.join(' / ')}` };
    });
  }

  try {
    // ================================================================ public list
    const pub = await newPage();
    await check('/qlqd/ lists all 232 items', async () => {
      await pub.goto(`${BASE}/qlqd/`);
      const bar = await text(pub.locator('.sortbar'));
      const rows = await pub.locator('table.catalog tbody tr').count();
      return { ok: bar.startsWith('共 232 项') && rows > 0, detail: `${bar}; ${rows} rows on page 1` };
    });
    await axeCheck(pub, '/qlqd/');
    await check('the 行政许可 category shows its 8 items, all 行政许可', async () => {
      await follow(pub, pub.locator('nav.side').getByRole('link', { name: '行政许可（8）' }), '行政许可');
      const bar = await text(pub.locator('.sortbar'));
      const cats = await pub.locator('table.catalog tbody tr td:nth-child(3)').allInnerTexts();
      return {
        ok: new URL(pub.url()).searchParams.get('category') === 'licensing' && bar.startsWith('共 8 项')
          && cats.length === 8 && cats.every((c) => c.trim() === '行政许可') && (await text(pub.locator('h1'))) === '行政许可事项',
        detail: `${pub.url()}; ${bar}`,
      };
    });
    await check('a search within 行政许可 for 烟花爆竹 finds the two fireworks licences', async () => {
      await pub.locator('#f-q').fill('烟花爆竹');
      await Promise.all([pub.waitForNavigation({ waitUntil: 'load' }), pub.getByRole('button', { name: '查询', exact: true }).click()]);
      await axeCheck(pub, '/qlqd/?category=licensing&q=烟花爆竹');
      const codes = (await pub.locator('table.catalog tbody tr td.idx').allInnerTexts()).map((c) => c.trim());
      return { ok: codes.join(',') === 'XK-005,XK-006', detail: `${pub.url()}; ${codes.join(',')}` };
    });
    let xkName = '';
    await check(`a search of the whole list for ${XK} finds that item alone`, async () => {
      await pub.goto(`${BASE}/qlqd/`);
      await pub.locator('#f-q').fill(XK);
      await Promise.all([pub.waitForNavigation({ waitUntil: 'load' }), pub.getByRole('button', { name: '查询', exact: true }).click()]);
      const codes = (await pub.locator('table.catalog tbody tr td.idx').allInnerTexts()).map((c) => c.trim());
      xkName = await text(pub.locator('table.catalog tbody tr td:nth-child(2) a'));
      return { ok: codes.join(',') === XK && xkName.length > 0, detail: `${codes.join(',')} ${xkName}` };
    });

    // ================================================================ item page
    await check(`${XK}'s page: basis, 重要事项 tier, the flowchart (role="img") and its step list`, async () => {
      await follow(pub, pub.locator('table.catalog').getByRole('link', { name: xkName, exact: true }), `${XK} item page`);
      const svg = pub.locator('figure.flowchart svg[role="img"]');
      const name = await svg.evaluate((s) => (s.getAttribute('aria-labelledby') || '').split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent || '').join(' '));
      const steps = (await pub.locator('ol.steps li strong').allInnerTexts()).map((s) => s.trim());
      const basis = (await pub.locator('ul.basis li').allInnerTexts()).map(oneLine);
      const tier = await cell(pub, 'table.meta', '审批层级');
      const ok = pathOf(pub) === `/qlqd/${XK}` && (await svg.count()) === 1 && name.startsWith(`${xkName}办理流程图`)
        && ['窗口受理审查材料', '受理', '许可工作小组集体审查', '作出许可决定', '颁发送达许可证件'].every((s) => steps.includes(s))
        && basis.length > 0 && basis.every((b) => /^《.+》第.+条/.test(b)) && tier.startsWith('重要事项');
      return { ok, detail: `${steps.length} steps; ${basis.length} basis (${basis[0]?.slice(0, 24)}…); ${tier}` };
    });
    await check('the flowchart also downloads as an SVG file', async () => {
      const got = await pub.request.get(`${BASE}/qlqd/${XK}/flow.svg`);
      const body = await got.text();
      return {
        ok: got.status() === 200 && (got.headers()['content-type'] || '').startsWith('image/svg+xml') && body.startsWith('<svg') && body.includes('许可工作小组集体审查'),
        detail: `${got.status()} ${got.headers()['content-type']}, ${body.length} chars`,
      };
    });
    await pub.screenshot({ path: path.join(SHOTS, 'qlqd-item.png'), fullPage: true });

    // ================================================================ BPMN import
    const zhang = await signIn('zhanghua', '张华');
    await check('张华 opens 权力清单管理: the other process is at 第1版', async () => {
      await zhang.goto(`${BASE}/staff/qlqd`);
      await axeCheck(zhang, '/staff/qlqd (张华)');
      const row = await zhang.locator('section[aria-labelledby="h-proc"] tbody tr', { hasText: 'other' }).first().locator('td').allInnerTexts();
      return { ok: row[0] === 'other' && row[2] === '第1版', detail: row.join(' | ') };
    });
    await check(`张华 imports other.bpmn with “${OLD_STEP}” renamed “${NEW_STEP}” → 第2版`, async () => {
      if (!OTHER_BPMN.includes(`name="${OLD_STEP}"`)) return { ok: false, detail: `other.bpmn has no step “${OLD_STEP}”` };
      const file = path.join(tmp, 'other.bpmn');
      writeFileSync(file, OTHER_BPMN.replace(`name="${OLD_STEP}"`, `name="${NEW_STEP}"`));
      await zhang.locator('#p-file').setInputFiles(file);
      await zhang.locator('#p-note').fill('浏览器测试：审核步骤改名为审查核实');
      const resp = await press(zhang, '导入流程定义', null, 'BPMN imported');
      const n = await noticeOf(zhang);
      const row = await zhang.locator('section[aria-labelledby="h-proc"] tbody tr', { hasText: 'other' }).first().locator('td').allInnerTexts();
      return { ok: resp.status() === 200 && n.includes('已导入为第2版') && row[2] === '第2版', detail: `${resp.status()} ${n}` };
    });
    await check(`a BPMN file with a scriptTask is refused naming the element, nothing written`, async () => {
      const file = path.join(tmp, 'bad.bpmn');
      writeFileSync(file, OTHER_BPMN
        .replace(/id="other"/, 'id="other_bad"')
        .replace('<endEvent', `<scriptTask id="${BAD_ID}" name="${BAD_NAME}"/>\n    <endEvent`));
      await zhang.locator('#p-file').setInputFiles(file);
      const resp = await press(zhang, '导入流程定义', null, 'bad BPMN refused');
      const a = await alertOf(zhang);
      const keys = (await zhang.locator('section[aria-labelledby="h-proc"] tbody tr td:first-child').allInnerTexts()).map((c) => c.trim());
      return {
        ok: resp.status() === 400 && a.includes(BAD_ID) && a.includes(BAD_NAME) && a.includes('scriptTask') && !keys.includes('other_bad'),
        detail: `${resp.status()} ${a}`,
      };
    });
    await check(`the public page of ${QT} now draws the 第2版 process with “${NEW_STEP}”`, async () => {
      await pub.goto(`${BASE}/qlqd/${QT}`);
      const flow = await text(pub.locator('section[aria-labelledby="h-flow"] p').first());
      const steps = (await pub.locator('ol.steps li strong').allInnerTexts()).map((s) => s.trim());
      const svg = await pub.locator('figure.flowchart svg').first().textContent();
      return {
        ok: flow.includes('第2版') && steps.includes(NEW_STEP) && !steps.includes(OLD_STEP) && squeeze(svg).includes(NEW_STEP),
        detail: `${flow.slice(0, 30)}…; ${steps.join('、')}`,
      };
    });
    await axeCheck(pub, `/qlqd/${QT} (第2版)`);

    // ================================================================ licensing case
    const xu = await signIn('xugang', '徐刚');
    let xkNo = '';
    let xkCode = '';
    await check(`徐刚 registers an application for ${XK} at the window and reads number and code on the receipt`, async () => {
      await xu.goto(`${BASE}/staff/bsgk`);
      await axeCheck(xu, '/staff/bsgk (徐刚)');
      await follow(xu, xu.locator('nav.subnav').getByRole('link', { name: '登记办件' }), '登记办件 form');
      await xu.locator('#n-item').selectOption(XK);
      await xu.locator('#n-channel').selectOption('window');
      await xu.locator('#n-party').fill(XK_PARTY);
      await xu.locator('#n-contact').fill(XK_CONTACT);
      await xu.locator('#n-subject').fill(XK_SUBJECT);
      await press(xu, '登记并打印回执', null, 'receipt');
      xkNo = await cell(xu, 'table.meta', '办件编号');
      xkCode = await cell(xu, 'table.meta', '查询码');
      const item = await cell(xu, 'table.meta', '办理事项');
      return { ok: /^XK-\d{4}-\d{6}$/.test(xkNo) && /^[A-Z0-9]{8}$/.test(xkCode) && item === xkName, detail: `${xkNo} ${xkCode} ${item}` };
    });
    if (!xkNo) throw new Error('no licensing case number');
    await check('徐刚 completes 窗口受理审查材料 (材料齐全): the case moves to 受理', async () => {
      await follow(xu, xu.getByRole('link', { name: '返回办件' }), 'case page');
      const r = await complete(xu, '窗口受理审查材料', { materials_complete: 'true' }, { opinion: '申请材料齐全，符合法定形式。' });
      const s = await staffSteps(xu);
      return { ok: r.status === 303 && r.notice.includes('已办理') && s.length === 1 && s[0].name === '受理', detail: `${r.status} ${r.notice}${r.alert}; now ${JSON.stringify(s)}` };
    });
    await check('徐刚 completes 受理: the important tier sends it to 许可工作小组集体审查, not his to do', async () => {
      const r = await complete(xu, '受理', {}, { opinion: '予以受理。' });
      const s = await staffSteps(xu);
      const body = await text(xu.locator('section[aria-labelledby="h-now"]'));
      return { ok: r.status === 303 && s.length === 1 && s[0].name === '许可工作小组集体审查' && s[0].node === '' && body.includes('处室负责人'), detail: `${r.alert} ${JSON.stringify(s)}` };
    });

    // ---- the public follows: at the group review ---------------------------------------------
    const applicant = await newPage();
    await check('/bsgk/cx shows the follow form', async () => {
      await applicant.goto(`${BASE}/bsgk/cx`);
      return { ok: (await applicant.locator('#cx-no').count()) === 1 && (await applicant.locator('#cx-code').count()) === 1 };
    });
    await axeCheck(applicant, '/bsgk/cx');
    await check(`the applicant follows ${xkNo}: 办理中, the masked party, 受理 done today, the item linked`, async () => {
      const resp = await track(applicant, xkNo, xkCode, `status of ${xkNo} at 集体审查`);
      const party = await text(applicant.locator('#party'));
      const body = await text(applicant.locator('main'));
      const c = await chart(applicant);
      const doneIds = c.done.map((d) => d.id.replace(/^.*-n-/, ''));
      const dated = c.done.every((d) => d.texts.includes(TODAY));
      return {
        ok: resp.status() === 200 && (await text(applicant.locator('#state'))) === '办理中'
          && party.startsWith(XK_PARTY[0]) && party !== XK_PARTY && !body.includes(XK_PARTY) && !body.includes(XK_CONTACT)
          && (await text(applicant.locator('#item'))) === xkName && c.role === 'img'
          && doneIds.includes('check') && doneIds.includes('accept') && dated,
        detail: `${party}; done ${doneIds.join(',')}`,
      };
    });

    const he = await signIn('hejun', '何军');
    await fromInbox(he, xkNo, '许可工作小组集体审查', '何军');
    await sameStep(applicant, he, '何军', { name: '许可工作小组集体审查', node: 'review_group' });
    await applicant.screenshot({ path: path.join(SHOTS, 'bsgk-status-group-review.png'), fullPage: true });
    await check('何军 records the group opinion at 许可工作小组集体审查: on to 作出许可决定', async () => {
      const r = await complete(he, '许可工作小组集体审查', {}, { opinion: GROUP_OPINION });
      const s = await staffSteps(he);
      const trail = oneLine(await text(he.locator('section[aria-labelledby="h-trail"] tbody')));
      return { ok: r.status === 303 && s.length === 1 && s[0].name === '作出许可决定' && trail.includes(GROUP_OPINION), detail: `${r.alert} ${JSON.stringify(s)}` };
    });

    // ---- the decision by the deputy -----------------------------------------------------------------
    const li = await signIn('liming', '李明');
    await fromInbox(li, xkNo, '作出许可决定', '李明');
    await track(applicant, xkNo, xkCode, `status of ${xkNo} at 作出许可决定`);
    await sameStep(applicant, li, '李明', { name: '作出许可决定', node: 'decide' });
    await check('李明 decides 准予许可 with the decision text: on to 颁发送达许可证件', async () => {
      const r = await complete(li, '作出许可决定', { granted: 'true' }, { opinion: DECISION });
      const s = await staffSteps(li);
      return { ok: r.status === 303 && s.length === 1 && s[0].name === '颁发送达许可证件', detail: `${r.alert} ${JSON.stringify(s)}` };
    });
    await fromInbox(xu, xkNo, '颁发送达许可证件', '徐刚');
    await check('徐刚 issues the licence: the case is 已办结', async () => {
      const r = await complete(xu, '颁发送达许可证件', {}, { opinion: '许可证件已当面送达。' });
      const now = await text(xu.locator('section[aria-labelledby="h-now"]'));
      const state = await cell(xu, 'table.meta', '状态');
      return { ok: r.status === 303 && now.includes('办件已办结') && state === '已办结', detail: `${r.alert} ${state}` };
    });
    await check(`the applicant follows ${xkNo}: 已办结, 准予许可 with its text and dates, nothing highlighted as current`, async () => {
      await track(applicant, xkNo, xkCode, `status of ${xkNo} decided`);
      const state = await text(applicant.locator('#state'));
      const result = await text(applicant.locator('#result'));
      const rtext = await text(applicant.locator('#result-text'));
      const c = await chart(applicant);
      const outline = await text(applicant.locator('#outline'));
      const done = (await applicant.locator('#done li').allInnerTexts()).map(oneLine);
      return {
        ok: state.startsWith('已办结') && result.startsWith('准予许可') && result.includes(`决定日期：${TODAY}`) && result.includes(`送达日期：${TODAY}`)
          && rtext === DECISION && c.current.length === 0 && !outline.includes('当前') && (await applicant.locator('#current').count()) === 0
          && done.length === 5 && done.every((d) => d.startsWith(TODAY)),
        detail: `${state}; ${result}; ${done.length} steps done`,
      };
    });
    await applicant.screenshot({ path: path.join(SHOTS, 'bsgk-status-granted.png'), fullPage: true });

    // ================================================================ penalty case
    const zheng = await signIn('zhengwei', '郑伟');
    let cfNo = '';
    let cfCode = '';
    await check(`郑伟's penalty case for ${CF} at the window is refused: penalties start 依职权`, async () => {
      await zheng.goto(`${BASE}/staff/bsgk/new`);
      await axeCheck(zheng, '/staff/bsgk/new (郑伟)');
      await zheng.locator('#n-item').selectOption(CF);
      await zheng.locator('#n-channel').selectOption('window');
      await zheng.locator('#n-party').fill(CF_PARTY);
      await zheng.locator('#n-contact').fill(CF_CONTACT);
      await zheng.locator('#n-subject').fill(CF_SUBJECT);
      await zheng.locator('#n-received').fill(CF_FOUND);
      const resp = await press(zheng, '登记并打印回执', null, 'penalty at the window refused');
      const a = await alertOf(zheng);
      const kept = await zheng.locator('#n-subject').inputValue();
      return { ok: resp.status() === 400 && a.includes('依职权启动') && kept === CF_SUBJECT, detail: `${resp.status()} ${a}` };
    });
    await check(`郑伟 opens it 依职权: a CF number and query code on the receipt`, async () => {
      await zheng.locator('#n-channel').selectOption('ex_officio');
      await press(zheng, '登记并打印回执', null, 'penalty receipt');
      cfNo = await cell(zheng, 'table.meta', '办件编号');
      cfCode = await cell(zheng, 'table.meta', '查询码');
      return { ok: /^CF-\d{4}-\d{6}$/.test(cfNo) && /^[A-Z0-9]{8}$/.test(cfCode), detail: `${cfNo} ${cfCode}` };
    });
    if (!cfNo) throw new Error('no penalty case number');
    await check('郑伟 completes 立案 and 调查取证: on to 案件审理', async () => {
      await follow(zheng, zheng.getByRole('link', { name: '返回办件' }), 'penalty case page');
      const a = await complete(zheng, '立案', {}, { filed_on: CF_FILED, opinion: '经审批予以立案。' });
      const b = await complete(zheng, '调查取证', {}, { opinion: '已调取安全生产责任制落实台账并制作询问笔录。' });
      const s = await staffSteps(zheng);
      return { ok: a.status === 303 && b.status === 303 && s.length === 1 && s[0].name === '案件审理', detail: `${a.alert}${b.alert} ${JSON.stringify(s)}` };
    });
    await fromInbox(he, cfNo, '案件审理', '何军');
    await check('何军 completes 案件审理: on to 告知陈述申辩及听证权利', async () => {
      const r = await complete(he, '案件审理', {}, { opinion: '事实清楚，证据确凿，拟处罚款五万元。' });
      const s = await staffSteps(he);
      return { ok: r.status === 303 && s.length === 1 && s[0].name === '告知陈述申辩及听证权利', detail: `${r.alert} ${JSON.stringify(s)}` };
    });
    await fromInbox(zheng, cfNo, '告知陈述申辩及听证权利', '郑伟');
    // The 告知 states the penalty; the law decides the hearing right
    // (第六十三条), 法制审核 (第五十八条) and 集体讨论 (第五十七条) from it.
    const informAnswers = { hearing_requested: 'true' };
    const bigFine = { penalty_kind: 'fine', amount: '50000', party_type: 'organisation', 'fact.major_rights': true };
    const smallFine = { penalty_kind: 'fine', amount: '20000', party_type: 'organisation' };
    await check(`郑伟's 告知 dated ${daysBack(50)}, before the 立案 of ${CF_FILED}, is refused with the dates named`, async () => {
      const r = await complete(zheng, '告知陈述申辩及听证权利', informAnswers, { ...bigFine, informed_on: daysBack(50), opinion: '已送达行政处罚告知书。' }, '告知 before 立案 refused');
      const s = await staffSteps(zheng);
      return { ok: r.status === 400 && r.alert.includes(`告知日期${daysBack(50)}`) && r.alert.includes(`立案日${CF_FILED}`) && s[0]?.name === '告知陈述申辩及听证权利', detail: `${r.status} ${r.alert}` };
    });
    await check('a hearing request on a fine under the 较大数额 (罚款20000元 to an organisation) is refused (第六十三条)', async () => {
      const r = await complete(zheng, '告知陈述申辩及听证权利', informAnswers, { ...smallFine, informed_on: CF_TOLD }, 'hearing outside 第六十三条 refused');
      return {
        ok: r.status === 400 && r.alert.includes('不属于《行政处罚法》第六十三条规定的听证范围') && r.alert.includes('30000元以上'),
        detail: `${r.status} ${r.alert}`,
      };
    });
    await check(`郑伟 records 告知 on ${CF_TOLD}: 罚款50000元, 重大权益, 要求听证 → 组织听证, the page states the hearing right`, async () => {
      const r = await complete(zheng, '告知陈述申辩及听证权利', informAnswers, { ...bigFine, informed_on: CF_TOLD, opinion: '已送达行政处罚告知书，当事人当场要求听证。' });
      const s = await staffSteps(zheng);
      const right = await cell(zheng, 'table.meta', '听证权利');
      const penalty = await cell(zheng, 'table.meta', '拟作出的处罚');
      return {
        ok: r.status === 303 && s.length === 1 && s[0].name === '组织听证'
          && right.startsWith('有（较大数额：对法人或者其他组织30000元以上') && penalty.startsWith('罚款50000元'),
        detail: `${r.alert} ${JSON.stringify(s)}; ${penalty}; ${right}`,
      };
    });
    await fromInbox(he, cfNo, '组织听证', '何军');
    // The hearing's form asks no routing question: 法制审核 follows from
    // 重大权益 and the hearing held (第五十八条第一款第（二）项).
    const hearingAnswers = {};
    await check(`何军's hearing noticed ${NOTICE_LATE[0]} for ${NOTICE_LATE[1]} is refused: fewer than 7 working days`, async () => {
      const r = await complete(he, '组织听证', hearingAnswers, { hearing_notice_on: NOTICE_LATE[0], hearing_on: NOTICE_LATE[1] }, 'hearing notice too late refused');
      const s = await staffSteps(he);
      return {
        ok: r.status === 400 && r.alert.includes('七日（工作日）前通知当事人') && r.alert.includes(`${NOTICE_LATE[0]}通知、${NOTICE_LATE[1]}听证不足七个工作日`) && s[0]?.name === '组织听证',
        detail: `${r.status} ${r.alert}`,
      };
    });
    await check(`何军 records the hearing noticed ${NOTICE_OK[0]}, held ${NOTICE_OK[1]}: on to 法制审核`, async () => {
      const r = await complete(he, '组织听证', hearingAnswers, { hearing_notice_on: NOTICE_OK[0], hearing_on: NOTICE_OK[1], opinion: '听证会已举行，当事人进行了陈述和申辩。' });
      const s = await staffSteps(he);
      const review = await cell(he, 'table.meta', '法制审核（第五十八条）');
      return {
        ok: r.status === 303 && s.length === 1 && s[0].name === '法制审核（政策法规处）' && review.startsWith('需要：直接关系当事人或者第三人重大权益，经过听证程序'),
        detail: `${r.alert} ${JSON.stringify(s)}; ${review}`,
      };
    });
    const party2 = await newPage();
    await check(`the party follows ${cfNo}: 立案日期 ${CF_FILED}, the masked name, 组织听证 done`, async () => {
      await track(party2, cfNo, cfCode, `status of ${cfNo} at 法制审核`);
      const p = await text(party2.locator('#party'));
      const filed = await cell(party2, 'table.receipt', '立案日期');
      const body = await text(party2.locator('main'));
      const done = (await party2.locator('#done li').allInnerTexts()).map(oneLine);
      return {
        ok: p === `${CF_PARTY[0]}**` && filed === CF_FILED && !body.includes(CF_PARTY) && !body.includes(CF_CONTACT)
          && done.some((d) => d === `${TODAY} 组织听证`) && (await text(party2.locator('#state'))) === '办理中',
        detail: `${p}; 立案 ${filed}; ${done.join(' / ')}`,
      };
    });
    await fromInbox(he, cfNo, '法制审核（政策法规处）', '何军');
    await sameStep(party2, he, '何军', { name: '法制审核（政策法规处）', node: 'legal_review' });
    await party2.screenshot({ path: path.join(SHOTS, 'bsgk-status-legal-review.png'), fullPage: true });

    // ================================================================ wrong code
    await check('a wrong query code gets the one refusal message and no case data', async () => {
      const resp = await track(party2, cfNo, 'ABCD2345', 'wrong query code');
      const a = await alertOf(party2);
      const body = await text(party2.locator('main'));
      const leaks = [CF_SUBJECT, '法制审核', '立案日期', `${CF_PARTY[0]}**`].filter((s) => body.includes(s));
      const svg = await party2.locator('main svg').count();
      return {
        ok: resp.status() === 404 && a === '办件编号或查询码不正确，或尝试次数过多。请核对办件回执上的办件编号和查询码，稍后再试。'
          && leaks.length === 0 && svg === 0 && (await party2.locator('#cx-no').inputValue()) === cfNo,
        detail: `${resp.status()} ${a}${leaks.length ? `; leaks ${leaks.join(',')}` : ''}`,
      };
    });
    await check('an unknown case number gets the same message', async () => {
      const resp = await track(party2, 'CF-1999-000001', cfCode, 'unknown case number');
      return { ok: resp.status() === 404 && (await alertOf(party2)).startsWith('办件编号或查询码不正确'), detail: `${resp.status()}` };
    });
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`screenshots in ${SHOTS}/`);
  console.log(`powers: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => { console.error('FAIL powers.mjs timed out after 300 s'); process.exit(1); }, 300_000);
watchdog.unref();
main().catch((e) => {
  console.error(`FAIL powers.mjs aborted: ${e && e.stack ? e.stack : e}`);
  console.log(`powers: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
