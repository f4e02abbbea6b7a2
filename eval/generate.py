#!/usr/bin/env python3
"""Generates mieru's entity-resolution evaluation set (fiction, in the real formats).

Writes eval/documents/** (bureau provider lists as HTML, e-再生医療 plan lists as HTML, a
法人番号 diff CSV in Shift_JIS), eval/manifest.json (which adapter reads which file under which
URL) and eval/gold.json (which subject keys are one facility / organization, and the expected
successor relations). Deterministic: the same script gives the same bytes.

Every clinic, corporation and person here is invented.
"""
import json, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "documents")
rng = random.Random(20261125)

# prefecture → (bureau slug, [(city, town, block-style)])
PLACES = {
    "東京都": ("kantoshinetsu", [("中央区", "銀座"), ("新宿区", "西新宿"), ("渋谷区", "神宮前"), ("港区", "六本木"), ("世田谷区", "三軒茶屋")]),
    "神奈川県": ("kantoshinetsu", [("横浜市西区", "みなとみらい"), ("川崎市中原区", "小杉町")]),
    "埼玉県": ("kantoshinetsu", [("さいたま市大宮区", "桜木町"), ("川越市", "元町")]),
    "大阪府": ("kinki", [("大阪市北区", "梅田"), ("大阪市中央区", "心斎橋筋"), ("堺市堺区", "中瓦町")]),
    "愛知県": ("tokaihokuriku", [("名古屋市中区", "栄"), ("名古屋市中村区", "名駅")]),
    "福岡県": ("kyushu", [("福岡市中央区", "天神"), ("北九州市小倉北区", "京町")]),
}
PREFS = list(PLACES)
BUREAU_PATH = {"kantoshinetsu": "kantoshinetsu/iji/saiseiiryou", "kinki": "kinki/iji/saiseiiryou",
               "tokaihokuriku": "tokaihokuriku/iji/saisei", "kyushu": "kyushu/iji/saiseiiryou"}
STEMS = ["あおば", "みどり", "ひかり", "かえで", "すずらん", "ひまわり", "つばき", "さつき", "あさひ", "はるか",
         "コスモス", "アイリス", "ルミナ", "セレナ", "リーフ", "オーロラ", "ソレイユ", "アルファ", "ノース", "ブライト",
         "蒼天", "白樺", "青葉", "若葉", "翠嶺", "明星", "碧海", "紫苑", "朱鷺", "銀河", "星空", "彩雲", "瑞穂", "桂", "楓林",
         "泉", "清流", "陽光", "光明", "恵風"]
KINDS = ["整形外科", "皮膚科クリニック", "再生クリニック", "内科クリニック", "美容クリニック", "ペインクリニック",
         "メディカルクリニック", "幹細胞クリニック", "スキンクリニック", "整形クリニック"]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
            "山口", "松本", "井上", "木村", "林", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "前田", "藤田",
            "小川", "岡田", "後藤", "長谷川", "村上", "近藤", "石井", "坂本", "遠藤", "青木", "藤井", "西村", "福田"]
GIVEN = ["一郎", "健", "誠司", "美咲", "直樹", "陽子", "翔太", "里美", "大輔", "真由美", "浩二", "恵", "拓也", "彩",
         "修", "千尋", "亮", "智子", "剛", "香織"]
KANJI_DIGITS = "〇一二三四五六七八九"

used_names = set()
used_corp_names = set()
used_addresses = set()
used_people = set()


def check_digit(base12):
    total = 0
    for n, ch in enumerate(reversed(base12), start=1):
        total += int(ch) * (1 if n % 2 == 1 else 2)
    return 9 - (total % 9)


def corporate_number():
    base = "".join(str(rng.randrange(10)) for _ in range(12))
    base = "01" + base[2:]  # 医療法人: plausible prefix, still random
    return f"{check_digit(base)}{base}"


def facility_name(prefix=""):
    while True:
        n = f"{prefix}{rng.choice(STEMS)}{rng.choice(KINDS)}"
        if n not in used_names:
            used_names.add(n)
            return n


def corp_name():
    while True:
        n = f"医療法人社団{rng.choice(STEMS)}{rng.choice(['会', '友会', '仁会', '光会', '翔会', '康会'])}"
        if n not in used_corp_names:
            used_corp_names.add(n)
            return n


def person():
    while True:
        p = f"{rng.choice(SURNAMES)}　{rng.choice(GIVEN)}"
        if p not in used_people:
            used_people.add(p)
            return p


def place(pref=None, city=None):
    """A fresh street address: (pref, city, town, chome, ban, go, building, floor)."""
    pref = pref or rng.choice(PREFS)
    while True:
        c, town = city or rng.choice(PLACES[pref][1])
        a = (pref, c, town, rng.randrange(1, 8), rng.randrange(1, 30), rng.randrange(1, 20),
             f"{rng.choice(STEMS)}ビル", rng.randrange(1, 10))
        if a[:6] not in used_addresses:
            used_addresses.add(a[:6])
            return a


def same_block_other_floor(a):
    floor = a[7] % 9 + 1
    return a[:7] + (floor,)


def fmt_addr(a, style=0, with_pref=True):
    pref, city, town, c, b, g, bldg, fl = a
    head = pref if with_pref else ""
    if style == 0:
        return f"{head}{city}{town}{c}丁目{b}番{g}号　{bldg}{fl}階"
    if style == 1:  # full width with dashes
        s = f"{c}－{b}－{g}"
        s = s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        fw = str(fl).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return f"{head}{city}{town}{s}　{bldg}{fw}階"
    return f"{head}{city}{town}{c}-{b}-{g} {bldg}{fl}F"


def wareki(y, m, d):
    if y >= 2019:
        return f"令和{y - 2018}年{m}月{d}日"
    return f"平成{y - 1988}年{m}月{d}日"


def iso(y, m, d):
    return f"{y:04d}-{m:02d}-{d:02d}"


# ---------------------------------------------------------------- the world
gold_entities = []      # {"id", "kind", "case", "subjects": [...]}
gold_relations = []     # {"from", "to", "kind"} subject keys of each side (any member)
bureau_rows = {}        # (bureau, page) → list of row dicts
esaisei_rows = {2: [], 3: []}
houjin_rows = []
plan_seq = [0]


def plan_code(pref):
    plan_seq[0] += 1
    letter = "ABCDEFGH"[PREFS.index(pref) % 8]
    return f"{'02' if plan_seq[0] % 2 else '03'}{letter}{2000000 + plan_seq[0] * 37:07d}"


class Org:
    def __init__(self, pref, name=None):
        self.number = corporate_number()
        self.names = [name or corp_name()]
        self.pref = pref
        self.addr = place(pref)
        self.gold = {"id": f"O-{self.number}", "kind": "organization", "case": "", "subjects": [f"organization:houjin-bangou:{self.number}"]}
        gold_entities.append(self.gold)
        self.seq_date = (2015, 4, 1)
        self.houjin("01", self.seq_date, self.names[0])

    def houjin(self, process, date, name, close=None, successor=""):
        pref, city, town, c, b, g, *_ = self.addr
        row = [""] * 30
        row[0] = str(len(houjin_rows) + 1)
        row[1] = self.number
        row[2] = process
        row[3] = "0"
        row[4] = iso(*date)
        row[5] = iso(*date)
        row[6] = name
        row[8] = "399"
        row[9] = pref
        row[10] = city
        row[11] = f"{town}{c}丁目{b}番{g}号"
        row[13] = "13"
        row[22] = "2015-10-05"
        row[23] = "1"
        row[28] = ""
        row[29] = "0"
        if close:
            row[18] = iso(*close[0])
            row[19] = close[1]
            row[20] = successor
        houjin_rows.append(row)

    def rename(self, date, new_name=None):
        new = new_name or corp_name()
        self.names.append(new)
        self.houjin("11", date, new)

    def name_at(self, i=-1):
        return self.names[i]


def bureau_row(pref, page, row):
    bureau = PLACES[pref][0]
    bureau_rows.setdefault((bureau, page), []).append(row)
    kind, date = page_meta(page)
    return provider_key(bureau, page, row["name"], row["date"])


def page_meta(page):
    return PAGES[page]


# page stem → (title, date column label, as-of)
PAGES = {
    "kaisetsu_r2": ("再生医療等提供機関の新規届出一覧", "開設年月日", (2020, 12, 28)),
    "kaisetsu_r4": ("再生医療等提供機関の新規届出一覧", "開設年月日", (2022, 12, 26)),
    "kaisetsu_r6": ("再生医療等提供機関の新規届出一覧", "開設年月日", (2024, 12, 25)),
    "henkou_r5": ("再生医療等提供機関の名称等変更届出一覧", "届出年月日", (2023, 12, 27)),
    "henkou_r7": ("再生医療等提供機関の名称等変更届出一覧", "届出年月日", (2025, 12, 24)),
    "haishi_r7": ("再生医療等提供機関の廃止一覧", "廃止年月日", (2025, 12, 24)),
}


def provider_key(bureau, page, name, date):
    return f"facility:kouseikyoku:{bureau}/{page}/{name}/{iso(*date)}"


def org_mention_key(bureau, page, name, date):
    return f"organization:kouseikyoku:{bureau}/{page}/{name}/{iso(*date)}-operator"


def add_row(pref, page, name, org, org_name, manager, addr, date, note="", addr_style=0):
    """One row of a bureau provider list; returns (facility key, operator mention key)."""
    bureau = PLACES[pref][0]
    row = {"name": name, "op": org_name, "manager": manager, "addr": fmt_addr(addr, addr_style),
           "date": date, "note": note}
    bureau_rows.setdefault((bureau, page), []).append(row)
    fk = provider_key(bureau, page, name, date)
    ok = org_mention_key(bureau, page, name, date)
    org.gold["subjects"].append(ok)
    return fk


def add_plan(pref, name, org, org_name, addr, cls=None, with_op=False, style=1):
    code = plan_code(pref)
    cls = cls or (2 if code.startswith("02") else 3)
    shown = f"{org_name}\n{name}" if with_op else name
    esaisei_rows[cls].append({"name": shown, "pref": pref, "addr": fmt_addr(addr, style, with_pref=False),
                              "title": rng.choice(["自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療",
                                                   "多血小板血漿（PRP）を用いた皮膚の再生",
                                                   "自己線維芽細胞を用いた皮膚のしわの治療",
                                                   "自己血由来成分を用いた慢性疼痛の治療"]),
                              "code": code})
    if with_op:
        org.gold["subjects"].append(f"organization:e-saisei:{code}")
    return f"facility:e-saisei:{code}"


def facility(case, kind="facility"):
    g = {"id": f"F{len(gold_entities):04d}", "kind": kind, "case": case, "subjects": []}
    gold_entities.append(g)
    return g


def date_between(y0, y1):
    return (rng.randrange(y0, y1 + 1), rng.randrange(1, 13), rng.randrange(1, 28))


# 30 rename chains, 1–3 renames; every third relocates at a rename.
for i in range(30):
    pref = PREFS[i % len(PREFS)]
    org = Org(pref)
    if i % 5 == 0:
        org.rename((2021, 6, 1))  # the operator renamed too: old name in old lists
    g = facility(f"rename_chain_{i + 1}")
    manager = person()
    addr = place(pref)
    names = [facility_name()]
    opened = (2020, rng.randrange(1, 12), rng.randrange(1, 27))
    g["subjects"].append(add_row(pref, "kaisetsu_r2", names[0], org, org.name_at(0), manager, addr, opened))
    g["subjects"].append(add_plan(pref, names[0], org, org.name_at(0), addr, style=1 + i % 2))
    renames = 1 + i % 3
    pages = ["henkou_r5", "henkou_r7", "henkou_r7"]
    for r in range(renames):
        new = facility_name()
        moved = i % 3 == 0 and r == renames - 1
        if moved:
            addr = place(pref)
        date = (2023 + 2 * min(r, 1), 3 + r * 3, 10 + r)
        page = pages[r]
        g["subjects"].append(add_row(pref, page, new, org, org.name_at(-1), manager, addr, date,
                                     note=f"旧名称：{names[-1]}"))
        names.append(new)
    g["subjects"].append(add_plan(pref, names[-1], org, org.name_at(-1), addr, with_op=(i % 2 == 0), style=2 - i % 2))
    g["names"] = names

# 10 closures with a successor at the same place (a possible successor, never the same).
for i in range(10):
    pref = PREFS[(i + 2) % len(PREFS)]
    org = Org(pref)
    old = facility("closure_old")
    addr = place(pref)
    manager = person()
    name = facility_name()
    opened = date_between(2019, 2020)
    old["subjects"].append(add_row(pref, "kaisetsu_r2", name, org, org.name_at(), manager, addr, (2020, opened[1], opened[2])))
    old["subjects"].append(add_plan(pref, name, org, org.name_at(), addr))
    closed = (2025, 1 + i, 15)
    old["subjects"].append(add_row(pref, "haishi_r7", name, org, org.name_at(), "", addr, closed))
    new = facility("closure_successor")
    new_org = org if i % 2 == 0 else Org(pref)
    new_manager = manager if i % 3 != 2 else person()
    new_name = facility_name()
    new["subjects"].append(add_row(pref, "kaisetsu_r6", new_name, new_org, new_org.name_at(), new_manager, addr, (2024, 1 + i, 20)))
    new["subjects"].append(add_plan(pref, new_name, new_org, new_org.name_at(), addr, style=2))
    gold_relations.append({"from": old["subjects"][0], "to": new["subjects"][0], "kind": "possible_successor"})

# 10 proven mergers: corporation P absorbed into Q (registry record); P's clinic carries on.
for i in range(10):
    pref = PREFS[(i + 4) % len(PREFS)]
    p, q = Org(pref), Org(pref)
    merged = (2024, 1 + i, 1)
    p.houjin("71", merged, p.name_at(), close=(merged, "11"), successor=q.number)
    q.houjin("71", merged, q.name_at())
    g = facility(f"merger_{i + 1}")
    addr = place(pref)
    name = facility_name()
    manager = person()
    g["subjects"].append(add_row(pref, "kaisetsu_r2", name, p, p.name_at(), manager, addr, (2020, 2 + i, 3)))
    g["subjects"].append(add_plan(pref, name, q, q.name_at(), addr, with_op=True, style=2))
    gold_relations.append({"from": p.gold["subjects"][0], "to": q.gold["subjects"][0], "kind": "successor"})

# 30 hard negatives.
def simple_facility(case, pref, name, org=None, addr=None, manager=None, page="kaisetsu_r4", plan=True, style=1):
    org = org or Org(pref)
    addr = addr or place(pref)
    g = facility(case)
    d = (2022, rng.randrange(1, 12), rng.randrange(1, 27))
    g["subjects"].append(add_row(pref, page, name, org, org.name_at(), manager or person(), addr, d))
    if plan:
        g["subjects"].append(add_plan(pref, name, org, org.name_at(), addr, style=style))
    return g

# 10 × the same name in two prefectures.
for i in range(5):
    name = facility_name()
    a, b = PREFS[i % len(PREFS)], PREFS[(i + 3) % len(PREFS)]
    simple_facility("same_name_other_prefecture", a, name)
    simple_facility("same_name_other_prefecture", b, name)
# 10 × two clinics in one building (different floors, operators, managers).
for i in range(5):
    pref = PREFS[i % len(PREFS)]
    addr = place(pref)
    simple_facility("same_building", pref, facility_name(), addr=addr)
    simple_facility("same_building", pref, facility_name(), addr=same_block_other_floor(addr), style=2)
# 6 × one manager name at unrelated clinics (same city).
for i in range(3):
    pref = PREFS[i % len(PREFS)]
    m = person()
    city = PLACES[pref][1][0]
    simple_facility("same_manager", pref, facility_name(), addr=place(pref, city), manager=m)
    simple_facility("same_manager", pref, facility_name(), addr=place(pref, city), manager=m)
# 4 × a chain's branches with near-identical names (same operator, same city).
for i in range(2):
    pref = PREFS[(i + 1) % len(PREFS)]
    org = Org(pref)
    base = facility_name()
    city = PLACES[pref][1][0]
    simple_facility("near_identical_branch", pref, f"{base}{city[:2]}院", org=org, addr=place(pref, city))
    simple_facility("near_identical_branch", pref, f"{base}{city[:2]}駅前院", org=org, addr=place(pref, city), style=2)

# ---------------------------------------------------------------- writing
manifest = []


def write(rel, data, source, url):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    manifest.append({"source": source, "path": f"documents/{rel}", "url": url})


def html_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


BUREAU_NAMES = {"kantoshinetsu": "関東信越厚生局", "kinki": "近畿厚生局", "tokaihokuriku": "東海北陸厚生局", "kyushu": "九州厚生局"}
for (bureau, page), rows in sorted(bureau_rows.items()):
    title, label, asof = PAGES[page]
    closing = page.startswith("haishi")
    head = ["医療機関の名称", "開設者"] + ([] if closing else ["管理者"]) + ["所在地", label, "備考"]
    out = [f'<!DOCTYPE html>\n<html lang="ja">\n<head><meta charset="UTF-8"><title>{title}｜{BUREAU_NAMES[bureau]}</title></head>\n<body>',
           f"<h1>{title}</h1>", f"<p>{wareki(*asof)}現在</p>", '<table border="1">',
           "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for r in rows:
        cells = [r["name"], r["op"]] + ([] if closing else [r["manager"]]) + [r["addr"], wareki(*r["date"]), r["note"]]
        out.append("<tr>" + "".join(f"<td>{html_escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>\n</body>\n</html>\n")
    rel = f"kouseikyoku/{BUREAU_PATH[bureau]}/{page}.html"
    write(rel, "\n".join(out).encode("utf-8"), "kouseikyoku", f"https://kouseikyoku.mhlw.go.jp/{BUREAU_PATH[bureau]}/{page}.html")

for cls, rows in esaisei_rows.items():
    out = ['<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="UTF-8">',
           f"<title>公開計画一覧（第{'二' if cls == 2 else '三'}種再生医療等提供計画）｜e-再生医療</title>\n</head>\n<body>",
           f"<h2>第{'二' if cls == 2 else '三'}種再生医療等提供計画 公開一覧</h2>", '<table class="list">',
           "<tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>区分</th><th>再生医療等の名称</th><th>認定再生医療等委員会</th><th>提供状況</th><th>資料</th></tr>"]
    for r in rows:
        out.append("<tr>\n" + "\n".join(f"<td>{html_escape(c)}</td>" for c in
                   [r["name"], r["pref"], r["addr"], "治療", r["title"], "架空再生医療等委員会", "提供中"]) +
                   f'\n<td><a href="/published_plan/download/{r["code"]}/5/0">資料1</a></td>\n</tr>')
    out.append("</table>\n</body>\n</html>\n")
    write(f"e-saisei/published_plan/index/{cls}/index.html", "\n".join(out).encode("utf-8"), "e-saisei",
          f"https://saiseiiryo.mhlw.go.jp/published_plan/index/{cls}")

import csv, io
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
for r in houjin_rows:
    w.writerow(r)
write("houjin-bangou/diff_eval.csv", buf.getvalue().encode("cp932"), "houjin-bangou",
      "https://www.houjin-bangou.nta.go.jp/download/sashibun/diff_eval.csv")

with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as fh:
    json.dump({"documents": manifest}, fh, ensure_ascii=False, indent=1)
with open(os.path.join(HERE, "gold.json"), "w", encoding="utf-8") as fh:
    json.dump({"entities": [{k: v for k, v in g.items()} for g in gold_entities],
               "relations": gold_relations}, fh, ensure_ascii=False, indent=1)
cases = {}
for g in gold_entities:
    cases[g["case"] or "organization"] = cases.get(g["case"] or "organization", 0) + 1
print(f"{len(manifest)} documents, {len(gold_entities)} gold entities, {len(gold_relations)} relations")
