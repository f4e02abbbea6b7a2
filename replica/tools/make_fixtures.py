#!/usr/bin/env python3
"""Generate the replica's generated fixtures (all names are FICTION; see replica/WORLD.md).

Writes, relative to replica/:
  saiseiiryo.mhlw.go.jp/published_plan/index/{2,3}/index.html   e-再生医療 plan lists (raw CR LF in cells)
  www.mhlw.go.jp/stf/houdou/0000158832.html                     2017 release, old template, Shift_JIS
  kouseikyoku.mhlw.go.jp/kinki/iji/saisei/000871234.xlsx              関東信越's CPC list (Excel), linked from 近畿's page
  kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou/000987654.pdf   PDF-only bureau order
  www.houjin-bangou.nta.go.jp/download/{sabun,zenken}/index.html     download pages (form, token, doDownload rows)
  www.houjin-bangou.nta.go.jp/download/sabun/[unicode/|xml/]diff_20261101.zip          diff file, 3 formats
  www.houjin-bangou.nta.go.jp/download/zenken/[unicode/|xml/]NN_name_all_20261031.zip  full files, 3 formats
  www.houjin-bangou.nta.go.jp/DOWNLOADS.md                           file numbers → files (not served)

Run from anywhere: python3 replica/tools/make_fixtures.py   (only the houjin files: … make_fixtures.py houjin)
Needs: openpyxl, reportlab, and the IPA Gothic TTF (Debian fonts-ipafont-gothic).
Output is deterministic (fixed zip timestamps, fixed PDF metadata) so re-runs do not churn git.
"""

import io
import os
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def out(rel):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def check_digit(base12):
    """法人番号 check digit: weights 1 (odd) / 2 (even) from the right; 9 - (sum mod 9)."""
    s = 0
    for i, ch in enumerate(reversed(base12)):
        s += int(ch) * (1 if (i + 1) % 2 == 1 else 2)
    return str(9 - s % 9) + base12


# ---------------------------------------------------------------- e-再生医療 lists
CRLF = "\r\n"

# (facility cell, prefecture, address, 区分, title, committee, status, plan code, attachments)
PLANS_2 = [
    ("医療法人社団蒼天会" + CRLF + "銀座アオバ再生クリニック", "東京都", "中央区銀座4丁目9番13号　アオバビル5階",
     "治療", "自己脂肪由来間葉系幹細胞を用いた慢性疼痛の治療", "東京セル再生医療等委員会",
     "中止（令和7年10月3日）", "02C2406012", 2),
    ("銀座アオバ再生クリニック", "東京都", "中央区銀座４－９－１３　アオバビル５階",
     "治療", "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療", "東京セル再生医療等委員会",
     "中止（令和7年10月3日）", "02C2407031", 1),
    ("さくら幹細胞クリニック", "大阪府", "大阪市北区梅田2丁目5番8号",
     "治療", "自己脂肪由来幹細胞による変形性膝関節症の治療", "なにわ特定認定再生医療等委員会",
     "提供中", "02E1910156", 2),
    ("医療法人和光会　梅田さくらクリニック", "大阪府", "大阪市北区梅田２－５－８",
     "治療", "自己脂肪由来幹細胞を用いた変形性膝関節症治療（第２版）", "なにわ特定認定再生医療等委員会",
     "提供中", "02E2304020", 1),
    ("うめだ再生医療クリニック", "大阪府", "大阪市北区梅田2-5-8 さくらビル3F",
     "治療", "自己脂肪由来間葉系幹細胞を用いた肩関節周囲炎の治療", "なにわ特定認定再生医療等委員会",
     "提供中", "02E2508011", 1),
    ("表参道セルクリニック", "東京都", "港区北青山3丁目6番1号",
     "治療", "自己脂肪由来幹細胞を用いたアトピー性皮膚炎の治療", "東京セル再生医療等委員会",
     "提供中", "02C2102045", 1),
    ("医療法人博愛セル会 表参道セルクリニック", "福岡県", "福岡市中央区天神2丁目3番10号",
     "治療", "自己脂肪由来幹細胞を用いた変形性股関節症の治療", "九州再生医療等委員会",
     "提供中", "02G2111007", 1),
    ("新宿セルクリニック", "東京都", "新宿区西新宿1丁目20番3号　新宿セントラルビル3階",
     "治療", "自己脂肪由来幹細胞を用いた糖尿病性足潰瘍の治療", "東京セル再生医療等委員会",
     "提供中", "02C2205012", 1),
    ("医療法人社団セルズ会" + CRLF + "新宿セルズクリニック", "東京都", "新宿区西新宿1-20-3 新宿セントラルビル8階",
     "治療", "自己脂肪由来幹細胞を用いた慢性腰痛の治療", "東京セル再生医療等委員会",
     "提供中", "02C2209044", 1),
    ("医療法人 玄海会 博多リジェネクリニック", "福岡県", "福岡市博多区博多駅前3丁目2番1号",
     "治療", "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療", "九州再生医療等委員会",
     "提供中", "02G2203015", 2),
    ("名古屋栄セルクリニック", "愛知県", "名古屋市中区栄3丁目15番6号",
     "治療", "自己脂肪由来幹細胞を用いた変形性膝関節症の治療", "中部再生医療等委員会",
     "提供中", "02D2106021", 1),
    ("札幌ノースセルクリニック", "北海道", "札幌市中央区北1条西4丁目2番",
     "治療", "自己骨髄由来間葉系幹細胞を用いた脳梗塞後遺症の治療", "北海道再生医療等委員会",
     "提供中", "02A2001003", 1),
    ("仙台青葉再生クリニック", "宮城県", "仙台市青葉区一番町3丁目1番1号",
     "治療", "自己脂肪由来幹細胞を用いた変形性膝関節症の治療", "東北再生医療等委員会",
     "提供中", "02B2103008", 1),
    ("国立大学法人東都大学医学部附属病院", "東京都", "文京区本郷7丁目3番1号",
     "研究", "自己骨髄単核球細胞を用いた重症下肢虚血の臨床研究", "東都大学特定認定再生医療等委員会",
     "提供中", "02C1905001", 3),
    ("京都からすま再生医療クリニック", "京都府", "京都市中京区烏丸通御池下る虎屋町566番地",
     "治療", "自己脂肪由来幹細胞を用いた慢性疼痛の治療", "なにわ特定認定再生医療等委員会",
     "終了（令和6年3月31日）", "02E2012033", 1),
    ("広島ベイ幹細胞クリニック", "広島県", "広島市中区紙屋町1丁目2番22号",
     "治療", "自己脂肪由来幹細胞を用いた変形性膝関節症の治療", "中四国再生医療等委員会",
     "提供中", "02F2104009", 1),
    ("横浜みなとみらい再生クリニック", "神奈川県", "横浜市西区みなとみらい2丁目3番5号",
     "治療", "自己脂肪由来幹細胞を用いた肝機能障害の治療", "東京セル再生医療等委員会",
     "提供中", "02C2110027", 1),
    ("ＡＢＣ　ＣＬＩＮＩＣ　東京", "東京都", "渋谷区神宮前５丁目１０番１号",
     "治療", "自己脂肪由来幹細胞を用いた薄毛の治療", "東京セル再生医療等委員会",
     "提供中", "02C2301005", 1),
    ("ABC CLINIC 東京", "東京都", "渋谷区神宮前5-10-1",
     "治療", "自己脂肪由来幹細胞を用いた皮膚のしわの治療", "東京セル再生医療等委員会",
     "提供中", "02C2303019", 1),
    ("那覇マリン再生クリニック", "沖縄県", "那覇市久茂地1丁目1番1号",
     "治療", "自己脂肪由来幹細胞を用いた変形性膝関節症の治療", "九州再生医療等委員会",
     "提供中", "02G2306018", 1),
]

PLANS_3 = [
    ("医療法人社団蒼天会 銀座アオバ再生クリニック", "東京都", "中央区銀座4丁目9番13号 アオバビル5階",
     "治療", "自己血由来多血小板血漿（PRP）を用いた皮膚の若返り治療", "銀座美容再生医療等委員会",
     "中止（令和7年10月3日）", "03C2405007", 1),
    ("銀座ミライ整形クリニック", "東京都", "中央区銀座4-9-13 アオバビル5階",
     "治療", "多血小板血漿を用いた変形性膝関節症の治療", "銀座美容再生医療等委員会",
     "終了（令和8年2月10日）", "03C2511002", 1),
    ("医療法人社団光明会　銀座ルミナスクリニック", "東京都", "中央区銀座４丁目９番１３号　アオバビル５階",
     "治療", "多血小板血漿を用いた毛髪再生治療", "銀座美容再生医療等委員会",
     "提供中", "03C2603001", 1),
    ("梅田さくらクリニック", "大阪府", "大阪市北区梅田2丁目5番8号",
     "治療", "PRPを用いた皮膚の若返り治療", "なにわ特定認定再生医療等委員会",
     "提供中", "03E2306012", 1),
    ("医療法人玄海会" + CRLF + "博多リジェネクリニック", "福岡県", "福岡市博多区博多駅前３丁目２番１号",
     "治療", "自己皮膚由来線維芽細胞を用いた皮膚のしわの治療", "九州再生医療等委員会",
     "提供中", "03G2203016", 1),
    ("新宿ｾﾙｸﾘﾆｯｸ", "東京都", "新宿区西新宿1-20-3 新宿セントラルビル3F",
     "治療", "多血小板血漿を用いたスポーツ外傷の治療", "東京セル再生医療等委員会",
     "提供中", "03C2208031", 1),
    ("渋谷ＰＲＰクリニック", "東京都", "渋谷区道玄坂2丁目10番7号",
     "治療", "多血小板血漿を用いた皮膚潰瘍の治療", "東京セル再生医療等委員会",
     "提供中", "03C2004011", 1),
    ("大宮ひざ関節クリニック", "埼玉県", "さいたま市大宮区桜木町1丁目7番5号",
     "治療", "PRPを用いた変形性膝関節症の治療", "東京セル再生医療等委員会",
     "提供中", "03C2106007", 1),
    ("医療法人社団潮風会　千葉みなと整形外科", "千葉県", "千葉市中央区中央港1丁目20番1号",
     "治療", "多血小板血漿を用いた腱・靱帯損傷の治療", "東京セル再生医療等委員会",
     "提供中", "03C2202019", 1),
    ("神戸元町スキンクリニック", "兵庫県", "神戸市中央区元町通3丁目2番5号",
     "治療", "多血小板血漿を用いた皮膚の若返り治療", "なにわ特定認定再生医療等委員会",
     "提供中", "03E2009023", 1),
    ("福岡天神ひふ科", "福岡県", "福岡市中央区天神1丁目12番3号",
     "治療", "多血小板血漿を用いたざ瘡瘢痕の治療", "九州再生医療等委員会",
     "提供中", "03G2105004", 1),
    ("札幌大通りスキンクリニック", "北海道", "札幌市中央区大通西5丁目8番",
     "治療", "多血小板血漿を用いた皮膚の若返り治療", "北海道再生医療等委員会",
     "提供中", "03A2207010", 1),
    ("静岡駿府整形外科", "静岡県", "静岡市葵区追手町9番6号",
     "治療", "多血小板血漿を用いた変形性膝関節症の治療", "中部再生医療等委員会",
     "提供中", "03D2010015", 1),
    ("岡山表町クリニック", "岡山県", "岡山市北区表町1丁目4番64号",
     "治療", "多血小板血漿を用いた歯周組織再生の治療", "中四国再生医療等委員会",
     "提供中", "03F2112006", 1),
    ("松山城下クリニック", "愛媛県", "松山市一番町4丁目1番2号",
     "治療", "多血小板血漿を用いた変形性膝関節症の治療", "中四国再生医療等委員会",
     "提供中", "03F2203013", 1),
    ("熊本水前寺整形外科", "熊本県", "熊本市中央区水前寺6丁目18番1号",
     "治療", "多血小板血漿を用いた腱鞘炎の治療", "九州再生医療等委員会",
     "提供中", "03G2301021", 1),
    ("金沢ひがし整形外科", "石川県", "金沢市東山1丁目13番7号",
     "治療", "多血小板血漿を用いた足底腱膜炎の治療", "中部再生医療等委員会",
     "提供中", "03D2207014", 1),
]


def esaisei_page(kind, rows):
    label = {2: "第二種", 3: "第三種"}[kind]
    h = []
    h.append('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="UTF-8">\n')
    h.append("<title>公開計画一覧（%s再生医療等提供計画）｜e-再生医療</title>\n</head>\n<body>\n" % label)
    h.append('<div id="header"><a href="/">e-再生医療</a></div>\n')
    h.append("<h2>%s再生医療等提供計画 公開一覧</h2>\n" % label)
    h.append('<table class="list">\n')
    h.append("<tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>区分</th>"
             "<th>再生医療等の名称</th><th>認定再生医療等委員会</th><th>提供状況</th><th>資料</th></tr>\n")
    for fac, pref, addr, purpose, title, committee, status, code, n in rows:
        links = " ".join(
            '<a href="/published_plan/download/%s/5/%d">資料%d</a>' % (code, i, i + 1) for i in range(n)
        )
        h.append("<tr>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n<td>%s</td>\n"
                 "<td>%s</td>\n<td>%s</td>\n</tr>\n" % (fac, pref, addr, purpose, title, committee, status, links))
    # A malformed row as the live site sometimes shows (a note spanning the table): must be skipped.
    h.append('<tr><td colspan="8">※ 掲載内容は各医療機関からの届出に基づくものです。</td></tr>\n')
    h.append("</table>\n</body>\n</html>\n")
    with open(out("saiseiiryo.mhlw.go.jp/published_plan/index/%d/index.html" % kind), "w",
              encoding="utf-8", newline="") as f:
        f.write("".join(h))


# ---------------------------------------------------------------- 2017 MHLW release (Shift_JIS)
RELEASE_2017 = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<meta charset="Shift_JIS">
<title>再生医療等の安全性の確保等に関する法律に基づく緊急命令について｜厚生労働省</title>
</head>
<body>
<div id="breadcrumb"><a href="/">ホーム</a> &gt; <a href="/stf/houdou/">報道・広報</a> &gt; 報道発表資料 &gt; 2017年6月 &gt; 再生医療等の安全性の確保等に関する法律に基づく緊急命令について</div>
<div id="contents">
<div class="l-contentBody">
<p class="date">平成29年6月27日</p>
<div class="inquiry">
<p>【照会先】</p>
<p>医政局研究開発振興課</p>
<p>再生医療等研究推進室</p>
<p>室長補佐　架空　太郎（内線2561）</p>
<p>（代表電話）03(5253)1111</p>
</div>
<p>報道関係者各位</p>
<h1>再生医療等の安全性の確保等に関する法律に基づく緊急命令について</h1>
<p>　厚生労働省は、「白鷺臍帯血クリニック」（東京都渋谷区、管理者　佐藤　健）に対し、再生医療等の安全性の確保等に関する法律（平成２５年法律第８５号。以下「法」という。）第２４条第２項に基づく立入検査を行ったところ、法に違反して再生医療等提供計画を提出せずに臍帯血を用いた再生医療等を提供していたことが確認されたため、本日付けで、法第２２条に基づき、再生医療等の提供の一時停止を命じました。</p>
<p>【確認された法律違反】</p>
<ul>
<li>・第二種再生医療等提供計画を厚生労働大臣に提出せずに、他人の臍帯血を用いた再生医療等を提供していた。（法第４条第１項違反）</li>
<li>・特定細胞加工物の製造を、許可を受けていない者に委託していた。（法第４２条違反）</li>
</ul>
<p>【提供の一時停止を命じた再生医療等】</p>
<ul>
<li>・「臍帯血幹細胞を用いた美容目的の治療」</li>
<li>・「臍帯血幹細胞を用いた慢性疲労の治療」</li>
</ul>
<p>【今後の対応】</p>
<p>　厚生労働省としては、引き続き、再生医療等の安全性の確保に努めてまいります。</p>
</div>
</div>
</body>
</html>
"""


def release_2017():
    with open(out("www.mhlw.go.jp/stf/houdou/0000158832.html"), "wb") as f:
        f.write(RELEASE_2017.replace("\n", "\r\n").encode("cp932"))


# ---------------------------------------------------------------- 関東信越 CPC list (xlsx)
CPC_ROWS = [
    ("FC3150021", "銀座アオバ細胞加工センター", "東京都中央区銀座4丁目9番13号　アオバビル6階",
     "医療法人社団蒼天会", "届出", "令和2年4月1日"),
    ("FA3140008", "セルテック横浜 細胞培養センター", "神奈川県横浜市鶴見区末広町1丁目6番",
     "株式会社横浜細胞研究所", "許可", "平成27年3月20日"),
    ("FA3160012", "ネオセル東京ラボ", "東京都港区芝浦3丁目4番1号",
     "株式会社ネオセルジャパン", "許可", "H28.9.1"),
    ("FC3170044", "表参道セル加工室", "東京都港区北青山3丁目6番1号",
     "医療法人社団青山セル会", "届出", "2017/11/15"),
    ("FC3190003", "新宿セル細胞培養室", "東京都新宿区西新宿1丁目20番3号　新宿セントラルビル3階",
     "医療法人社団新宿再生会", "届出", "R1.7.1"),
    ("FC3240009", "渋谷ＰＲＰラボ", "東京都渋谷区道玄坂2丁目10番7号",
     "医療法人社団道玄会", "届出", "令和6年2月15日"),
]


def cpc_xlsx():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "細胞培養加工施設一覧"
    ws.append(["関東信越厚生局管内 特定細胞加工物製造事業者（細胞培養加工施設）一覧"])
    ws.append(["令和8年10月31日現在"])
    ws.append([])
    ws.append(["施設番号", "細胞培養加工施設の名称", "所在地", "許可・届出をした者の氏名又は名称",
               "許可・届出の別", "許可・届出年月日"])
    for r in CPC_ROWS:
        ws.append(list(r))
    ws.append(["（注）", "届出施設は医療機関内の施設です。"])
    wb.properties.creator = "kantoshinetsu"
    import datetime
    fixed = datetime.datetime(2026, 10, 31, 9, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps zip entries with the current time; rewrite with a fixed one.
    members = []
    for name, data in zip_members(buf.getvalue()):
        if name == "docProps/core.xml":
            # openpyxl stamps the save time into dcterms:modified; pin it.
            import re
            data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                          rb"\g<1>2026-10-31T09:00:00Z\g<2>", data)
        members.append((name, data))
    write_zip_deterministic(out("kouseikyoku.mhlw.go.jp/kinki/iji/saisei/000871234.xlsx"), members)


def zip_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write_zip_deterministic(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 10, 31, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# ---------------------------------------------------------------- 東海北陸 PDF-only order
PDF_LINES = [
    "令和7年12月3日",
    "東海北陸厚生局",
    "再生医療等の安全性の確保等に関する法律に基づく改善命令について",
    "東海北陸厚生局長は、本日、再生医療等の安全性の確保等に関する法律（平成25年法律第85号。",
    "以下「法」という。）第23条第1項の規定に基づき、下記の者に対し改善命令を行いました。",
    "記",
    "第1 被処分者等",
    "氏　　名　佐藤　健（医療法人栄樹会 名古屋栄セルクリニック管理者）",
    "所 在 地　愛知県名古屋市中区栄3丁目15番6号",
    "計 画 名　自己脂肪由来幹細胞を用いた変形性膝関節症の治療（計画番号 02D2106021）",
    "（以下「膝治療」とする）",
    "第2 命令の理由",
    "1 膝治療について、認定再生医療等委員会の意見を聴かずに提供計画を変更し、再生医療等を",
    "提供していた。（法第5条第1項違反）",
    "2 膝治療について、再生医療等を受ける者に対する説明及び同意の記録を作成していなかった。",
    "（法第16条違反）",
    "第3 命令の内容",
    "1 提供計画の変更手続を適正に行うための手順書を作成し、従業者に周知すること。",
    "2 上記1の改善措置の内容を令和8年1月9日までに東海北陸厚生局長あて文書で報告すること。",
]


def order_pdf():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"
    pdfmetrics.registerFont(TTFont("IPAGothic", font))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("改善命令について")
    c.setFont("IPAGothic", 10.5)
    y = 800
    for line in PDF_LINES:
        c.drawString(60, y, line)
        y -= 22
    c.showPage()
    c.save()
    with open(out("kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou/000987654.pdf"), "wb") as f:
        f.write(buf.getvalue())


# ---------------------------------------------------------------- 法人番号 files
SOTEN = check_digit("010405012345")      # 医療法人社団蒼天会 → 翠嶺会
KOMYO = check_digit("010405023456")      # 医療法人社団光明会 (new, 2026)
WAKO = check_digit("120105045678")       # 医療法人和光会 (大阪)
CELLTEC = check_digit("020001056789")    # 株式会社セルテック横浜 → 横浜細胞研究所 → merged
NEOCELL = check_digit("010401067890")    # 株式会社ネオセルジャパン (survivor)
MINATO = check_digit("120001078901")     # 株式会社ミナトバイオ
AOYAMA = check_digit("010401090123")     # 医療法人社団青山セル会 (表参道, 東京)
HAKUAI = check_digit("400105112345")     # 医療法人博愛セル会 (表参道, 福岡)
SHINJUKU = check_digit("010405123456")   # 医療法人社団新宿再生会
CELLS = check_digit("010405145678")      # 医療法人社団セルズ会
GENKAI = check_digit("400105167890")     # 医療法人玄海会
SHIRASAGI = check_digit("010405034567")  # 医療法人社団白鷺会 (2017 case)
EIJU = check_digit("010405156789")       # 医療法人栄樹会 (名古屋)


def row(seq, no, process, update, change, name, kind, pref, city, street, prefcode, citycode, post,
        close_date="", close_cause="", successor="", change_cause="", assign="", latest="1",
        en_name="", furigana="", correct="0"):
    return [str(seq), no, process, correct, update, change, name, "", kind, pref, city, street, "",
            prefcode, citycode, post, "", "", close_date, close_cause, successor, change_cause, assign,
            latest, en_name, "", "", "", furigana, "0"]


def full_rows():
    """Current state of every corporation (latest = 1), as a monthly full file lists them."""
    return [
        row(1, SOTEN, "11", "2025-11-05", "2025-11-01", "医療法人社団翠嶺会", "399", "東京都", "中央区",
            "銀座４丁目９－１３", "13", "102", "1040061", assign="2015-10-05", furigana="スイレイカイ"),
        row(2, KOMYO, "01", "2026-02-06", "2026-02-02", "医療法人社団光明会", "399", "東京都", "中央区",
            "銀座４丁目９－１３", "13", "102", "1040061", assign="2026-02-02", furigana="コウミョウカイ"),
        row(3, WAKO, "01", "2015-10-05", "2015-10-05", "医療法人和光会", "399", "大阪府", "大阪市北区",
            "梅田２丁目５－８", "27", "127", "5300001", assign="2015-10-05", furigana="ワコウカイ"),
        row(4, CELLTEC, "21", "2024-04-03", "2024-04-01", "株式会社横浜細胞研究所", "301", "神奈川県",
            "横浜市鶴見区", "末広町１丁目６", "14", "101", "2300045", close_date="2024-04-01",
            close_cause="11", successor=NEOCELL, assign="2015-10-05",
            en_name="Yokohama Cell Research Institute Co., Ltd.", furigana="ヨコハマサイボウケンキュウショ"),
        row(5, NEOCELL, "71", "2024-04-03", "2024-04-01", "株式会社ネオセルジャパン", "301", "東京都", "港区",
            "芝浦３丁目４－１", "13", "103", "1080023", assign="2015-10-05",
            en_name="NeoCell Japan Inc.", furigana="ネオセルジャパン"),
        row(6, MINATO, "01", "2015-10-05", "2015-10-05", "株式会社ミナトバイオ", "301", "大阪府",
            "大阪市港区", "築港２丁目８－２４", "27", "107", "5520021", assign="2015-10-05",
            furigana="ミナトバイオ"),
        row(7, AOYAMA, "01", "2015-10-05", "2015-10-05", "医療法人社団青山セル会", "399", "東京都", "港区",
            "北青山３丁目６－１", "13", "103", "1070061", assign="2015-10-05", furigana="アオヤマセルカイ"),
        row(8, HAKUAI, "01", "2016-04-01", "2016-03-28", "医療法人博愛セル会", "399", "福岡県",
            "福岡市中央区", "天神２丁目３－１０", "40", "133", "8100001", assign="2016-03-28",
            furigana="ハクアイセルカイ"),
        row(9, SHINJUKU, "01", "2015-10-05", "2015-10-05", "医療法人社団新宿再生会", "399", "東京都",
            "新宿区", "西新宿１丁目２０－３", "13", "104", "1600023", assign="2015-10-05",
            furigana="シンジュクサイセイカイ"),
        row(10, CELLS, "01", "2019-06-10", "2019-06-03", "医療法人社団セルズ会", "399", "東京都", "新宿区",
            "西新宿１丁目２０－３", "13", "104", "1600023", assign="2019-06-03", furigana="セルズカイ"),
        row(11, GENKAI, "01", "2015-10-05", "2015-10-05", "医療法人玄海会", "399", "福岡県",
            "福岡市博多区", "博多駅前３丁目２－１", "40", "132", "8120011", assign="2015-10-05",
            furigana="ゲンカイカイ"),
        row(12, SHIRASAGI, "21", "2018-09-05", "2018-08-31", "医療法人社団白鷺会", "399", "東京都", "渋谷区",
            "宇田川町３１－２", "13", "113", "1500042", close_date="2018-08-31", close_cause="01",
            assign="2015-10-05", furigana="シラサギカイ"),
        row(13, EIJU, "01", "2015-10-05", "2015-10-05", "医療法人栄樹会", "399", "愛知県", "名古屋市中区",
            "栄３丁目１５－６", "23", "106", "4600008", assign="2015-10-05", furigana="エイジュカイ"),
    ]


def diff_rows():
    """History rows (latest = 0 for superseded states) as the daily diff files carried them."""
    return [
        row(1, SOTEN, "01", "2015-10-05", "2015-10-05", "医療法人社団蒼天会", "399", "東京都", "中央区",
            "銀座４丁目９－１３", "13", "102", "1040061", assign="2015-10-05", latest="0",
            furigana="ソウテンカイ"),
        row(2, SOTEN, "11", "2025-11-05", "2025-11-01", "医療法人社団翠嶺会", "399", "東京都", "中央区",
            "銀座４丁目９－１３", "13", "102", "1040061", assign="2015-10-05", furigana="スイレイカイ"),
        row(3, CELLTEC, "01", "2015-10-05", "2015-10-05", "株式会社セルテック横浜", "301", "神奈川県",
            "横浜市鶴見区", "末広町１丁目６", "14", "101", "2300045", assign="2015-10-05", latest="0",
            furigana="セルテックヨコハマ"),
        row(4, CELLTEC, "11", "2019-07-03", "2019-07-01", "株式会社横浜細胞研究所", "301", "神奈川県",
            "横浜市鶴見区", "末広町１丁目６", "14", "101", "2300045", assign="2015-10-05", latest="0",
            furigana="ヨコハマサイボウケンキュウショ"),
        row(5, CELLTEC, "21", "2024-04-03", "2024-04-01", "株式会社横浜細胞研究所", "301", "神奈川県",
            "横浜市鶴見区", "末広町１丁目６", "14", "101", "2300045", close_date="2024-04-01",
            close_cause="11", successor=NEOCELL, assign="2015-10-05",
            en_name="Yokohama Cell Research Institute Co., Ltd.", furigana="ヨコハマサイボウケンキュウショ"),
        row(6, NEOCELL, "71", "2024-04-03", "2024-04-01", "株式会社ネオセルジャパン", "301", "東京都", "港区",
            "芝浦３丁目４－１", "13", "103", "1080023", assign="2015-10-05",
            en_name="NeoCell Japan Inc.", furigana="ネオセルジャパン"),
        row(7, KOMYO, "01", "2026-02-06", "2026-02-02", "医療法人社団光明会", "399", "東京都", "中央区",
            "銀座４丁目９－１３", "13", "102", "1040061", assign="2026-02-02", furigana="コウミョウカイ"),
        # A malformed row (truncated, as a broken download would give): the adapter must skip it.
        ["8", "12345", "01"],
    ]


def csv_sjis(rows):
    lines = []
    for r in rows:
        lines.append(",".join('"%s"' % c if c else "" for c in r))
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


HOUJIN = "www.houjin-bangou.nta.go.jp"
TOKEN_FIELD = "jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token"
# The token written into the stored pages; the replica server replaces it per session.
PAGE_TOKEN = "5d0c7b2e-4a1f-4c39-9e8a-2b6f1d3c7a90"
FULL_DATE = "20261031"   # 令和8年10月31日更新
DIFF_DATE = "20261101"   # 令和8年11月1日
# The download pages' three sections: (h2 id, heading, storage subdirectory, member suffix).
SECTIONS = [("csv-sjis", "CSV形式・Shift_JIS", "", "csv"),
            ("csv-unicode", "CSV形式・Unicode", "unicode/", "csv"),
            ("xml-unicode", "XML形式・Unicode", "xml/", "xml")]
# Regions of the fictional world with a full file: (JIS code, name, romaji, 地方).
REGIONS = [("00", "全国", "zenkoku", None), ("13", "東京都", "tokyo", "関東"),
           ("14", "神奈川県", "kanagawa", "関東"), ("23", "愛知県", "aichi", "中部"),
           ("27", "大阪府", "osaka", "近畿"), ("40", "福岡県", "fukuoka", "九州・沖縄")]


def csv_utf8(rows):
    lines = []
    for r in rows:
        lines.append(",".join('"%s"' % c if c else "" for c in r))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


XML_FIELDS = ["sequenceNumber", "corporateNumber", "process", "correct", "updateDate", "changeDate",
              "name", "nameImageId", "kind", "prefectureName", "cityName", "streetNumber",
              "addressImageId", "prefectureCode", "cityCode", "postCode", "addressOutside",
              "addressOutsideImageId", "closeDate", "closeCause", "successorCorporateNumber",
              "changeCause", "assignmentDate", "latest", "enName", "enPrefectureName", "enCityName",
              "enAddressOutside", "furigana", "hihyoji"]


def xml_utf8(rows, date):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<corporations><lastUpdateDate>%s</lastUpdateDate><count>%d</count>"
           "<divideNumber>1</divideNumber><divideSize>1</divideSize>" % (date, len(rows))]
    for r in rows:
        from xml.sax.saxutils import escape
        fields = "".join("<%s>%s</%s>" % (f, escape(v), f) if v else "<%s/>" % f
                         for f, v in zip(XML_FIELDS, r))
        out.append("<corporation>%s</corporation>" % fields)
    out.append("</corporations>")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def signature(member):
    """A fictional detached signature (does not verify), as the real zips carry one."""
    import hashlib
    digest = hashlib.sha256(member.encode()).hexdigest()
    return ("-----BEGIN PGP SIGNATURE-----\r\nComment: fictional signature of the mieru replica, "
            "does not verify\r\n\r\n%s\r\n=%s\r\n-----END PGP SIGNATURE-----\r\n"
            % (digest, digest[:4])).encode("ascii")


def body(section, rows, date):
    if section == "xml-unicode":
        return xml_utf8(rows, date)
    return csv_utf8(rows) if section == "csv-unicode" else csv_sjis(rows)


def renumbered(rows):
    return [[str(i + 1)] + r[1:] for i, r in enumerate(rows)]


def houjin_files():
    """Every downloadable file: (page, section, region code or None, stored path, name)."""
    files = []
    for sec, _, sub, ext in SECTIONS:
        stem = "diff_" + DIFF_DATE
        path = "download/sabun/%s%s.zip" % (sub, stem)
        write_zip_deterministic(out("%s/%s" % (HOUJIN, path)),
                                [("%s.%s" % (stem, ext), body(sec, diff_rows(), "2026-11-01")),
                                 ("%s.%s.asc" % (stem, ext), signature(stem))])
        files.append(("download/sabun/index.html", sec, None, path, stem + ".zip"))
        for code, _, romaji, _ in REGIONS:
            stem = "%s_%s_all_%s" % (code, romaji, FULL_DATE)
            rows = full_rows() if code == "00" else renumbered([r for r in full_rows() if r[13] == code])
            path = "download/zenken/%s%s.zip" % (sub, stem)
            write_zip_deterministic(out("%s/%s" % (HOUJIN, path)),
                                    [("%s.%s" % (stem, ext), body(sec, rows, "2026-10-31")),
                                     ("%s.%s.asc" % (stem, ext), signature(stem))])
            files.append(("download/zenken/index.html", sec, code, path, stem + ".zip"))
    # File numbers as the site gives them: unrelated to the names, new at every publication.
    return [(page, sec, code, path, name, 18301 + i) for i, (page, sec, code, path, name) in enumerate(files)]


def size_label(path):
    return "zip %dKB" % max(1, (os.path.getsize(out("%s/%s" % (HOUJIN, path))) + 1023) // 1024)


FORM_HEAD = """<form id="appForm" action="/download/%s/index.html" method="post"><div><input type="hidden" name="%s" value="%s"/></div>
<input type="hidden" name="event" id="event" value="download">
<input type="hidden" name="selDlFileNo" id="selDlFileNo">
<div class="inBox21">
"""

PAGE_TAIL = """</div>
</form>
<script type="text/javascript">
function doDownload(fileNo) {
    $("#selDlFileNo").val(fileNo);
    $("#appForm").submit();
    return false;
}
</script>
<p class="source">ダウンロードしたデータを利用する場合は、出典を記載してください。（記載例）出典：国税庁法人番号公表サイト（国税庁）</p>
</div>
<div id="footer"><p>Copyright National Tax Agency Japan All Rights Reserved.</p></div>
</body>
</html>
"""


def page_head(title, slug, lead):
    return ("""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>%s｜国税庁法人番号公表サイト</title>
</head>
<body>
<div id="header"><p class="logo"><a href="/">国税庁法人番号公表サイト</a></p></div>
<p class="breadcrumb"><a href="/">ホーム</a> &gt; <a href="/download/">基本3情報ダウンロード</a> &gt; %s</p>
<div id="contents">
<h1 class="title">%s</h1>
%s
""" % (title, title, title, lead)) + FORM_HEAD % (slug, TOKEN_FIELD, PAGE_TOKEN)


def sabun_page(files):
    html = page_head("差分データダウンロード", "sabun",
                     "<p>前日に法人番号が指定された法人等及び前日に商号又は名称、所在地等の変更があった法人等の"
                     "基本3情報を、差分データとして提供しています。差分データは過去40日分を掲載しています。</p>")
    for k, (sec, heading, _, _) in enumerate(SECTIONS):
        html += '<h2 class="title" id="%s">%s</h2>\n<table class="tbl03">\n' % (sec, heading)
        html += '<thead><tr><th scope="col">更新日</th><th scope="col">ファイル</th></tr></thead>\n<tbody>\n'
        for page, s, _, path, _, no in files:
            if page == "download/sabun/index.html" and s == sec:
                html += ('<tr class="type%d_corpHistory1">\n<th scope="row">\n    令和8年11月1日\n</th>\n<td>\n'
                         '        <a href="#" onclick="return doDownload(%d);">%s</a><br>\n</td>\n</tr>\n'
                         % (k, no, size_label(path)))
        html += "</tbody>\n</table>\n"
    return html + PAGE_TAIL


def zenken_page(files):
    html = page_head("全件データダウンロード", "zenken",
                     "<p>公表している全ての法人等の月末時点の最新情報を、全国又は所在地（都道府県及び国外）の単位で"
                     "提供しています。</p>")
    for sec, heading, _, _ in SECTIONS:
        html += ('<h2 class="title" id="%s">%s</h2>\n<p class="txtS">\n    令和8年10月31日更新\n</p>\n'
                 '<table class="tbl02">\n<tbody>\n' % (sec, heading))
        groups = []
        for code, name, _, area in REGIONS:
            if not groups or groups[-1][0] != (area or name):
                groups.append((area or name, []))
            groups[-1][1].append((code, name))
        for area, members in groups:
            html += '<tr>\n<th scope="row">%s</th>\n' % area
            for code, name in members:
                no, path = next((n, p) for pg, s, c, p, _, n in files if s == sec and c == code)
                html += ('<td>\n  <dl class="mb00">\n    <dt class="mb05">%s</dt>\n    <dd>\n'
                         '      <ol class="listNone mb00">\n          <li><a href="#" onclick="return doDownload(%d);">%s</a></li>\n'
                         '      </ol>\n    </dd>\n  </dl>\n</td>\n' % (name, no, size_label(path)))
            html += "</tr>\n"
        html += "</tbody>\n</table>\n"
    return html + PAGE_TAIL


def houjin_site():
    files = houjin_files()
    with open(out(HOUJIN + "/download/sabun/index.html"), "w", encoding="utf-8") as f:
        f.write(sabun_page(files))
    with open(out(HOUJIN + "/download/zenken/index.html"), "w", encoding="utf-8") as f:
        f.write(zenken_page(files))
    lines = ["# Form downloads of the replica (not served)", "",
             "The download pages post `event=download&selDlFileNo=N` with the session's token; the replica",
             "answers with the file of that page and number. Generated by `tools/make_fixtures.py`.", "",
             "token field: `%s`" % TOKEN_FIELD, "",
             "| page | number | file | name |", "|---|---|---|---|"]
    for page, _, _, path, name, no in files:
        lines.append("| %s | %d | %s | %s |" % (page, no, path, name))
    with open(out(HOUJIN + "/DOWNLOADS.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["houjin"]:
        houjin_site()
        sys.exit(0)
    esaisei_page(2, PLANS_2)
    esaisei_page(3, PLANS_3)
    release_2017()
    cpc_xlsx()
    order_pdf()
    houjin_site()
    for n, v in [("SOTEN", SOTEN), ("KOMYO", KOMYO), ("WAKO", WAKO), ("CELLTEC", CELLTEC),
                 ("NEOCELL", NEOCELL), ("MINATO", MINATO), ("AOYAMA", AOYAMA), ("HAKUAI", HAKUAI),
                 ("SHINJUKU", SHINJUKU), ("CELLS", CELLS), ("GENKAI", GENKAI), ("SHIRASAGI", SHIRASAGI),
                 ("EIJU", EIJU)]:
        print(n, v)
