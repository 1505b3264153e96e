#!/usr/bin/env python3
"""Build the demo agency's power list (权力清单) from the real law texts.

Seed document 1: the 苏州市安全生产监督管理局 published 232 powers — 8 行政许可,
217 行政处罚, 7 administrative management. This script derives them from the
Markdown law corpus so that every legal basis quoted is verbatim law text, and
writes crates/powers/data/demo-items.json (committed; the demo reads it and the
corpus need not be present at demo time).

    python3 tools/powers_demo_items.py [LAWS_DIR]          # build, check, write
    python3 tools/powers_demo_items.py [LAWS_DIR] --check  # verify the committed file

A basis `text` is one or more whole paragraphs of the article, in order,
separated by "\n" (a numbered clause is quoted after its article's lead-in);
each line is a verbatim substring of the law file. `clause` is "（一）" for a
numbered clause, "第二款" for one paragraph of a multi-paragraph article, or "".

Standard library only.
"""

import csv
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LAWS = REPO.parent / "shared" / "data" / "laws"
OUT = REPO / "crates" / "powers" / "data" / "demo-items.json"

PENALTY_COUNT, LICENSING_COUNT, OTHER_COUNT = 217, 8, 7
PENALTY_DAYS = 90  # 行政处罚法 第六十条: ninety days from 立案 (calendar days)

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
ARTICLE_RE = re.compile(r"^(第[零一二三四五六七八九十百]+条)\s*(.*)$")
CLAUSE_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.*)$")
# Words that mark a sanction this bureau itself imposes.
PENALTY_WORDS = (
    "罚款", "警告", "没收", "停产停业", "停业整顿", "停产整顿", "吊销", "暂扣",
    "责令停止", "责令限期改正", "责令改正", "停止建设", "停止施工", "停止生产",
    "停止执业", "予以处罚", "规定处罚", "追究法律责任", "的规定处理", "责令限期治理",
)
# Parts of a penalty sentence that are not this bureau's power (courts, police, damages).
FOREIGN_SEGMENT_WORDS = ("刑事责任", "治安管理处罚", "赔偿责任", "拘留")
OURS_AUTHORITY = ("安全生产监督管理", "应急管理部门", "劳动行政主管部门")
CN_KUAN = "一二三四五六七八九十"


def cn2int(s):
    """Chinese numeral (一 … 九百九十九) to int."""
    total, digit = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + digit


class Kuan:
    """One paragraph of an article (款) with its numbered clauses (项)."""

    def __init__(self, lead):
        self.lead = lead
        self.clauses = []  # [(label "（一）", full line, body without label)]

    def lines(self):
        return [self.lead] + [c[1] for c in self.clauses]


class Article:
    def __init__(self, num, chapter):
        self.num, self.chapter, self.kuans = num, chapter, []

    def text(self):
        return "\n".join(line for k in self.kuans for line in k.lines())


class Law:
    def __init__(self, path, title):
        self.path, self.title = path, title
        self.raw = path.read_text(encoding="utf-8")
        self.articles, self.by_num = [], {}
        self._parse()

    def _parse(self):
        chapter, current = "", None
        for line in self.raw.splitlines():
            line = line.strip()
            if not line or line.startswith("<!--"):
                continue
            if line.startswith("#"):
                chapter = re.sub(r"\s+", "", line.lstrip("#"))
                current = None
                continue
            m = ARTICLE_RE.match(line)
            if m:
                current = Article(m.group(1), chapter)
                current.kuans.append(Kuan(m.group(2)))
                self.articles.append(current)
                self.by_num[current.num] = current
                continue
            if current is None:
                continue  # preamble (dates of adoption and amendment)
            c = CLAUSE_RE.match(line)
            if c and current.kuans:
                label = "（" + c.group(1) + "）"
                current.kuans[-1].clauses.append((label, line, c.group(2)))
            else:
                current.kuans.append(Kuan(line))

    def article(self, num):
        if num not in self.by_num:
            raise SystemExit(f"{self.title}: 找不到{num}")
        return self.by_num[num]


def load_index(laws_dir):
    with open(laws_dir / "index.csv", encoding="utf-8") as f:
        return {row["path"]: row["title"] for row in csv.DictReader(f)}


# ---------------------------------------------------------------- basis

def kuan_label(art, ki):
    return f"第{CN_KUAN[ki]}款" if len(art.kuans) > 1 else ""


def basis_of(law, num, part=None):
    """part: None = whole article, int = paragraph index (0-based), str = clause label."""
    art = law.article(num)
    if part is None:
        return {"law": law.title, "article": num, "clause": "", "text": art.text()}
    if isinstance(part, int):
        k = art.kuans[part]
        return {"law": law.title, "article": num, "clause": kuan_label(art, part),
                "text": "\n".join(k.lines())}
    for k in art.kuans:
        for label, line, _ in k.clauses:
            if label == part:
                return {"law": law.title, "article": num, "clause": label,
                        "text": k.lead + "\n" + line}
    raise SystemExit(f"{law.title}{num}: 找不到{part}")


# ---------------------------------------------------------------- penalty parsing

def strip_violation_prefix(s):
    """'违反本条例的规定，X' → 'X'; the lead-in words are not part of a name."""
    s = re.sub(r"^违反本(?:法|条例)[^，]*?规定，", "", s)
    return re.sub(r"，?违反本(?:法|条例)的?规定(?:，|$)", "", s)


def split_condition(text):
    """'X的，责令…' → ('X', '责令…'); the condition is up to the first '的，'."""
    i = text.find("的，")
    if i < 0:
        return None, text
    return text[:i], text[i + 2:]


def own_penalty(penalty):
    """Drop the segments about criminal liability, police detention and damages."""
    segs = [s for s in penalty.rstrip("。：:").split("；")
            if s and not any(w in s for w in FOREIGN_SEGMENT_WORDS)]
    return "；".join(segs)


def authority_ok(penalty, extra_ours):
    """True when the sanction is this bureau's: it names us, or names no one and
    refers to no law outside our remit."""
    m = re.search(r"由([^，；：]*?(?:部门|机关|机构))", penalty)
    if m:
        who = m.group(1)
        return any(w in who for w in OURS_AUTHORITY + extra_ours)
    if "依照有关" in penalty:
        return False
    refs = re.findall(r"《([^》]+)》", penalty)
    return all(r in OURS_REFERENCED for r in refs)


def has_sanction(penalty):
    return any(w in penalty for w in PENALTY_WORDS)


def strip_authority(penalty):
    return re.sub(r"^(?:分别)?由[^，；]*?(?:部门|机关|机构)(?:会同[^，；]*?部门)?", "", penalty)


def short_name(subject, core):
    core = core.rstrip("；。").removesuffix("的")
    if subject and core.startswith(subject):
        subject = ""
    name = f"对{subject}{core}的处罚"
    if len(name) > 60:
        cut = re.split(r"，或者|；", core)[0].removesuffix("的")
        if cut != core:
            name = f"对{subject}{cut}等行为的处罚"
    return name


LEAD_RE = re.compile(r"^(.*?)，?(?:有|存在)下列(?:行为|情形)之一的，(.*)$")
LEVEL_RE = re.compile(r"^发生.{0,6}事故的，")  # a clause that grades the fine, not a violation
# A paragraph that completes the one before ("有前款违法行为…", "按照前款罚款数额…").
SUPPLEMENT_RE = re.compile(r"^.{0,40}?有前款[^，]*?(?:行为|情形)|前款罚款数额")


def penalty_candidates(law, spec):
    """Yield [article, kuan index, clause label, name, penalty, basis] in text order.

    spec keys: skip (article | (article, kuan) | (article, kuan, clause)), force
    ((article, kuan) kept although another department is named), ours (more
    authority names that are this bureau's), subjects (article → subject for its
    clauses), names ((article, kuan[, clause or sentence]) → name, or a list of
    names for one paragraph that states several violations), penalties ((article,
    kuan) → penalty), split ((article, kuan): one item per sentence)."""
    extra_ours = tuple(spec.get("ours", ()))
    skip, force, names = spec.get("skip", set()), spec.get("force", set()), spec.get("names", {})
    subjects, splits = spec.get("subjects", {}), spec.get("split", set())
    penalties = spec.get("penalties", {})
    if "articles" in spec:
        lo, hi = (cn2int(a[1:-1]) for a in spec["articles"])
        arts = [a for a in law.articles if lo <= cn2int(a.num[1:-1]) <= hi]
    else:
        arts = [a for a in law.articles if a.chapter.endswith("法律责任")]
    for art in arts:
        if art.num in skip:
            continue
        items = []  # this article's items, so that "有前款…" paragraphs attach to them
        for ki, k in enumerate(art.kuans):
            key = (art.num, ki)
            if key in skip:
                continue
            if k.clauses and not all(LEVEL_RE.match(c[2]) for c in k.clauses):
                m = LEAD_RE.match(k.lead.rstrip("：:"))
                if not m:
                    continue
                subject = subjects.get(art.num, strip_violation_prefix(m.group(1)))
                penalty = own_penalty(m.group(2))
                if not (key in force or authority_ok(penalty, extra_ours)) or not has_sanction(penalty):
                    continue
                for label, line, body in k.clauses:
                    if (art.num, ki, label) in skip:
                        continue
                    name = names.get((art.num, ki, label)) or short_name(
                        subject, strip_violation_prefix(body))
                    basis = {"law": law.title, "article": art.num, "clause": label,
                             "text": k.lead + "\n" + line}
                    items.append([art.num, ki, label, name, penalty, [basis]])
                continue
            text = k.lead
            cond, rest = split_condition(text)
            if cond is None:  # e.g. '对存在…的煤矿企业，责令…': the sanction starts at its verb
                m = re.search(r"由|责令|依照下列", text)
                rest = text[m.start():] if m else text
            penalty = penalties.get(key) or own_penalty(rest)
            if k.clauses:  # fines graded by the accident's level: one item
                penalty += "：" + "".join(c[1] for c in k.clauses).rstrip("；。")
            if not (key in force or authority_ok(penalty, extra_ours)):
                continue
            para = {"law": law.title, "article": art.num, "clause": kuan_label(art, ki),
                    "text": "\n".join(k.lines())}
            if ki > 0 and SUPPLEMENT_RE.search(text):
                if items and items[-1][2] == "":  # completes the paragraph item above
                    items[-1][5][0]["text"] += "\n" + para["text"]
                    items[-1][5][0]["clause"] = ""
                    if has_sanction(own_penalty(text)):
                        items[-1][4] += "；" + own_penalty(text)
                continue
            if not has_sanction(penalty) or (cond is None and key not in names):
                continue
            penalty = resolve_reference(law, art, ki, penalty)
            if key in splits:  # two violations in one paragraph, one a sentence
                for si, sent in enumerate(s for s in text.split("。") if s):
                    c, p = split_condition(sent)
                    name = names.get((art.num, ki, si)) or short_name("", strip_violation_prefix(c))
                    items.append([art.num, ki, "", name, own_penalty(p), [dict(para)]])
                continue
            given = names.get(key) or short_name("", strip_violation_prefix(cond).removeprefix("对"))
            for name in [given] if isinstance(given, str) else given:
                items.append([art.num, ki, "", name, penalty, [dict(para)]])
        yield from items


def resolve_reference(law, art, ki, penalty):
    """'依照前款规定处罚' → append the referred paragraph's sanction in brackets."""
    ref = None
    if "前款" in penalty and ki > 0:
        ref = art.kuans[ki - 1]
    elif m := re.search(r"本条第([一二三四五])款", penalty):
        ref = art.kuans[CN_KUAN.index(m.group(1))]
    elif m := re.search(r"本(?:法|条例)(第[零一二三四五六七八九十百]+条)的规定处罚", penalty):
        ref = law.article(m.group(1)).kuans[0]
    if ref is None or ref is art.kuans[ki]:
        return penalty
    lead = ref.lead.rstrip("：:")
    m = LEAD_RE.match(lead)
    ref_pen = m.group(2) if m else split_condition(lead)[1]
    return f"{penalty}（{strip_authority(own_penalty(ref_pen))}）"


# ---------------------------------------------------------------- build

def build(laws_dir):
    index = load_index(laws_dir)
    cache = {}

    def law(key):
        if key not in cache:
            rel = KEYS[key]
            if rel not in index:
                raise SystemExit(f"index.csv 中没有 {rel}")
            cache[key] = Law(laws_dir / rel, index[rel])
        return cache[key]

    items = []
    for n, spec in enumerate(LICENSING, 1):
        items.append(item(f"XK-{n:03d}", spec, [basis_of(law(k), a, p) for k, a, p in spec["basis"]]))

    penalties = []
    for spec in PENALTY_LAWS:
        lw = law(spec["key"])
        for num, ki, label, name, penalty, basis in penalty_candidates(lw, spec):
            for (mk, mnum, mlabel), (tk, tnum, tpart) in MERGES.items():
                if mk == spec["key"] and mnum == num and mlabel == label:
                    extra = basis_of(law(tk), tnum, tpart)
                    basis.append(extra)
                    tail = extra["text"].split("\n")[-1]
                    tail = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", tail)
                    fine = split_condition(tail)[1].rstrip("；。")
                    penalty += f"（《{extra['law']}》{tnum}：{fine}）"
            penalties.append((spec, name, penalty, basis))
    if len(penalties) < PENALTY_COUNT:
        raise SystemExit(f"只找到{len(penalties)}项行政处罚，少于{PENALTY_COUNT}项")
    for n, (spec, name, penalty, basis) in enumerate(penalties[:PENALTY_COUNT], 1):
        penalty = strip_authority(penalty)  # the list's unit is the authority
        items.append({
            "code": f"CF-{n:03d}", "name": name, "category": "行政处罚", "basis": basis,
            "penalty": penalty, "unit": spec["unit"], "post": "行政执法监察岗",
            "conditions": PENALTY_CONDITIONS, "materials": list(PENALTY_MATERIALS),
            "statutory_days": PENALTY_DAYS, "days_kind": "calendar",
            "promised_days": PENALTY_DAYS, "fees": "不收费", "tier": "",
            "process": "penalty", "channel": CHANNEL,
        })

    for n, spec in enumerate(OTHERS, 1):
        items.append(item(f"QT-{n:03d}", spec, [basis_of(law(k), a, p) for k, a, p in spec["basis"]]))
    return items, cache, len(penalties)


def item(code, spec, basis):
    return {
        "code": code, "name": spec["name"], "category": spec["category"], "basis": basis,
        "penalty": "", "unit": spec["unit"], "post": spec["post"],
        "conditions": spec["conditions"], "materials": spec["materials"],
        "statutory_days": spec["statutory_days"], "days_kind": spec["days_kind"],
        "promised_days": spec["promised_days"], "fees": "不收费", "tier": spec["tier"],
        "process": spec["process"], "channel": CHANNEL,
    }


FIELDS = ["code", "name", "category", "basis", "penalty", "unit", "post", "conditions",
          "materials", "statutory_days", "days_kind", "promised_days", "fees", "tier",
          "process", "channel"]
UNITS = {"危险化学品安全监督管理处", "工矿商贸安全监督管理处", "职业安全健康监督管理处",
         "监察支队", "政策法规处"}
CATEGORIES = {"行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查",
              "行政确认", "行政奖励", "行政裁决", "其他行政权力"}


def check(items, law_texts):
    """Assert the list's invariants; law_texts maps law title → file text."""
    cats = [i["category"] for i in items]
    assert cats.count("行政许可") == LICENSING_COUNT, "行政许可不是8项"
    assert cats.count("行政处罚") == PENALTY_COUNT, "行政处罚不是217项"
    assert len(items) - LICENSING_COUNT - PENALTY_COUNT == OTHER_COUNT, "其他职权不是7项"
    assert len(items) == 232
    codes = [i["code"] for i in items]
    assert len(set(codes)) == len(codes), "编码重复"
    expected = ([f"XK-{n:03d}" for n in range(1, 9)] + [f"CF-{n:03d}" for n in range(1, 218)]
                + [f"QT-{n:03d}" for n in range(1, 8)])
    assert codes == expected, "编码或顺序不符"
    names = [i["name"] for i in items]
    assert all(n.strip() for n in names), "有空名称"
    assert len(set(names)) == len(names), "名称重复: " + str(
        sorted({n for n in names if names.count(n) > 1}))
    tiers = [i["tier"] for i in items if i["category"] == "行政许可"]
    assert sorted(tiers) == sorted(["major"] + ["important"] * 2 + ["ordinary"] * 5)
    for i in items:
        assert list(i) == FIELDS, f"{i['code']} 字段不符"
        assert i["unit"] in UNITS and i["category"] in CATEGORIES, i["code"]
        assert i["basis"], f"{i['code']} 无依据"
        lic = i["category"] == "行政许可"
        pen = i["category"] == "行政处罚"
        assert bool(i["penalty"]) == pen, f"{i['code']} 处罚内容"
        assert i["post"] == ("行政许可窗口岗" if lic else "行政执法监察岗" if pen or
                             i["process"] in ("inspection", "enforcement") else "")
        assert (i["process"] == "licensing") == lic and (i["process"] == "penalty") == pen
        assert bool(i["tier"]) == lic
        if lic:
            assert 4 <= len(i["materials"]) <= 8, f"{i['code']} 材料数"
            assert i["days_kind"] == "working" and 0 < i["promised_days"] < i["statutory_days"]
        assert (i["statutory_days"] == 0) == (i["days_kind"] == ""), i["code"]
        assert i["fees"] == "不收费" and i["channel"] == CHANNEL
        for b in i["basis"]:
            assert b["law"] in law_texts, f"{i['code']}: 未知法律 {b['law']}"
            assert b["text"].strip(), f"{i['code']}: 空依据"
            for line in b["text"].split("\n"):
                assert line in law_texts[b["law"]], f"{i['code']}: 依据不是原文: {line[:30]}"


KEYS = {
    "安全生产法": "社会法/安全生产法(2021-06-10).md",
    "危化": "行政法规/危险化学品安全管理条例(2013-12-07).md",
    "烟花": "行政法规/烟花爆竹安全管理条例(2016-02-06).md",
    "许可证": "行政法规/安全生产许可证条例(2014-07-29).md",
    "职业病": "社会法/职业病防治法(2018-12-29).md",
    "矿山": "社会法/矿山安全法(2009-08-27).md",
    "矿山条例": "行政法规/矿山安全法实施条例(1996-10-30).md",
    "煤矿": "行政法规/煤矿安全生产条例(2024-01-24).md",
    "建设": "行政法规/建设工程安全生产管理条例(2003-11-24).md",
    "事故": "行政法规/生产安全事故报告和调查处理条例(2007-04-09).md",
    "应急": "行政法规/生产安全事故应急条例(2019-02-17).md",
    "强制": "行政法/行政强制法(2011-06-30).md",
}


# ---------------------------------------------------------------- which articles

# Laws whose sanctions this bureau applies when an article refers to them.
OURS_REFERENCED = {"中华人民共和国安全生产法", "安全生产许可证条例",
                   "生产安全事故报告和调查处理条例", "中华人民共和国突发事件应对法"}

# In the order the list takes them; each law's 法律责任 chapter (or `articles`).
PENALTY_LAWS = [
    {"key": "安全生产法", "unit": "监察支队",
     # 113 (closure) is decided by the government, 115 assigns competence;
     # 112 (daily fines for refusing to correct) is this bureau's own sanction.
     "skip": {"第一百一十三条", "第一百一十五条"},
     "split": {("第一百零三条", 2)},
     "names": {
         ("第九十三条", 0): "对生产经营单位的决策机构、主要负责人或者个人经营的投资人"
                           "不依照本法规定保证安全生产所必需的资金投入的处罚",
         ("第九十七条", 0, "（二）"): "对危险物品生产经营、矿山、金属冶炼、建筑施工、运输单位"
                                    "的主要负责人和安全生产管理人员未按照规定经考核合格的处罚",
         ("第九十八条", 0, "（二）"): "对矿山、金属冶炼和危险物品建设项目没有安全设施设计"
                                    "或者安全设施设计未按照规定报经审查同意的处罚",
         ("第九十八条", 0, "（三）"): "对矿山、金属冶炼和危险物品建设项目的施工单位"
                                    "未按照批准的安全设施设计施工的处罚",
         ("第九十八条", 0, "（四）"): "对矿山、金属冶炼和危险物品建设项目竣工投入生产"
                                    "或者使用前安全设施未经验收合格的处罚",
         ("第九十九条", 0, "（六）"): "对危险物品的容器、运输工具以及海洋石油开采和矿山井下"
                                    "特种设备未经检测、检验合格投入使用的处罚",
         ("第九十九条", 0, "（八）"): "对餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置的处罚",
         ("第一百零一条", 0, "（三）"): "对生产经营单位进行爆破、吊装、动火、临时用电等危险作业，"
                                      "未安排专门人员进行现场安全管理的处罚",
         ("第一百零三条", 1): "对生产经营单位未与承包单位、承租单位签订专门的安全生产管理协议"
                             "或者未明确各自的安全生产管理职责的处罚",
         ("第一百零三条", 2, 1): "对矿山、金属冶炼和危险物品建设项目的施工单位非法转让施工资质的处罚",
         ("第一百零四条", 0): "对两个以上生产经营单位在同一作业区域内作业，未签订安全生产管理协议"
                             "或者未指定专职安全生产管理人员进行安全检查与协调的处罚",
         ("第一百零五条", 0, "（一）"): "对生产经营单位危险物品车间、商店、仓库与员工宿舍"
                                      "在同一座建筑内或者距离不符合安全要求的处罚",
         ("第一百零五条", 0, "（二）"): "对生产经营场所和员工宿舍未设有符合紧急疏散需要的出口、"
                                      "疏散通道，或者占用、锁闭、封堵出口、疏散通道的处罚",
         ("第一百一十二条", 0): "对生产经营单位被责令改正且受到罚款处罚后拒不改正的按日连续处罚",
         ("第一百一十四条", 0): "对发生生产安全事故负有责任的生产经营单位的处罚",
     }},
    {"key": "危化", "unit": "危险化学品安全监督管理处",
     # 82②: the disposal plan is filed with this bureau among others (第二十七条);
     # 93②: this bureau is the issuing authority of its own licences.
     "force": {("第八十二条", 1), ("第九十三条", 1)},
     "names": {
         ("第八十条", 0, "（二）"): "对生产、储存、使用危险化学品的单位未在作业场所设置相关安全设施、"
                                  "设备或者未按照规定进行经常性维护、保养的处罚",
         ("第八十一条", 1): "对未将安全评价报告及整改方案落实情况或者重大危险源储存情况"
                           "报安全生产监督管理部门备案的处罚",
         ("第八十二条", 0): "对生产、储存、使用危险化学品的单位转产、停产、停业或者解散时"
                           "未妥善处置危险化学品或者丢弃危险化学品的处罚",
         ("第八十二条", 1): "对生产、储存、使用危险化学品的单位转产、停产、停业或者解散时"
                           "未将处置方案报有关部门备案的处罚",
         ("第八十四条", 0, "（一）"): "对危险化学品生产企业、经营企业向不具有相关许可证件或者"
                                    "证明文件的单位销售剧毒化学品、易制爆危险化学品的处罚",
     }},
    {"key": "烟花", "unit": "危险化学品安全监督管理处",
     "names": {("第三十六条", 0): [
         "对未经许可生产、经营烟花爆竹制品的处罚",
         "对向未取得烟花爆竹安全生产许可的单位或者个人销售黑火药、烟火药、引火线的处罚"]}},
    {"key": "许可证", "unit": "监察支队", "articles": ("第十九条", "第二十二条"),
     "names": {("第二十二条", 0): "对逾期不办理安全生产许可证或者经审查不符合安全生产条件"
                                 "继续进行生产的处罚"}},
    {"key": "事故", "unit": "监察支队"},
    {"key": "应急", "unit": "监察支队",
     "names": {
         ("第三十条", 0): "对生产经营单位未制定应急救援预案、未定期演练、未进行应急教育培训"
                         "或者主要负责人不立即组织抢救的处罚",
         ("第三十一条", 0): "对生产经营单位未维护保养应急救援器材、设备和物资或者事故后"
                           "未立即采取应急救援措施造成严重后果的处罚",
     }},
    # 2018 text: 卫生行政部门; the bureau ran workplace occupational-health
    # supervision (the law's 职业卫生监督管理部门, 第六十二条) in the demo's years.
    {"key": "职业病", "unit": "职业安全健康监督管理处", "ours": ("卫生行政部门",),
     "subjects": {"第七十条": "用人单位", "第七十五条": "用人单位"},
     # medical and diagnosis institutions stay with the health authority
     "skip": {("第六十九条", 0, "（二）"), ("第六十九条", 0, "（四）"),
              "第七十九条", "第八十条", "第八十一条"},
     "names": {
         ("第七十条", 0, "（五）"): "对用人单位国内首次使用或者首次进口与职业病危害有关的化学材料"
                                  "未按照规定报送毒性鉴定资料等的处罚",
         ("第七十二条", 0, "（二）"): "对用人单位未提供或者提供不符合标准的职业病防护设施"
                                    "和个人使用的职业病防护用品的处罚",
         ("第七十五条", 0, "（三）"): "对用人单位有毒、有害工作场所、放射工作场所或者放射性同位素的"
                                    "运输、贮存不符合本法第二十五条规定的处罚",
         ("第七十五条", 0, "（七）"): "对用人单位安排未经职业健康检查的劳动者、有职业禁忌的劳动者、"
                                    "未成年工或者孕期、哺乳期女职工从事禁忌作业的处罚",
     }},
    {"key": "矿山", "unit": "工矿商贸安全监督管理处",
     "subjects": {"第四十条": "矿山企业"},
     "names": {("第四十一条", 0): ["对矿长不具备安全专业知识的处罚",
                                  "对矿山安全生产的特种作业人员未取得操作资格证书上岗作业的处罚"],
               ("第四十四条", 0): "对已经投入生产的矿山企业不具备安全生产条件而强行开采的处罚"},
     "penalties": {("第四十一条", 0): "由劳动行政主管部门责令限期改正；逾期不改正的，"
                   "提请县级以上人民政府决定责令停产，调整配备合格人员后，方可恢复生产"}},
    {"key": "矿山条例", "unit": "工矿商贸安全监督管理处",
     # 52, 53 give the fines of 矿山安全法 40, 43 and are quoted with those items.
     "skip": {"第五十二条", "第五十三条", "第五十五条"},
     "names": {("第五十四条", 0): "对矿山企业违反矿山开采安全保障规定的处罚"}},
    {"key": "煤矿", "unit": "工矿商贸安全监督管理处",
     # 70: closure is the government's; 73 assigns competence.
     "skip": {"第七十条", "第七十三条"},
     "names": {("第六十四条", 0): "对存在重大事故隐患仍然进行生产的煤矿企业的处罚",
               ("第六十七条", 0): "对发生煤矿生产安全事故负有责任的煤矿企业的处罚"}},
    {"key": "建设", "unit": "工矿商贸安全监督管理处", "skip": {"第六十八条"},
     "subjects": {"第六十一条": "施工起重机械和自升式架设设施安装、拆卸单位"},
     "names": {
         ("第五十六条", 0, "（二）"): "对设计单位未在采用新结构、新材料、新工艺和特殊结构的"
                                    "建设工程设计中提出保障施工安全措施建议的处罚",
         ("第五十七条", 0, "（三）"): "对工程监理单位在施工单位拒不整改或者不停止施工时"
                                    "未及时向有关主管部门报告的处罚",
         ("第六十二条", 0, "（二）"): "对施工单位主要负责人、项目负责人、专职安全生产管理人员、"
                                    "作业人员或者特种作业人员未经安全教育培训考核合格上岗的处罚",
     }},
]

# (law, article, clause) of a penalty item → (law, article, part) quoted with it.
MERGES = {("矿山", "第四十条", f"（{n}）"): ("矿山条例", "第五十二条", f"（{n}）")
          for n in "一二三四五"}
MERGES[("矿山", "第四十三条", "")] = ("矿山条例", "第五十三条", None)


# ---------------------------------------------------------------- hand-written items

CHANNEL = "监督投诉电话：0512-12345（示例）；监察室：0512-65220000（示例）"
PENALTY_CONDITIONS = ("有证据初步证明当事人有本项所列违法行为，依法应当给予行政处罚，"
                      "属于本机关管辖，且未超过行政处罚追责时效的，予以立案。")
PENALTY_MATERIALS = ("立案审批表", "现场检查记录、询问笔录", "调查取证材料（书证、物证、视听资料、鉴定意见等）",
                     "案件调查终结报告", "行政处罚告知书及当事人陈述、申辩或者听证材料",
                     "行政处罚决定书及送达回证")

# Basis parts: (law key, article, None = whole article | paragraph index | clause label).
# statutory_days: the regulation's own limit where it sets one (行政许可法 第四十二条:
# "法律、法规另有规定的，依照其规定"), otherwise that article's twenty days.
LICENSING = [
    {"name": "危险化学品建设项目安全条件审查", "category": "行政许可", "tier": "major",
     "unit": "危险化学品安全监督管理处",
     "basis": [("危化", "第十二条", 0), ("危化", "第十二条", 1)],
     "conditions": "新建、改建、扩建生产、储存危险化学品的建设项目，建设单位已对建设项目进行安全条件论证，"
                   "并委托具备国家规定资质条件的机构完成安全评价；项目选址、周边安全距离和总体布局符合"
                   "有关法律、法规和国家标准、行业标准的要求。",
     "materials": ["建设项目安全条件审查申请书", "建设项目安全条件论证报告",
                   "具备资质的机构出具的建设项目安全评价报告", "建设项目规划选址等批准、核准或者备案文件（复印件）",
                   "工商营业执照或者企业名称预先核准通知书（复印件）", "法定代表人授权委托书及经办人身份证明"],
     "statutory_days": 45, "promised_days": 30},
    {"name": "危险化学品建设项目安全设施设计审查", "category": "行政许可", "tier": "important",
     "unit": "危险化学品安全监督管理处",
     "basis": [("安全生产法", "第三十二条", None), ("安全生产法", "第三十三条", 1)],
     "conditions": "建设项目已通过安全条件审查；安全设施设计由具备相应资质的设计单位编制，符合有关法律、法规、"
                   "规章和国家标准、行业标准，并落实了安全条件审查意见和安全评价报告提出的对策措施。",
     "materials": ["建设项目安全设施设计审查申请书", "设计单位的设计资质证明文件（复印件）",
                   "建设项目安全设施设计专篇", "建设项目安全预评价报告", "建设项目安全条件审查意见书（复印件）",
                   "建设项目批准、核准或者备案文件（复印件）"],
     "statutory_days": 20, "promised_days": 15},
    {"name": "危险化学品安全使用许可证核发", "category": "行政许可", "tier": "important",
     "unit": "危险化学品安全监督管理处",
     "basis": [("危化", "第二十九条", 0), ("危化", "第三十条", None), ("危化", "第三十一条", 0)],
     "conditions": "使用危险化学品从事生产并且使用量达到规定数量的化工企业，使用条件（包括工艺）符合法律、"
                   "行政法规和国家标准、行业标准，并有与所使用危险化学品相适应的专业技术人员、安全管理机构和"
                   "专职安全管理人员、符合规定的事故应急预案和应急救援器材设备，且依法进行了安全评价。",
     "materials": ["危险化学品安全使用许可证申请书", "工商营业执照（复印件）",
                   "安全管理机构设置文件和专职安全管理人员名单", "专业技术人员的学历、职称或者资格证明（复印件）",
                   "危险化学品事故应急预案及应急救援器材、设备配备情况", "具备资质的机构出具的安全评价报告",
                   "安全生产规章制度和岗位安全操作规程目录"],
     "statutory_days": 45, "promised_days": 30},
    {"name": "危险化学品经营许可证核发", "category": "行政许可", "tier": "ordinary",
     "unit": "危险化学品安全监督管理处",
     "basis": [("危化", "第三十三条", 0), ("危化", "第三十四条", None), ("危化", "第三十五条", 0)],
     "conditions": "从事剧毒化学品、易制爆危险化学品经营或者有储存设施的危险化学品经营企业，有符合国家标准、"
                   "行业标准的经营场所和储存设施，从业人员经专业技术培训并考核合格，有健全的安全管理规章制度、"
                   "专职安全管理人员、符合规定的事故应急预案和必要的应急救援器材设备。",
     "materials": ["危险化学品经营许可证申请表", "工商营业执照或者企业名称预先核准通知书（复印件）",
                   "经营场所、储存设施的产权证明或者租赁证明（复印件）",
                   "主要负责人、安全管理人员和其他从业人员的培训考核合格证明（复印件）",
                   "安全管理规章制度和岗位操作规程目录", "危险化学品事故应急预案",
                   "储存设施安全评价报告（有储存设施的）"],
     "statutory_days": 30, "promised_days": 20},
    {"name": "烟花爆竹经营（批发）许可证核发", "category": "行政许可", "tier": "ordinary",
     "unit": "危险化学品安全监督管理处",
     "basis": [("烟花", "第三条", None), ("烟花", "第十七条", None), ("烟花", "第十九条", 0)],
     "conditions": "具有企业法人条件，经营场所与周边建筑、设施保持必要的安全距离，有符合国家标准的经营场所和"
                   "储存仓库，有保管员、仓库守护员，依法进行了安全评价，有事故应急救援预案、应急救援组织和人员"
                   "并配备必要的应急救援器材、设备。",
     "materials": ["烟花爆竹经营（批发）许可证申请书", "工商营业执照或者企业名称预先核准通知书（复印件）",
                   "经营场所和储存仓库的产权证明或者租赁证明（复印件）", "具备资质的机构出具的安全评价报告",
                   "保管员、仓库守护员的培训合格证明（复印件）", "事故应急救援预案及应急救援器材、设备清单"],
     "statutory_days": 30, "promised_days": 20},
    {"name": "烟花爆竹经营（零售）许可证核发", "category": "行政许可", "tier": "ordinary",
     "unit": "危险化学品安全监督管理处",
     "basis": [("烟花", "第十六条", 1), ("烟花", "第十八条", None), ("烟花", "第十九条", 1)],
     "conditions": "零售网点符合布点规划，主要负责人经过安全知识教育，实行专店或者专柜销售并设专人负责安全管理，"
                   "经营场所配备必要的消防器材并张贴明显的安全警示标志。",
     "materials": ["烟花爆竹经营（零售）许可证申请书", "工商营业执照或者个体工商户营业执照（复印件）",
                   "零售经营场所的产权证明或者租赁证明（复印件）", "主要负责人安全知识教育合格证明（复印件）",
                   "经营场所平面布置图及消防器材配备情况"],
     "statutory_days": 20, "promised_days": 10},
    {"name": "特种作业人员操作资格认定（特种作业操作证核发）", "category": "行政许可", "tier": "ordinary",
     "unit": "工矿商贸安全监督管理处",
     "basis": [("安全生产法", "第三十条", None)],
     "conditions": "年满十八周岁且不超过国家法定退休年龄，经社区或者县级以上医疗机构体检健康合格，具有初中及以上"
                   "文化程度，经专门的安全作业培训并考核合格。",
     "materials": ["特种作业操作资格申请表", "身份证（复印件）", "学历证书（复印件）",
                   "医疗机构出具的体检证明", "安全技术培训考核合格证明"],
     "statutory_days": 20, "promised_days": 15},
    {"name": "金属冶炼建设项目安全设施设计审查", "category": "行政许可", "tier": "ordinary",
     "unit": "工矿商贸安全监督管理处",
     "basis": [("安全生产法", "第三十二条", None), ("安全生产法", "第三十三条", 1)],
     "conditions": "金属冶炼建设项目已按照国家有关规定进行安全评价；安全设施设计由具备相应资质的设计单位编制，"
                   "符合有关法律、法规、规章和国家标准、行业标准，并落实了安全预评价报告提出的对策措施。",
     "materials": ["建设项目安全设施设计审查申请书", "设计单位的设计资质证明文件（复印件）",
                   "建设项目安全设施设计专篇", "建设项目安全预评价报告",
                   "建设项目批准、核准或者备案文件（复印件）"],
     "statutory_days": 20, "promised_days": 15},
]
for _spec in LICENSING:
    _spec.update(post="行政许可窗口岗", days_kind="working", process="licensing")

OTHERS = [
    {"name": "安全生产监督检查", "category": "行政检查", "unit": "监察支队",
     "post": "行政执法监察岗", "process": "inspection",
     "basis": [("安全生产法", "第六十五条", "（一）"), ("安全生产法", "第六十五条", "（三）")],
     "conditions": "按照年度监督检查计划，或者根据举报、投诉、转办、事故等线索，对生产经营单位执行安全生产法律、"
                   "法规和国家标准、行业标准的情况实施检查。",
     "materials": ["监督检查计划或者检查方案", "现场检查记录", "责令限期整改指令书（发现问题时）", "整改复查意见书"],
     "statutory_days": 0, "days_kind": "", "promised_days": 0},
    {"name": "作业场所职业卫生监督检查", "category": "行政检查", "unit": "职业安全健康监督管理处",
     "post": "行政执法监察岗", "process": "inspection",
     "basis": [("职业病", "第六十二条", None), ("职业病", "第六十三条", "（一）")],
     "conditions": "按照监督检查计划，或者根据职业病危害举报、职业病报告等线索，对用人单位作业场所职业病防治工作"
                   "实施检查。",
     "materials": ["监督检查计划或者检查方案", "现场检查记录", "职业病危害因素检测结果（采样时）",
                   "责令限期改正指令书（发现问题时）"],
     "statutory_days": 0, "days_kind": "", "promised_days": 0},
    {"name": "查封、扣押不符合安全生产标准的设施、设备、器材和违法危险物品", "category": "行政强制",
     "unit": "监察支队", "post": "行政执法监察岗", "process": "enforcement",
     "basis": [("安全生产法", "第六十五条", "（四）"), ("危化", "第七条", "（四）"), ("强制", "第二十五条", 0)],
     "conditions": "有根据认为设施、设备、器材不符合保障安全生产的国家标准或者行业标准，或者危险物品系违法生产、储存、"
                   "使用、经营、运输的，经本部门负责人批准实施。",
     "materials": ["查封、扣押审批表", "查封（扣押）决定书", "现场笔录", "查封、扣押财物清单", "处理决定书"],
     "statutory_days": 30, "days_kind": "calendar", "promised_days": 30},
    {"name": "通知停止供电、停止供应民用爆炸物品", "category": "行政强制", "unit": "监察支队",
     "post": "行政执法监察岗", "process": "enforcement",
     "basis": [("安全生产法", "第七十条", None)],
     "conditions": "生产经营单位拒不执行停产停业、停止施工、停止使用相关设施或者设备的决定，有发生生产安全事故的"
                   "现实危险，经本部门主要负责人批准，在保证安全的前提下实施。",
     "materials": ["停产停业等决定书及送达回证", "拒不执行情况的调查记录", "主要负责人批准文件",
                   "停止供电（供应民用爆炸物品）书面通知", "解除措施通知书（消除隐患后）"],
     "statutory_days": 0, "days_kind": "", "promised_days": 0},
    {"name": "对报告重大事故隐患、举报安全生产违法行为有功人员的奖励", "category": "行政奖励",
     "unit": "政策法规处", "post": "", "process": "other",
     "basis": [("安全生产法", "第七十六条", None), ("安全生产法", "第七十三条", None)],
     "conditions": "举报事项经调查核实属实，对发现、排除重大事故隐患或者查处安全生产违法行为起到作用的有功人员。",
     "materials": ["举报登记材料", "举报事项调查核实报告", "奖励审批表", "奖励发放凭证"],
     "statutory_days": 0, "days_kind": "", "promised_days": 0},
    {"name": "生产安全事故调查处理", "category": "其他行政权力", "unit": "政策法规处",
     "post": "", "process": "other",
     "basis": [("安全生产法", "第八十六条", None), ("事故", "第十九条", 1), ("事故", "第二十九条", None)],
     "conditions": "本行政区域内发生生产安全事故，由市人民政府负责调查或者授权、委托本局组织事故调查组进行调查。",
     "materials": ["事故报告", "事故调查组成立文件", "现场勘查、技术鉴定材料", "询问笔录及证据材料",
                   "事故调查报告", "事故调查报告批复文件"],
     "statutory_days": 60, "days_kind": "calendar", "promised_days": 60},
    {"name": "生产安全事故应急救援预案备案", "category": "其他行政权力", "unit": "监察支队",
     "post": "", "process": "other",
     "basis": [("应急", "第七条", None), ("安全生产法", "第八十一条", None)],
     "conditions": "危险物品的生产、经营、储存、运输单位，矿山、金属冶炼、城市轨道交通运营、建筑施工单位，以及人员"
                   "密集场所经营单位制定或者修订生产安全事故应急救援预案后报送备案。",
     "materials": ["生产安全事故应急救援预案备案申请表", "应急救援预案文本（含评审或者论证意见）",
                   "风险评估结果和应急资源调查清单", "预案印发文件"],
     "statutory_days": 0, "days_kind": "", "promised_days": 5},
]
for _spec in OTHERS:
    _spec.update(tier="")


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    laws_dir = Path(args[0]) if args else DEFAULT_LAWS
    if not (laws_dir / "index.csv").is_file():
        raise SystemExit(f"法律文本目录不存在或缺少 index.csv：{laws_dir}")
    items, laws, found = build(laws_dir)
    texts = {lw.title: lw.raw for lw in laws.values()}
    check(items, texts)
    if "--check" in argv:
        committed = json.loads(OUT.read_text(encoding="utf-8"))
        check(committed, texts)
        assert committed == items, f"{OUT} 与重新生成的结果不一致，请重新运行本脚本"
        print(f"{OUT.relative_to(REPO)} 校验通过：{len(items)} 项")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    per_law = {}
    for i in items:
        if i["category"] == "行政处罚":
            per_law[i["basis"][0]["law"]] = per_law.get(i["basis"][0]["law"], 0) + 1
    print(f"写入 {OUT.relative_to(REPO)}：{len(items)} 项（符合条件的处罚 {found} 项，取前 {PENALTY_COUNT} 项）")
    for title, n in per_law.items():
        print(f"  {title}: {n}")


if __name__ == "__main__":
    main(sys.argv[1:])
