-- Bulk loader for bench/portal.sh: @n published 主动公开 items, written
-- straight into a migrated SQLite database in one transaction, with the
-- columns `store::act`'s publish writes (the working copy in
-- disclosure_items with published_version = 1, and version 1 in
-- disclosure_versions). Not for real data: no audit entries, no outbox
-- events, no steps (the benchmark reads the public pages only).
--
--   sqlite3 DB ".parameter set @n 100000" ".read bench/portal-load.sql"
--
-- Bodies are 9–10 paragraphs of government-notice prose under three
-- headings (1,170–1,360 characters, 3.3–3.9 KB of HTML), rotated per
-- item; every 50th item is a 政策解读 of the item before it, so item
-- pages also exercise the interpretation links. About 2 items in 100 are
-- 失效 or 废止, with a date and a reason.

.bail on
.output /dev/null
PRAGMA journal_mode = WAL;
.output stdout
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;

BEGIN IMMEDIATE;

INSERT INTO agencies (code, name, short_name, doc_prefix, address, phone, created_at)
SELECT 'AJJ', '苏州市应急管理局', '苏州市应急局', '苏应急', '苏州市姑苏区三香路 1 号', '0512-12345', '2026-01-01T00:00:00Z'
WHERE NOT EXISTS (SELECT 1 FROM agencies);

CREATE TEMP TABLE paras (k INTEGER PRIMARY KEY, t TEXT NOT NULL);
INSERT INTO paras (k, t) VALUES
 (0, '为深入贯彻落实党中央、国务院关于安全生产工作的决策部署，进一步压实企业安全生产主体责任，有效防范和遏制各类生产安全事故，切实保障人民群众生命财产安全，结合本地区实际，现就有关事项通知如下。'),
 (1, '各地区、各有关部门要充分认识做好此项工作的重要意义，把思想和行动统一到中央和省委、省政府的决策部署上来，坚持人民至上、生命至上，统筹发展和安全，以更高标准、更严要求、更实举措抓好各项任务落实。'),
 (2, '企业主要负责人是本单位安全生产第一责任人，对本单位的安全生产工作全面负责。企业应当建立健全全员安全生产责任制，明确各岗位的责任人员、责任范围和考核标准，并加强对落实情况的监督考核。'),
 (3, '各级应急管理部门要会同有关部门，按照“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”的要求，厘清监管职责边界，消除监管盲区，形成齐抓共管的工作格局。'),
 (4, '要聚焦危险化学品、矿山、消防、交通运输、建筑施工、城镇燃气等重点行业领域，深入开展隐患排查整治，建立问题隐患和制度措施“两个清单”，实行闭环管理，确保整改到位。'),
 (5, '对排查发现的重大事故隐患，要实行挂牌督办，明确整改责任、措施、资金、时限和预案；对整改不力、逾期未完成整改的，依法依规严肃追究有关单位和人员的责任。'),
 (6, '要加强应急救援队伍建设，完善应急预案体系，定期组织开展应急演练，提高应急处置能力。发生生产安全事故后，事故单位应当立即启动应急预案，采取有效措施组织抢救，防止事故扩大。'),
 (7, '各地要加大安全生产宣传教育力度，深入开展“安全生产月”“安全生产万里行”等活动，推动安全知识进企业、进学校、进社区、进农村、进家庭，不断提升全民安全素质。'),
 (8, '要充分运用信息化手段，加快推进安全生产风险监测预警系统建设，强化重大危险源在线监测，提升监管执法的精准性和有效性，推动安全生产治理模式向事前预防转型。'),
 (9, '本通知所称生产经营单位，是指从事生产经营活动的企业、个体经济组织以及其他组织。法律、行政法规对消防安全和道路交通安全、铁路交通安全、水上交通安全、民用航空安全另有规定的，适用其规定。'),
 (10, '各地区、各有关部门要于每季度末将工作进展情况报送市安全生产委员会办公室，工作中遇到的重大问题要及时报告。市安全生产委员会办公室将适时组织督查，并通报督查结果。'),
 (11, '对在安全生产工作中作出显著成绩的单位和个人，按照有关规定给予表彰奖励；对瞒报、谎报、迟报生产安全事故的，依法从重处罚，并向社会公开曝光。');

CREATE TEMP TABLE cats AS
SELECT row_number() OVER (ORDER BY sort, code) - 1 AS k, code FROM disclosure_categories;

CREATE TEMP TABLE bench_items AS
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < @n)
SELECT
  i,
  -- Categories (leaves and top-level ones), genres, publishers cycle.
  (SELECT code FROM cats WHERE k = i % (SELECT COUNT(*) FROM cats)) AS category_code,
  CASE i % 6 WHEN 0 THEN '通知' WHEN 1 THEN '意见' WHEN 2 THEN '公告' WHEN 3 THEN '决定' WHEN 4 THEN '报告' ELSE '规划' END AS genre,
  CASE i % 4 WHEN 0 THEN '苏州市应急管理局' WHEN 1 THEN '苏州市人民政府办公室' WHEN 2 THEN '苏州市安全生产委员会办公室' ELSE '苏州市消防救援支队' END AS publisher,
  -- Dates over 2010–2026, newest items last.
  date('2010-01-01', '+' || (i * 6200 / @n) || ' days') AS published_on,
  date('2010-01-01', '+' || (i * 6200 / @n) || ' days', '-7 days') AS written_on
FROM seq;

INSERT INTO disclosure_items (
  id, agency_id, division_id, index_no, status, title, summary, category_code, genre, publisher,
  written_on, doc_no, keywords, validity, attribute, ground, body_html, interprets_id,
  created_by, created_at, since_on, updated_at, published_version, first_published_on,
  last_published_at, withdrawn_at, withdrawn_reason, validity_changed_on, validity_reason)
SELECT
  b.i,
  (SELECT id FROM agencies ORDER BY id LIMIT 1),
  NULL,
  printf('BENCH/%s-%06d', substr(b.published_on, 1, 4), b.i),
  'published',
  printf('关于%s的%s（第 %d 号）',
    CASE b.i % 8 WHEN 0 THEN '开展安全生产大检查' WHEN 1 THEN '加强危险化学品安全管理' WHEN 2 THEN '做好汛期防灾减灾工作'
      WHEN 3 THEN '进一步规范行政执法行为' WHEN 4 THEN '推进政务公开标准化规范化' WHEN 5 THEN '做好元旦春节期间安全防范'
      WHEN 6 THEN '印发年度安全生产工作要点' ELSE '开展消防安全专项整治' END,
    b.genre, b.i),
  (SELECT t FROM paras WHERE k = b.i % 12),
  b.category_code, b.genre, b.publisher, b.written_on,
  CASE WHEN b.i % 3 = 0 THEN printf('苏应急〔%s〕%d号', substr(b.published_on, 1, 4), b.i % 997 + 1) ELSE '' END,
  '安全生产 应急管理',
  CASE WHEN b.i % 97 = 0 THEN '废止' WHEN b.i % 89 = 0 THEN '失效' ELSE '有效' END,
  'proactive',
  NULL,
  '<p>' || (SELECT t FROM paras WHERE k = b.i % 12) || (SELECT t FROM paras WHERE k = (b.i + 5) % 12) || '</p>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 1) % 12) || '</p>'
    || '<h2>一、总体要求</h2>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 2) % 12) || (SELECT t FROM paras WHERE k = (b.i + 7) % 12) || '</p>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 3) % 12) || '</p>'
    || '<h2>二、主要任务</h2>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 4) % 12) || (SELECT t FROM paras WHERE k = (b.i + 9) % 12) || '</p>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 5) % 12) || '</p>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 6) % 12) || (SELECT t FROM paras WHERE k = (b.i + 11) % 12) || '</p>'
    || '<h2>三、保障措施</h2>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 8) % 12) || '</p>'
    || '<p>' || (SELECT t FROM paras WHERE k = (b.i + 10) % 12) || '</p>'
    || CASE WHEN b.i % 2 = 0 THEN '<p>' || (SELECT t FROM paras WHERE k = (b.i + 7) % 12) || (SELECT t FROM paras WHERE k = (b.i + 3) % 12) || '</p>' ELSE '' END,
  CASE WHEN b.i % 50 = 0 THEN b.i - 1 END,
  'bench',
  b.published_on || 'T01:00:00Z',
  b.published_on,
  b.published_on || 'T02:00:00Z',
  1,
  b.published_on,
  b.published_on || 'T02:00:00Z',
  NULL, NULL,
  CASE WHEN b.i % 97 = 0 OR b.i % 89 = 0 THEN '2026-06-30' END,
  CASE WHEN b.i % 97 = 0 THEN '已被新文件替代' WHEN b.i % 89 = 0 THEN '有效期届满' END
FROM bench_items b;

INSERT INTO disclosure_versions (
  item_id, version, title, summary, category_code, genre, publisher, written_on, published_on,
  doc_no, keywords, body_html, body_text, attachments, change_note, published_at, published_by, interprets_id)
SELECT
  i.id, 1, i.title, i.summary, i.category_code, i.genre, i.publisher, i.written_on,
  i.first_published_on, i.doc_no, i.keywords, i.body_html,
  -- The plain text, as text::plain makes it for the search index.
  replace(replace(replace(replace(i.body_html, '</p>', char(10)), '<p>', ''), '<h2>', ''), '</h2>', char(10)),
  '[]', NULL, i.last_published_at, 'bench', i.interprets_id
FROM disclosure_items i JOIN bench_items b ON b.i = i.id;

COMMIT;
