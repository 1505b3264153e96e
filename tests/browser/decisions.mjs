// Headless-Chromium end-to-end test of 三重一大 collective decisions, as
// people do it: 赵敏 files a 财权 topic with its four-part material, uploads
// an attachment through the page's form, records the preparation checks
// and submits the form; 李明 (deputy in charge) approves
// it; 张华 (office) records it; 王建国 (principal) sends it to a meeting;
// 张华 schedules a 党组会议 for today, whose notice is refused without a
// special reason and then sent with one; the meeting is held (attendance,
// votes: 李明 and 王建国 themselves, the office for the others), the topic
// is decided by the votes and the meeting closed; 张华 drafts the minutes,
// 王建国 approves them, 张华 issues them (numbered 〔YYYY〕第N期); 徐刚 comments
// during publicity; finally 张华 archives the demo's 局长办公会议, whose
// two-working-day publicity is over and was closed by the principal (a
// meeting held today cannot finish its publicity within the test). Every
// page on the way is checked with axe-core. Driven by tests/browser.rs:
//
//   node tests/browser/decisions.mjs http://127.0.0.1:PORT /path/to/yangguang DATA_DIR
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
  console.error('usage: node decisions.mjs http://127.0.0.1:PORT BIN DATA_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.YANGGUANG_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.YANGGUANG_SHOTS_DIR || '/tmp/yangguang-shots';
const PASSWORD = 'Yg-Demo-2026!';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const STAMP = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const TITLE = `浏览器测试采购应急物资${STAMP}`;
const COMMENT = `浏览器测试意见：建议采购前公开征求意见（${STAMP}）`;
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

  // Submits the form holding `button` and waits for the page after it.
  async function press(page, button, scope) {
    const where = scope || page;
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      where.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    return resp;
  }

  let topicUrl = '';
  let meetingUrl = '';
  try {
    // ---- 赵敏 files the topic ----------------------------------------------------
    const zhao = await signIn('zhaomin', '赵敏');
    await check('赵敏 opens “三重一大”集体决策 → 提交新议题', async () => {
      await zhao.goto(`${BASE}/staff/decisions`);
      await axeCheck(zhao, '/staff/decisions (赵敏)');
      await Promise.all([
        zhao.waitForURL((u) => u.pathname === '/staff/decisions/topics/new'),
        zhao.getByRole('link', { name: '提交新议题' }).click(),
      ]);
      return { ok: (await text(zhao.locator('h1'))) === '提交新议题' };
    });
    await axeCheck(zhao, '/staff/decisions/topics/new');
    await check(`赵敏 fills the four-part material of a 财权 topic of 150000 元: “${TITLE}”`, async () => {
      await zhao.getByLabel('议题类别').selectOption({ label: '财权' });
      await zhao.getByLabel('议题名称').fill(TITLE);
      await zhao.getByLabel('承办单位').fill('政策法规处');
      await zhao.getByLabel('分管领导').selectOption({ value: 'liming' });
      await zhao.getByLabel('金额（元，财权事项必填）').fill('150000');
      await zhao.getByLabel('会商议题').fill('审议采购应急物资');
      await zhao.getByLabel('基本情况').fill('应急物资储备不足。');
      await zhao.getByLabel('调研论证').fill('比较了三家供应商报价。');
      await zhao.getByLabel('处理建议').fill('建议公开招标采购。');
      await Promise.all([
        zhao.waitForURL((u) => /^\/staff\/decisions\/topics\/\d+$/.test(u.pathname)),
        zhao.getByRole('button', { name: '保存议题' }).click(),
      ]);
      topicUrl = pathOf(zhao);
      const body = await text(zhao.locator('main'));
      return { ok: body.includes('10 万元以上') && body.includes('须集体会商'), detail: topicUrl };
    });
    if (!topicUrl) throw new Error('no topic');
    await check('赵敏 uploads the suppliers’ price comparison as a 议题附件 and opens it', async () => {
      await zhao.getByLabel('文件用途').selectOption({ label: '议题附件' });
      await zhao.getByLabel('文件', { exact: true }).setInputFiles({
        name: '供应商报价比较.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('三家供应商报价比较', 'utf8'),
      });
      const resp = await press(zhao, '上传');
      const link = zhao.getByRole('link', { name: '供应商报价比较.txt' });
      const listed = (await link.count()) === 1;
      const href = listed ? await link.getAttribute('href') : '';
      const got = href ? await zhao.request.get(`${BASE}${href}`) : null;
      const bytes = got ? await got.text() : '';
      return {
        ok: resp.status() === 303 && listed && bytes === '三家供应商报价比较',
        detail: `POST ${resp.status()}, listed ${listed}, file “${bytes}”`,
      };
    });
    await check('赵敏 records the three preparation checks as not needed and submits the form', async () => {
      for (const v of ['public', 'expert', 'legal']) {
        await zhao.locator('#c-kind').selectOption(v);
        await zhao.getByLabel('不需要的理由').fill('常规采购，不涉及');
        await press(zhao, '登记为不需要');
      }
      await axeCheck(zhao, `${topicUrl} (起草中)`);
      await press(zhao, '提交重大事项会商提交单');
      const state = await text(zhao.locator('table.kv tr').filter({ hasText: '状态' }).locator('td'));
      return { ok: state.includes('待分管领导审核'), detail: state };
    });

    // ---- 李明 approves, 张华 records, 王建国 sends it to a meeting ---------------------
    const li = await signIn('liming', '李明');
    await check('李明 finds it in 我的待办 and approves the form', async () => {
      await li.goto(`${BASE}/staff/decisions`);
      await li.getByRole('link', { name: TITLE }).first().click();
      await li.waitForURL((u) => u.pathname === topicUrl);
      await press(li, '同意提交');
      const state = await text(li.locator('table.kv tr').filter({ hasText: '状态' }).locator('td'));
      return { ok: state.includes('待办公室登记'), detail: state };
    });
    const zhang = await signIn('zhanghua', '张华');
    await check('张华 records the form', async () => {
      await zhang.goto(`${BASE}${topicUrl}`);
      await press(zhang, '登记提交单');
      const state = await text(zhang.locator('table.kv tr').filter({ hasText: '状态' }).locator('td'));
      return { ok: state.includes('待主要负责人决定'), detail: state };
    });
    const wang = await signIn('wangjg', '王建国');
    await check('王建国 decides to submit it to a meeting', async () => {
      await wang.goto(`${BASE}${topicUrl}`);
      await axeCheck(wang, `${topicUrl} (会前决定)`);
      await wang.getByLabel('提交会议研究').check();
      await press(wang, '确定');
      const state = await text(wang.locator('table.kv tr').filter({ hasText: '状态' }).locator('td'));
      return { ok: state.includes('同意上会'), detail: state };
    });

    // ---- 张华 schedules and notifies ------------------------------------------------
    await check('张华 schedules a 党组会议 for today with the topic on the agenda', async () => {
      await zhang.goto(`${BASE}/staff/decisions/meetings/new`);
      await axeCheck(zhang, '/staff/decisions/meetings/new');
      await zhang.getByLabel('会议类型').selectOption({ label: '党组会议' });
      await zhang.getByLabel('会议名称').fill(`浏览器测试党组会议${STAMP}`);
      await zhang.getByLabel('会议日期').fill(TODAY);
      await zhang.getByLabel('会议地点').fill('三楼会议室');
      await zhang.getByLabel(new RegExp(TITLE)).check();
      await Promise.all([
        zhang.waitForURL((u) => /^\/staff\/decisions\/meetings\/\d+$/.test(u.pathname)),
        zhang.getByRole('button', { name: '安排会议' }).click(),
      ]);
      meetingUrl = pathOf(zhang);
      return { ok: true, detail: meetingUrl };
    });
    if (!meetingUrl) throw new Error('no meeting');
    await check('a notice on the meeting day without a special reason is refused with a Chinese message', async () => {
      const resp = await press(zhang, '发出会议通知和材料');
      const alert = await text(zhang.getByRole('alert'));
      return { ok: resp.status() === 400 && alert.includes('至少提前 1 个工作日') && alert.includes('未作任何更改'), detail: `HTTP ${resp.status()} “${alert}”` };
    });
    await axeCheck(zhang, `${meetingUrl} (notice refused)`);
    await check('with a special reason the notice goes out', async () => {
      await zhang.getByLabel('特殊情况理由（不足 1 个工作日发通知时必填）').fill('上级紧急部署');
      await press(zhang, '发出会议通知和材料');
      const info = await text(zhang.locator('table.kv'));
      return { ok: info.includes('特殊情况：上级紧急部署'), detail: info.replace(/\s+/g, ' ') };
    });

    // ---- the meeting ------------------------------------------------------------------
    await check('张华 records attendance (everyone present) and opens the meeting', async () => {
      await press(zhang, '开始会议');
      const info = await text(zhang.locator('table.kv'));
      return { ok: info.includes('会议进行中'), detail: info.replace(/\s+/g, ' ') };
    });
    await check('李明 reads the materials as an attendee and votes 赞成', async () => {
      await li.goto(`${BASE}${meetingUrl}`);
      // Inside a closed <details>: read the text content, not the rendering.
      const body = await li.locator('main').textContent();
      await li.getByRole('radio', { name: '赞成' }).check();
      await press(li, '提交表决（提交后不能更改）');
      const mine = await text(li.locator('main'));
      return { ok: body.includes('应急物资储备不足') && mine.includes('您的表决：赞成'), detail: '' };
    });
    await axeCheck(li, `${meetingUrl} (李明 voted)`);
    await check('王建国 votes 赞成; the office records 周红 赞成 and 孙磊 弃权', async () => {
      await wang.goto(`${BASE}${meetingUrl}`);
      await wang.getByRole('radio', { name: '赞成' }).check();
      await press(wang, '提交表决（提交后不能更改）');
      await zhang.goto(`${BASE}${meetingUrl}`);
      for (const [u, v] of [['zhouhong', 'for'], ['sunlei', 'abstain']]) {
        await zhang.locator('details summary', { hasText: '会议记录' }).first().click();
        await zhang.locator('select[id^="ov-u"]').selectOption(u);
        await zhang.locator('select[id^="ov-v"]').selectOption(v);
        await press(zhang, '登记表决');
      }
      const table = await text(zhang.locator('table', { hasText: '表决情况' }));
      return { ok: table.includes('周红') && table.includes('孙磊') && table.includes('弃权'), detail: table.replace(/\s+/g, ' ') };
    });
    await check('a second vote by the same member is refused', async () => {
      await zhang.locator('details summary', { hasText: '会议记录' }).first().click();
      await zhang.locator('select[id^="ov-u"]').selectOption('zhouhong');
      const resp = await press(zhang, '登记表决');
      const alert = await text(zhang.getByRole('alert'));
      return { ok: resp.status() === 409 && alert.includes('每人只能表决一次'), detail: `HTTP ${resp.status()} “${alert}”` };
    });
    await check('张华 records the decision by the votes (3 of 4 for: adopted) and closes the meeting', async () => {
      await zhang.goto(`${BASE}${meetingUrl}`);
      await zhang.getByLabel('按表决结果').check();
      await press(zhang, '确定决定');
      const body = await text(zhang.locator('main'));
      await press(zhang, '结束会议（参会成员不再能查阅材料）');
      return { ok: body.includes('决定：会议通过'), detail: '' };
    });
    await check('after the meeting 李明 no longer reads the materials', async () => {
      await li.goto(`${BASE}${meetingUrl}`);
      const body = await li.locator('main').textContent();
      return { ok: !body.includes('应急物资储备不足') && body.includes('议题材料仅限'), detail: '' };
    });

    // ---- minutes ---------------------------------------------------------------------
    let number = '';
    await check('张华 saves the minutes drafted from the record; 王建国 approves; 张华 issues them', async () => {
      await zhang.goto(`${BASE}${meetingUrl}`);
      await axeCheck(zhang, `${meetingUrl} (closed, minutes form)`);
      await press(zhang, '保存纪要草稿');
      await wang.goto(`${BASE}${meetingUrl}`);
      await press(wang, '审定纪要');
      await zhang.goto(`${BASE}${meetingUrl}`);
      await press(zhang, '印发纪要并开始公示');
      const sec = await text(zhang.locator('section', { hasText: '会议纪要' }).last());
      number = (sec.match(/〔\d{4}〕第\d+期/) || [''])[0];
      return { ok: number.startsWith(`〔${TODAY.slice(0, 4)}〕`) && sec.includes('公示至'), detail: number };
    });

    // ---- publicity -------------------------------------------------------------------
    const xu = await signIn('xugang', '徐刚');
    await check('徐刚 opens the minutes from 公示中的会议纪要 and comments', async () => {
      await xu.goto(`${BASE}/staff/decisions`);
      await xu.locator('#h-pub').locator('..').getByRole('link', { name: new RegExp(`浏览器测试党组会议${STAMP}`) }).click();
      await xu.waitForURL((u) => u.pathname === `${meetingUrl}/minutes`);
      await axeCheck(xu, `${meetingUrl}/minutes (徐刚)`);
      const noVotes = !(await text(xu.locator('main'))).includes('表决情况');
      await xu.getByLabel('我的意见').fill(COMMENT);
      await press(xu, '提交意见');
      const body = await text(xu.locator('main'));
      return { ok: body.includes(COMMENT) && body.includes(number) && noVotes, detail: `vote table hidden from staff: ${noVotes}` };
    });
    await xu.screenshot({ path: path.join(SHOTS, 'staff-decisions-minutes.png'), fullPage: true });

    // ---- archive ------------------------------------------------------------------------
    await check('张华 archives the 局长办公会议 whose publicity was closed by the principal', async () => {
      await zhang.goto(`${BASE}/staff/decisions`);
      await zhang.locator('#h-meetings').locator('..').getByRole('link', { name: /局长办公会议/ }).first().click();
      await zhang.waitForURL((u) => /^\/staff\/decisions\/meetings\/\d+$/.test(u.pathname));
      await axeCheck(zhang, `${pathOf(zhang)} (ready to archive)`);
      const before = await text(zhang.locator('main'));
      await press(zhang, '归档（归档后不能修改）');
      const info = await text(zhang.locator('table.kv'));
      return {
        ok: before.includes('与多数意见不一致') && info.includes('已归档') && /[0-9a-f]{64}/.test(info),
        detail: info.replace(/\s+/g, ' ').slice(0, 160),
      };
    });
    await axeCheck(zhang, `${pathOf(zhang)} (archived)`);
    await zhang.screenshot({ path: path.join(SHOTS, 'staff-decisions-archived.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${SHOTS}/`);
  console.log(`decisions: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => { console.error('FAIL decisions.mjs timed out after 240 s'); process.exit(1); }, 240_000);
watchdog.unref();
main().catch((e) => {
  console.error(`FAIL decisions.mjs aborted: ${e && e.stack ? e.stack : e}`);
  console.log(`decisions: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
