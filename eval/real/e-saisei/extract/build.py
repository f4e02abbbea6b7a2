import json, unicodedata, re, html, collections, random, os, itertools
from load import load, key, strip_corp, norm, CORP
OUT='/work/main/eval/real/e-saisei/'
rows=load()
# no plan code may appear twice (overlapping pages were trimmed by hand: p2_0322 lost the 42 rows also in p2_0328)
_dup=[c for c,n in collections.Counter(r['code'] for r in rows).items() if n>1]
assert not _dup, _dup
BYCODE={r['code']:r for r in rows}

# =====================================================================================
# HAND DECISIONS (all reviewed by hand; see LABELS.md, which is generated from these tables)
# Proposal = same prefecture + auto key (load.key: NFKC, whitespace/CR LF removed, upper-cased,
# leading corporation stripped). The tables below correct the proposal.
# =====================================================================================

# KEY_FIX: code -> key, where load.key cuts the name in a misleading place (no merge implied).
KEY_FIX={
 '01C2609015':'早稲田駅前歯科矯正歯科',  # `医療法人社団育秀会早稲田駅前歯科 矯正歯科`: key split at the space and kept only 矯正歯科
}

# MERGE: (code_a, code_b, case, reason) -> the rows' entities are one facility.
# Only needed where the auto key does not already put them together.
MERGE=[
 # --- corporation glued to / written apart from the clinic name (auto key cut in the wrong place) ---
 ('01E2602009','01E2512009','separator_crlf_space','`医療法人鳳翔会Blu CLINIC.大阪院` has the corporation glued to the clinic; same clinic as `医療法人 鳳翔会　Blu CLINIC. 大阪院` (大阪府)'),
 ('02E2405009','03E2409028','separator_crlf_space','そばじまクリニック ニューオータニ大阪院: three spellings split the branch name differently (`そばじまクリニック　ニューオータニ大阪院` / `そばじまクリニックニューオータニ大阪院`); same corporation 再生会, same branch'),
 ('03E2409029','03E2409028','separator_crlf_space','そばじまクリニック ニューオータニ大阪院: `医療法人再生会そばじまクリニック　ニューオータニ大阪院` (no space after the corporation) = the same branch'),
 ('01C2003055','02C2305004','with_or_without_corporation','松倉クリニック (東京都): `松徳会　松倉クリニック` writes the corporation without 医療法人社団, so load.key kept 松徳会; same corporation and clinic as `医療法人社団松徳会 松倉クリニック`'),
 ('01C2003056','01C2305027','with_or_without_corporation+separator_crlf_space','松倉クリニック代官山 (東京都): `松徳会　松倉クリニック　代官山` (corporation type missing, U+3000 before 代官山) = `医療法人社団松徳会 松倉クリニック代官山`'),
 ('01C2006001','02C2212007','corporation_name_repeated','BTRアーツ銀座クリニック (東京都): `医療法人社団秀博会 秀博会 BTRアーツ銀座クリニック` repeats the corporation name; same clinic as `医療法人社団秀博会 BTRアーツ銀座クリニック`'),
 ('03D2510004','03D2510005','separator_crlf_space','十全記念病院 (静岡県): `医療法人 社団 明徳会 十全記念病院` splits 医療法人社団 with spaces, which load.key reads as corporation `社団`; same as `医療法人社団明徳会 十全記念病院`'),
 # --- punctuation variants (not folded by NFKC) ---
 ('02C2010012','01C2201030','punctuation','Y\'sサイエンスクリニック広尾 (東京都): curly apostrophe U+2019 (`Y’s`) vs ASCII `Y\'s`; same corporation 康梓会'),
 ('01C2503065','01C2509003','punctuation+with_or_without_corporation','南青山外苑前整形外科リハビリテーション科クリニック (東京都): `…整形外科・リハビリテーション科…` (with ・, no corporation) vs `医療法人社団幹葉会⏎…整形外科リハビリテーション科…`; only the ・ and the corporation differ'),
 ('01E2502001','03E2405005','name_with_latin_alias','ジョイアクリニック京都 (京都府): `ジョイアクリニック京都(Jóia Clinic Kyoto)` only adds the Latin name in parentheses'),
 # --- katakana vs Latin ---
 ('02C2206024','01C2502047','katakana_latin+corporation_variant','Mods Clinic東京院 (東京都): `医療法人長美会モッズクリニック東京院` vs `医療法人社団長美会⏎Mods Clinic東京院`: モッズ = Mods, same corporation name 長美会, same branch 東京院 (corporation type 医療法人 vs 医療法人社団 differs as typed)'),
 # --- medium confidence: same branch, descriptor words differ ---
 ('02D2507011','02D2505002','branch_suffix','Dr. MARI CLINIC 栄 (愛知県): `…Dr. MARI CLINIC 栄` vs `…Dr. MARI CLINIC 栄院`: same corporation (総合麻里メディカル), same place 栄, only 院 added. The 名古屋駅院 branch is kept apart'),
 ('02E2404017','01E2409007','type_word','フォーシーズンズ美容皮膚科 2号院 (兵庫県): `フォーシーズンズ美容皮膚科クリニック2号院` adds the type word クリニック; same chain, same branch number 2号院. Medium confidence. The unnumbered フォーシーズンズ美容皮膚科 (03E2210003) is kept apart'),
 ('03D2212004','03D2407004','department_words','ヴェリテクリニック (愛知県): `医療法人社団輝生会 美容・形成外科ヴェリテクリニック` vs `… 美容外科・形成外科ヴェリテクリニック`: same corporation, only the department wording differs; no branch named in either. Medium confidence (the chain has branches elsewhere, but both rows are 愛知県)'),
 ('03C2607008','03C2607015','department_words','A CLINIC 銀座 (東京都): `医療法人社団永　A CLINIC銀座　美容外科　美容皮膚科　形成外科` vs `医療法人社団永　A CLINIC 銀座院`: same corporation, same place 銀座, plans filed the same month (2607); the first only lists departments. Medium confidence'),
]

# SPLIT: codes taken out of their auto group (kept as their own entity), with the reason.
SPLIT=[
 (('01D2502006',),'藤井歯科医院 (愛知県, no corporation) vs 医療法人晃明会 藤井歯科医院 (02D2301001): same text after the corporation is stripped, but a common surname + 歯科医院 in a large prefecture; different materials (PRGF vs CGF) and dates; no address. Kept apart and listed as undecided'),
]

# UNDECIDED: pairs kept apart in gold.json; the resolver may show them as possible_same.
UNDECIDED=[
 ('01E2505021','01E2303015','AC PLUS CLINIC (大阪府, 9 rows without a branch word) vs AC PLUS CLINIC 心斎橋: the unsuffixed name may be one of the branches written without its branch; the 9 rows also hold two pairs of identical titles, so they may even be two branches typed identically. Kept as one entity because the text is identical and nothing separates them'),
 ('01E2505021','02E2505008','AC PLUS CLINIC (unsuffixed) vs AC PLUS CLINIC天満橋: as above'),
 ('02E2601013','03E2602015','TCB 東京中央美容外科 BSクリニック 梅田大阪駅前院 vs TCB … BSクリニック Prestige 梅田大阪駅前院: same station branch, "Prestige" added — a rename or a second clinic in one building; no address'),
 ('02E2605003','02E2503001','一般社団法人紀祐会 リブオクリニック vs 一般社団法人紀祐会 REVHAUT CLINIC: same corporation; リブオ may be the katakana reading of REVHAUT (katakana vs Latin) — not verifiable here'),
 ('02E2003003','01E1908016','鈴木歯科クリニック vs 鈴木歯科医院 (福井県, both CGF dental plans): common surname, different type word; could be one practice renamed'),
 ('01D2502006','02D2301001','藤井歯科医院 vs 医療法人晃明会 藤井歯科医院 (愛知県): see SPLIT — common name, no address'),
 ('02C2604039','03C2306021','医療法人社団医進会 小田クリニック vs 同 銀座小田クリニック (東京都): same corporation and the same 認知症 plan title; a rename (銀座 dropped) or a second clinic — nothing in the list decides it'),
 ('01C2210027','01C2503037','医療法人社団平成会 たいら整形外科クリニック vs 医療法人社団熊野前医院 たいら整形外科 (東京都): same family name, different corporations, one name has クリニック'),
 ('02C2508038','03C2604033','医療法人湘美会 SBC横浜駅前整形外科クリニック vs SBC整形外科クリニック横浜駅前院 (神奈川県): both SBC orthopaedics at 横浜駅前 — one clinic with the words reordered, or a rename, or two; no address'),
 ('01C2605032','01C2605035','横浜駅前さいとう整形外科・スポーツクリニック vs 医療法人颯成会 さいとう整形クリニック (神奈川県): close plan numbers, but different name endings and only one has 横浜駅前'),
 ('01D2509001','01D2604001','高須クリニック (愛知県, no branch word; 2種 01D2509001/2, 3種 01D2604003–5) vs 医療法人高須クリニック 高須クリニック栄院: the unsuffixed rows filed the same titles as the 栄院 within a month, which suggests a different site, but it could be the 栄院 or the 名古屋院 written without its branch'),
 ('01D2509001','01D2407003','高須クリニック (愛知県, no branch word) vs 高須クリニック名古屋院: as above'),
 ('01E2405007','01E2011011','井上歯科 vs 井上歯科医院 (大阪府, both CGF plans): common surname, 歯科 vs 歯科医院; could be one practice'),
 ('01E2607009','02E1910029','久保歯科医院 vs 医療法人 久保デンタルクリニック (大阪府): 歯科医院 vs デンタルクリニック (Japanese vs katakana type word), common surname; no address'),
]

# HARD NEGATIVES: (code_a, code_b, why) — never the same facility.
HN=[
 # --- branches of one corporation / chain (different branch word) ---
 ('03E2103018','02E2405009','branches of one corporation (医療法人再生会): そばじまクリニック vs そばじまクリニック ニューオータニ大阪院'),
 ('02E2308011','02E2508013','branches of one corporation (医療法人Nクリニック): Nクリニック vs 本町Nクリニック; both filed the same plan titles, so two facilities'),
 ('01E2303015','02E2505008','branches of one chain: AC PLUS CLINIC 心斎橋 vs AC PLUS CLINIC天満橋'),
 ('02C2305004','01C2305027','branches of one corporation (松徳会): 松倉クリニック vs 松倉クリニック代官山; both filed the same title separately'),
 ('01C2110053','01C2110047','branches of one corporation (千美会): ガーデンクリニック池袋院 vs ガーデンクリニック新宿院'),
 ('03C2510028','02C2602018','branches of one corporation (活寿会): 東京ひざ関節症クリニック銀座院 vs 新宿院'),
 ('02C2608020','03C2407073','branches of one corporation (福至会): SPES CLINIC TOKYO BAY 晴海中央医院 vs SPES CLINIC GINZA'),
 ('02C2608022','02C2501001','branches of one corporation (豊饒会): RDクリニック新宿 vs RDクリニック東京銀座'),
 ('02C2501002','01C2009031','one corporation (形星会): 銀座マイアミ美容外科 vs 銀座マイアミ美容外科 SALONE — SALONE is a branch word and both names filed plans in 2025 side by side'),
 ('03C2601089','03C2601080','branches of one chain: 銀座よしえクリニック六本木院 vs 銀座院'),
 ('03C2601059','03C2601023','branches of one chain: 銀座よしえクリニック大岡山院 vs 都立大院 (several branches filed the same title)'),
 ('02C2601038','03C2601086','branches of one chain: 銀座よしえクリニック新宿院 vs 池袋院'),
 ('03C2601078','03C2601080','branches of one chain: 銀座よしえクリニック表参道院 vs 銀座院'),
 ('03C2601080','03C2604002','branches of one chain in different prefectures: 銀座よしえクリニック銀座院 (東京) vs 横浜院 (神奈川)'),
 ('03C2008009','03C2008010','branches of one group with separate corporations: 杉山産婦人科新宿 (杉一会) vs 杉山産婦人科丸の内 (杉四会)'),
 ('03C2507015','02C2303005','branches of one chain: 湘南美容クリニック 新橋銀座口院 vs 新宿本院'),
 ('03C2303065','02C2207029','different chains / branches: 品川美容外科 品川本院 vs 渋谷美容外科クリニック 新橋院'),
 ('01D2407003','01D2604001','branches of one corporation (医療法人高須クリニック): 高須クリニック名古屋院 vs 栄院'),
 ('02D1905026','02D1908009','branches of one corporation (永美会): 八事石坂クリニック vs 八事石坂クリニック 名古屋駅前院'),
 ('02D2505003','02D2505002','branches of one corporation (総合麻里メディカル): Dr. MARI CLINIC 名古屋駅院 vs 栄院'),
 ('02D2607002','02D2503003','branches of one chain: 湘南美容クリニック名古屋院 vs 名古屋駅本院'),
 ('03D2204004','03D2412006','branches of one corporation (スワン会): ミッドランドスワン歯科・矯正歯科 vs 港スワン歯科・矯正歯科'),
 ('01D2504003','01D2606001','branches of one corporation (名典会): 静岡AGAクリニック vs 三島AGAクリニック'),
 ('01D2606001','03D2605001','branches of one corporation (名典会): 三島AGAクリニック vs 浜松AGAクリニック'),
 ('03E2501010','03E2502001','branches of one chain: 共立美容外科 大阪院 vs 梅田院'),
 ('02E2310011','02E2305040','branches of one corporation (涼葵会): W CLINIC 梅田院 vs Ｗ ＣＬＩＮＩＣ 心斎橋本院'),
 ('03E2210003','01E2409007','branches of one chain: フォーシーズンズ美容皮膚科 vs フォーシーズンズ美容皮膚科 2号院 — consecutive plans 03E2210003/03E2210004 filed the same title once for each'),
 ('01E2411012','02E2103001','branches of one corporation (明貴会): 山口歯科医院 vs 三条山口歯科医院'),
 # --- one corporation, different clinics ---
 ('01E2312020','01E2503011','one corporation (彦星会), different clinics: 大阪中之島整形外科 vs 健都よねだスポーツ整形外科'),
 ('01E2312020','03E2005002','one corporation (彦星会), different clinics: 大阪中之島整形外科 vs 岩橋クリニック'),
 ('01E2503011','03E2005002','one corporation (彦星会), different clinics: 健都よねだスポーツ整形外科 vs 岩橋クリニック'),
 ('03E2211010','01E2408006','one corporation (ひつじ会), different clinics: AC clinic vs メガクリニック'),
 ('03E2211010','01E2012008','one corporation (ひつじ会), different clinics: AC clinic vs よしだ眼科クリニック'),
 ('01E2408006','01E2012008','one corporation (ひつじ会), different clinics: メガクリニック vs よしだ眼科クリニック'),
 ('03E2507017','02E2301002','one corporation (三慧会), different clinics: HORACグランフロント大阪クリニック vs ＩＶＦ大阪クリニック'),
 ('02E2601014','02E2506010','one corporation (活寿会), different clinics in different prefectures: 京都ひざ関節症クリニック vs 活寿会記念クリニック中之島'),
 ('01C2205028','02C2601093','one corporation (光美会), different clinics in 銀座: ルーチェクリニック銀座院 vs セルズクリニック銀座院'),
 ('01C2201030','01C2311048','one corporation (康梓会), different clinics: Y\'sサイエンスクリニック広尾 vs SAWAKO CLINIC ×YS'),
 ('01C2401040','01C2407028','one corporation (癒合会), similar names: 高輪クリニック vs 高輪和合クリニック; both filed in 2606, so they exist side by side'),
 ('02C2407047','02C2407059','one corporation (裕健会): 神田クリニック vs 神田駅東口クリニック; each filed the same three plan titles'),
 ('02C2608010','02C2501001','one corporation (豊饒会), different clinics: J.YOSHIDA CLINIC vs RDクリニック東京銀座'),
 ('01C2509024','01C2507054','one corporation (貴陽会), same district, different names: ライチクリニック麻布台 vs ラカンクリニック東京 麻布台'),
 ('02C1909218','03C2407092','one corporation (邦寿会), different clinics: 東京皮膚科・形成外科 銀座院 vs New Face Aesthetic Clinic 新宿院'),
 ('02C2603056','01C2309064','one corporation (同心会), different clinics: Miev Medical Clinic vs KYBクリニック'),
 ('02D2507021','03D2605006','one corporation (桂名会), different hospitals: 木村病院 vs 重工大須病院'),
 ('02D2103004','02D2103005','one corporation (笑顔会), different clinics: 笑顔のおうちクリニック名古屋 vs NexWelクリニック大名古屋ビル皮膚科'),
 ('01D2511009','01D2210001','one corporation (AINA), different clinics: EHL Cell Clinic vs Dr.AINA DENTAL CLINIC'),
 ('01E2603013','01E2402016','one corporation name (医進会), hospital vs clinic: 高石加茂病院 vs 大阪小田クリニック'),
 # --- hospital vs clinic / different facility types ---
 ('03E2405011','02E2604004','a clinic and a hospital of one corporation (桜希会): 東朋八尾健診クリニック vs 東朋八尾病院'),
 ('02E2312028','02E2406008','a hospital and a clinic of one corporation (医誠会): 医誠会国際総合病院 vs 大阪医誠会がん・神経難病治療クリニック'),
 ('02E2507042','01E2509005','a hospital and a check-up clinic of one corporation (黎明会): 北出病院 vs 和歌山 健診クリニック・キタデ'),
 ('03C2604006','02C2604023','one corporation (徳洲会), two facilities: 湘南鎌倉人工関節センター vs 湘南鎌倉総合病院'),
 ('01D2408010','01D2509001','hospital vs clinic, different corporations (愛知県): 高須病院 (福祉会) vs 高須クリニック'),
 # --- different hospitals of one university / organisation ---
 ('03C2411009','03C2406002','two hospitals of one university: 東邦大学医療センター大森病院 vs 大橋病院'),
 ('03C2308020','03C2609013','different hospitals of one university: 順天堂大学医学部附属練馬病院 vs 順天堂医院'),
 ('03C2308020','03D2607002','different hospitals of one university, different prefectures: 順天堂 練馬病院 vs 静岡病院'),
 ('01C2203013','01C2409023','two hospitals of one university: 日本大学医学部附属板橋病院 vs 日本大学病院'),
 ('03C2604028','03C2603058','different NHO hospitals: 国立病院機構村山医療センター vs 東京医療センター'),
 ('03C2210001','03D2607003','one corporation (聖隷福祉事業団), different hospitals: 聖隷横浜病院 vs 聖隷浜松病院'),
 ('02C1912019','03E2504006','same corporation name 愛仁会 in two prefectures, different hospitals: 太田総合病院 (神奈川) vs 高槻病院 (大阪)'),
 # --- similar names in one area ---
 ('03E2211010','01E2505021','similar names in one city: (ひつじ会) AC clinic vs AC PLUS CLINIC'),
 ('02E2309002','01E2510028','similar names in one city: 大阪梅田セルクリニック vs 大阪梅田セリーフクリニック'),
 ('01E2604026','03E2504006','similar names in one city: 高槻整形外科・再生医療クリニック vs (愛仁会) 高槻病院'),
 ('02E2506033','03E2508003','similar names in one city: 心斎橋国際クリニック vs 心斎橋美容外科'),
 ('02E2506033','01E2110026','similar names in one city: 心斎橋国際クリニック vs 心斎橋ペインクリニック'),
 ('01E2504008','03E2507006','similar names in one city, hospital vs clinic, different corporations: 京都武田病院 vs たけだ膠原病リウマチクリニック'),
 ('01E2502021','01E2412016','similar Latin names: CELL CLINIC KYOTO (京都) vs CELL GRAND CLINIC (大阪)'),
 ('02E1912026','02E2603022','similar names in one city: リセリングクリニック vs リペアセルクリニック'),
 ('02E2603022','03E2602012','similar names in one city: リペアセルクリニック vs リバースセルクリニック'),
 ('02E1910006','03E2607003','similar names in one city: リセリングクリニック vs リセルクリニック'),
 ('01E2104016','01E1904018','similar names in one prefecture: (医療法人) 井上クリニック vs (井上会) 井上整形外科'),
 ('01E2312020','02E2506010','similar names in one city (中之島): 大阪中之島整形外科 vs 活寿会記念クリニック中之島'),
 ('02E2607019','02E2308011','similar Latin names in one city: NDクリニック (再生医療先端医学協会) vs Nクリニック'),
 ('02E2608003','03E2605001','similar names in one city, different corporations: RDクリニック大阪 (豊饒会) vs Dクリニック大阪 (翠奏会)'),
 ('03D2605002','03D2307003','similar names in one city: Dクリニック名古屋 (静哉会) vs RDクリニック名古屋'),
 ('02E2507004','01E2007008','similar names: 谷歯科医院 vs 銭谷歯科医院 (大阪府)'),
 ('01C2401008','02C2410054','similar names in one area, different corporations: 自由が丘クリニック (喜美会) vs 自由が丘くびと腰の整形外科関節のクリニック'),
 ('03C2208001','03C2604022','similar names, different universities: 東京医科大学病院 vs 東京科学大学病院'),
 ('03C2507007','01C2409023','similar names, different universities: 日本医科大学付属病院 vs 日本大学病院'),
 ('02C2603014','02C2309035','similar names: 東京城南整形外科 vs 東京整形外科'),
 ('03C2608017','03C2604052','generic 東京〜クリニック names: 東京クリニック (健貢会) vs 東京CAクリニック'),
 ('03C2608017','01C2601033','generic 東京〜クリニック names: 東京クリニック (健貢会) vs 東京ARTクリニック'),
 ('02C2403053','03C2606009','similar names: 東京ミッドタウンクリニック vs 東京メディサイトクリニック'),
 ('02C2601084','01C2501012','different public hospitals: 東京都立大久保病院 vs 東京都立多摩北部医療センター'),
 ('02C2202019','03C2305035','similar area names: 赤羽中央総合病院 vs 赤羽ウェルネスクリニック'),
 ('01C2407031','03C2511010','similar area names: 下北沢DOクリニック vs 下北沢病院'),
 ('03C2504030','03C2407078','similar area names: 池袋クリニック (輝鳳会) vs 池袋スタークリニック'),
 ('01C1906008','01C2603059','similar area names: 目黒病院 vs 目黒ひざ＆形成外科クリニック'),
 ('03C2110011','01C2512045','similar area names: 目黒レディースクリニック vs 目黒駅前ネスト整形外科'),
 ('03C2111002','01C2407093','similar area names: 表参道スキンクリニック vs 表参道総合医療クリニック'),
 ('01C2303043','01C2603054','similar area names: 相模大野整形・形成外科 vs 黒河内整形外科プラウドタワー相模大野クロスクリニック'),
 ('02C2606088','03C2508002','different city hospitals: 横浜市立市民病院 vs 横須賀市立市民病院'),
 ('03C2504072','01C2503067','similar town names, hospital vs clinic: 佐久市立国保浅間総合病院 vs 佐久平整形外科クリニック'),
 ('03C2509002','01C2411012','similar town names: 市立甲府病院 vs 東甲府医院'),
 ('01D2311005','01D2505006','similar chain names, different towns: 多治見スマートクリニック (岐阜) vs 小牧スマートクリニック (愛知)'),
 ('02E2606001','01E2211007','similar names, different corporations: 神戸ひざ関節症クリニック (活寿会) vs 神戸関節症クリニック (成道会)'),
 ('01E2312018','02E2507040','similar names, different corporations and specialties: さいとう整形外科 vs さいとう内科クリニック (兵庫)'),
 ('03E2305041','01E2408001','similar names: 中神クリニック vs 中山クリニック (兵庫)'),
 ('01E2101016','02E2607003','similar area names: 芦屋整形外科スポーツクリニック vs 芦屋ラポルテ歯の予防クリニック'),
 ('01E2104001','02E2309019','different hospitals: 済生会奈良病院 vs 近畿大学奈良病院'),
 ('02G2209012','01G2502004','similar names, different corporations: 翼ハロー歯科・内科診療所 vs ひとのわハロー歯科・内科診療所 (熊本)'),
 ('01F2203001','01F2207002','similar names: 高松南整形外科スポーツクリニック vs 三条整形外科スポーツクリニック (香川)'),
 ('03G2004012','03G2603005','similar names: 久留米中央病院 vs 久留米大学病院'),
 ('02G2511006','03G2506008','similar names: 熊本整形外科病院 vs 熊本リハビリテーション病院'),
 ('03G2303013','03G2506008','similar names: リハビリテーションセンター熊本回生会病院 vs 熊本リハビリテーション病院'),
 ('02G2601007','01G2107003','similar prefix: 櫛原町クリニック vs 櫛田学整形外科クリニック'),
 # --- same chain / corporation, different prefectures (different cities' branches) ---
 ('02E2606001','02F2601003','one corporation (活寿会), different cities: 神戸ひざ関節症クリニック vs 広島ひざ関節症クリニック'),
 ('02G2601006','02F2601003','one corporation (活寿会), different cities: 福岡ひざ関節症クリニック vs 広島ひざ関節症クリニック'),
 ('02C2603036','02D2601008','one corporation (活寿会), different cities: 横浜ひざ関節症クリニック vs 名古屋ひざ関節症クリニック'),
 ('01C2110056','01D2110006','one corporation (千美会), different cities: ガーデンクリニック横浜院 vs 名古屋院'),
 ('01G2110013','01E2110016','one corporation (千美会), different cities: ガーデンクリニック 福岡院 vs ガーデンクリニック ザ・ホワイトデンタルクリニック大阪院'),
 ('01F2604001','01G2604009','branches of one chain: シンセルクリニック広島院 vs 福岡院'),
 ('02G2105003','01E2406030','branches of one chain: メディアージュクリニック福岡 vs 大阪梅田'),
 ('03C2508055','02E2510010','branches of one chain: Re:Born Clinic 銀座院 vs 大阪院'),
 ('02E2510010','03G2508015','branches of one chain: Re:Born Clinic 大阪院 vs 本院 (福岡)'),
 ('02D2605007','02D2605006','one corporation (美翔会), different cities: 聖心美容クリニック熱海院 vs 名古屋院'),
 ('01E2403022','01E2112004','one corporation (翔悠会), different prefectures: ONE CLINIC (京都) vs ONE CLINIC 梅田 (大阪)'),
 ('03G2411007','03E2103018','one corporation (再生会), different prefectures: セルメディカルチームジャパン (福岡) vs そばじまクリニック (大阪)'),
 ('01E2303010','01G2607001','different corporations and prefectures: 大井クリニック (兵庫) vs 大井病院 (鹿児島)'),
 # --- identical clinic names in different prefectures (never one facility) ---
 ('03C2405009','01E2605010','same name, different prefectures: 増本整形外科クリニック (東京) vs (兵庫)'),
 ('02C2101009','01C2305022','same name, different prefectures and corporations: 井上整形外科 (東京, 青和会) vs (神奈川, 健進会)'),
 ('01C2305022','01E1904018','same name, different prefectures and corporations: 井上整形外科 (神奈川, 健進会) vs (大阪, 井上会)'),
 ('01C2303013','01D2412001','same name, different prefectures: 小林歯科医院 (山梨) vs (三重)'),
 ('01D2301005','01D2412001','same name, different prefectures: 小林歯科医院 (岐阜) vs (三重)'),
 ('01E2306018','02D1909036','same name, different prefectures: 山本歯科医院 (福井) vs (愛知)'),
 ('01E2206008','02D2507021','same name, different prefectures and corporations: 木村病院 (福井, 至捷会) vs (愛知, 桂名会)'),
 ('01E1908016','03D2211005','same name, different prefectures: 鈴木歯科医院 (福井) vs (愛知, 明雅会)'),
 ('02D2001025','01E2510005','same name, different prefectures: 岡田歯科医院 (愛知) vs (大阪, Smile＆Teeth)'),
 ('01E2411012','01D2506010','same name, different prefectures and corporations: 山口歯科医院 (京都, 明貴会) vs (静岡, 輝梟会)'),
 ('02E1909051','02D1911057','same name, different prefectures and corporations: はやし歯科医院 (福井, 福正会) vs (岐阜, 神樹会)'),
 ('01D2407011','01E2012021','same name, different prefectures: アサミ美容外科 (愛知) vs (大阪)'),
 ('02E2308011','02D2409017','same name, different prefectures and corporations: Nクリニック (大阪) vs 医療法人順心会 Nクリニック (愛知)'),
]


# =====================================================================================
# grouping
# =====================================================================================
def rkey(r): return (r['pref'],KEY_FIX.get(r['code'],key(r['fac'])))
split_of={}
for codes,why in SPLIT:
    for c in codes: split_of[c]=codes[0]
parent={}
def find(x):
    while parent.setdefault(x,x)!=x: x=parent[x]
    return x
def union(a,b):
    ra,rb=find(a),find(b)
    if ra!=rb: parent[rb]=ra
gkey={}
for r in rows:
    k=rkey(r)
    if r['code'] in split_of: k=(r['pref'],'SPLIT:'+split_of[r['code']])
    gkey[r['code']]=k; find(k)
for a,b,case,why in MERGE:
    assert BYCODE[a]['pref']==BYCODE[b]['pref'],(a,b)
    union(gkey[b],gkey[a])
groups=collections.OrderedDict()
for r in rows: groups.setdefault(find(gkey[r['code']]),[]).append(r)

merge_case={}
for a,b,case,why in MERGE: merge_case.setdefault(a,set()).update(case.split('+'))

WS=re.compile(r'\s+')
def pair_cases(a,b):
    c=set()
    if re.findall(r'\s+',a)!=re.findall(r'\s+',b): c.add('separator_crlf_space')
    if re.findall(r'[\uff01-\uff9f]',a)!=re.findall(r'[\uff01-\uff9f]',b): c.add('width')
    na,nb=norm(a),norm(b)
    if na!=nb and norm(strip_corp(a))==norm(strip_corp(b)):
        ha=norm(strip_corp(a))!=na; hb=norm(strip_corp(b))!=nb
        c.add('with_or_without_corporation' if ha!=hb else 'corporation_variant')  # corporation_variant: type/typo differs (医療法人 vs 医療法人社団, 医療財団法人)
    sa=WS.sub('',unicodedata.normalize('NFKC',strip_corp(a))); sb=WS.sub('',unicodedata.normalize('NFKC',strip_corp(b)))
    if sa!=sb and sa.upper()==sb.upper(): c.add('letter_case')
    return c
def cases(v,sp):
    c=set()
    for a,b in itertools.combinations(sp,2): c|=pair_cases(a,b)
    for r in v: c|=merge_case.get(r['code'],set())
    if not c: c.add('separator_crlf_space')
    return '+'.join(sorted(c))

ents=[]; code2ent={}
for i,(k,v) in enumerate(groups.items(),1):
    eid='RF%04d'%i
    sp=list(dict.fromkeys(r['fac'] for r in v))
    case='singleton' if len(v)==1 else ('identical' if len(sp)==1 else cases(v,sp))
    ents.append(dict(id=eid,kind='facility',case=case,subjects=['facility:e-saisei:'+r['code'] for r in v],names=sp))
    for r in v: code2ent[r['code']]=eid
E={e['id']:e for e in ents}
for a,b,case,why in MERGE: assert code2ent[a]==code2ent[b],(a,b)
hn=[]
_seen=set()
for a,b,why in HN:
    assert a in code2ent and b in code2ent,(a,b)
    assert code2ent[a]!=code2ent[b],(a,b)
    p=tuple(sorted((code2ent[a],code2ent[b]))); assert p not in _seen,(a,b); _seen.add(p)
    hn.append(dict(a='facility:e-saisei:'+a,b='facility:e-saisei:'+b,why=why))
und=[]
for a,b,why in UNDECIDED:
    assert code2ent[a]!=code2ent[b],(a,b)
    und.append(dict(a='facility:e-saisei:'+a,b='facility:e-saisei:'+b,why=why))
json.dump(dict(entities=ents,hard_negatives=hn,undecided=und),open(OUT+'gold.json','w',encoding='utf-8'),ensure_ascii=False,indent=1)

# =====================================================================================
# HTML
# =====================================================================================
HEAD='''<!--
  REAL DATA (verbatim row values) — e-再生医療 public plan list, {label}
  Real URL: https://saiseiiryo.mhlw.go.jp/published_plan/index/{k}
  Found at: GitHub ri0115/saisei-collector, results/index_cache.json, commit 590fad7759ee2716bb2da2c8e6edd241f05df022
            (a JSON cache of the list: facility, prefecture, treatment, links, kind; no address, no 区分/委員会/状況 fields)
  Retrieved: 2026-12-07. Rows re-laid into the list's table markup; empty cells where the cache has no value.
  Subset only: see eval/real/e-saisei/README.md (held-back rows of 第二種 are NOT here; this page holds {n} rows).
-->
<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<title>公開計画一覧（{label}）｜e-再生医療</title>
</head>
<body>
<div id="header"><a href="/">e-再生医療</a></div>
<h2>{h2}</h2>
<table class="list">
<tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>区分</th><th>再生医療等の名称</th><th>認定再生医療等委員会</th><th>提供状況</th><th>資料</th></tr>
'''
for k,label,h2 in [('2','第二種再生医療等提供計画','第二種再生医療等提供計画 公開一覧'),('3','第三種再生医療等提供計画','第三種再生医療等提供計画 公開一覧')]:
    rs=[r for r in rows if r['kind']==k]
    out=[HEAD.format(label=label,k=k,n=len(rs),h2=h2)]
    for r in rs:
        links=' '.join('<a href="/published_plan/download/%s/5/%d">資料%d</a>'%(r['code'],i,i+1) for i in range(r['n']))
        out.append('<tr>\n<td>%s</td>\n<td>%s</td>\n<td></td>\n<td></td>\n<td>%s</td>\n<td></td>\n<td></td>\n<td>%s</td>\n</tr>\n'%(html.escape(r['fac'],quote=False),r['pref'],html.escape(r['title'],quote=False),links))
    out.append('</table>\n</body>\n</html>\n')
    open(OUT+'index_%s.html'%k,'w',encoding='utf-8',newline='').write(''.join(out))

# =====================================================================================
# search cases
# =====================================================================================
H2Z={}
for c in range(0xFF61,0xFFA0):
    z=unicodedata.normalize('NFKC',chr(c))
    if len(z)==1: H2Z.setdefault(z,chr(c))
def halfwidth(s):
    o=[]
    for ch in unicodedata.normalize('NFKC',s):
        d=unicodedata.normalize('NFD',ch)
        if ch in H2Z: o.append(H2Z[ch])
        elif len(d)==2 and d[0] in H2Z and d[1] in '\u3099\u309a': o.append(H2Z[d[0]]+('\uff9e' if d[1]=='\u3099' else '\uff9f'))
        else: o.append(ch)
    return ''.join(o)
def hiragana(s): return ''.join(chr(ord(c)-0x60) if '\u30a1'<=c<='\u30f6' else c for c in s)
def q(s): return re.sub(r'\s*\r\n\s*',' ',s).strip()
SAMPLE_N=200
sc=[]
for e in ents:
    if len(e['names'])>1:
        seen=set()
        for n in e['names']:
            if q(n) not in seen: seen.add(q(n)); sc.append(dict(query=q(n),entity=e['id'],form='as_written'))
random.seed(7)
sample=[e for e in ents]
random.shuffle(sample)
cnt=0; sampled=[]
for e in sample:
    n=e['names'][0]; clinic=q(strip_corp(n)); made=[]
    if re.search('[\u30a1-\u30fa]',clinic):
        made.append((halfwidth(clinic),'halfwidth')); made.append((hiragana(clinic),'hiragana'))
    if norm(clinic)!=norm(n): made.append((clinic,'without_corporation'))
    if not made: continue
    for m,f in made: sc.append(dict(query=m,entity=e['id'],form=f))
    cnt+=1; sampled.append(e['id'])
    if cnt>=SAMPLE_N: break
json.dump(sc,open(OUT+'search_cases.json','w',encoding='utf-8'),ensure_ascii=False,indent=1)

# =====================================================================================
# stats + LABELS.md decision sections
# =====================================================================================
forms=collections.Counter(x['form'] for x in sc)
st=dict(rows=len(rows),rows2=sum(r['kind']=='2' for r in rows),rows3=sum(r['kind']=='3' for r in rows),
        entities=len(ents),singletons=sum(len(e['subjects'])==1 for e in ents),multirow=sum(len(e['subjects'])>1 for e in ents),
        multispelling=sum(len(e['names'])>1 for e in ents),hard_negatives=len(hn),undecided=len(und),search_cases=len(sc),
        sampled=cnt,forms=dict(forms),merges=len(MERGE),splits=len(SPLIT),
        first2=[r['code'] for r in rows if r['kind']=='2'][0],files=len(set(r['src'] for r in rows)))
print(json.dumps(st,ensure_ascii=False))
os.makedirs('/tmp/es',exist_ok=True)
json.dump(dict(code2ent=code2ent,stats=st),open('/tmp/es/code2ent.json','w'),ensure_ascii=False)

def show(s): return s.replace('\r\n','⏎').replace('\u3000','□')
def ename(code): return show(BYCODE[code]['fac'])
L=[]
L.append('## Multi-spelling entities (all %d, reviewed by hand)\n'%st['multispelling'])
L.append('Each line: entity, rows, case, prefecture, the distinct spellings (⏎ = raw CR LF, □ = U+3000). Hand merges are marked ✋ and explained in the next section.\n')
hand_codes={a for a,b,c,w in MERGE}|{b for a,b,c,w in MERGE}
for e in ents:
    if len(e['names'])>1:
        codes=[s.split(':')[-1] for s in e['subjects']]
        mark=' ✋' if any(c in hand_codes for c in codes) else ''
        L.append('- **%s**%s (%d rows, `%s`, %s): %s'%(e['id'],mark,len(codes),e['case'],BYCODE[codes[0]]['pref'],' | '.join('`%s`'%show(n) for n in e['names'])))
L.append('\n## Hand merges (auto key did not group them) — %d decisions\n'%len(MERGE))
bycase=collections.defaultdict(list)
for a,b,case,why in MERGE: bycase[case].append((a,b,why))
for case in sorted(bycase):
    L.append('### case `%s`'%case)
    for a,b,why in bycase[case]:
        L.append('- %s (%s) + %s (%s): %s'%(a,code2ent[a],b,code2ent[b],why))
    L.append('')
L.append('## Hand splits — %d decisions\n'%len(SPLIT))
for codes,why in SPLIT: L.append('- %s (%s): %s'%(', '.join(codes),code2ent[codes[0]],why))
L.append('\n## Key fixes (no merge implied)\n')
for c,k in KEY_FIX.items(): L.append('- %s `%s` -> key `%s`'%(c,ename(c),k))
L.append('\n## Hard negatives (never the same) — %d pairs, in gold.json with reasons\n'%len(hn))
for a,b,why in HN: L.append('- %s %s `%s` ≠ %s %s `%s` — %s'%(a,code2ent[a],ename(a),b,code2ent[b],ename(b),why))
L.append('\n## Undecided — %d pairs (kept apart in gold.json, listed under `undecided`; the resolver may show them as possible_same)\n'%len(und))
for a,b,why in UNDECIDED: L.append('- %s %s `%s` ? %s %s `%s` — %s'%(a,code2ent[a],ename(a),b,code2ent[b],ename(b),why))
open('/tmp/es/labels_decisions.md','w',encoding='utf-8').write('\n'.join(L)+'\n')

# =====================================================================================
# LABELS.md and README.md
# =====================================================================================
def prefs(k):
    c=collections.OrderedDict()
    for r in rows:
        if r['kind']==k: c[r['pref']]=c.get(r['pref'],0)+1
    return ', '.join('%s %d'%(p,n) for p,n in c.items())
D=dict(st); D.update(pref2=prefs('2'),pref3=prefs('3'),f_as=forms['as_written'],f_hw=forms['halfwidth'],f_hi=forms['hiragana'],f_wc=forms['without_corporation'])
HERE=os.path.dirname(os.path.abspath(__file__))
hdr=open(os.path.join(HERE,'labels_header.md'),encoding='utf-8').read().format(**D)
open(OUT+'LABELS.md','w',encoding='utf-8').write(hdr+'\n'.join(L)+'\n')
open(OUT+'README.md','w',encoding='utf-8').write(open(os.path.join(HERE,'readme_template.md'),encoding='utf-8').read().format(**D))
