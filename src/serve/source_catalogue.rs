//! What each public source is, where a crawl of it starts on the real site and how that is
//! known (`../shared/sources.md` §7), the publisher's terms, and what mieru does not read:
//! written by hand, kept honest, and checked against the adapters' start requests by tests.

use mieru_web::model::{EntryPoint, SourceTerm};

pub struct Entry {
    /// URL, or a pattern with `{YYYYMM}` (a month), `{ID}` (a jRCT ID) or `{NUMBER}`.
    pub pattern: &'static str,
    /// Seen in stored copies of the real page or in public crawlers of it (else inferred).
    pub seen: bool,
    pub ja: &'static str,
    pub en: &'static str,
}

pub struct Term {
    pub url: Option<&'static str>,
    pub ja: &'static str,
    pub en: &'static str,
}

pub struct Catalogue {
    pub name: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
    pub enabled_by_default: bool,
    pub entries: &'static [Entry],
    pub term_list: &'static [Term],
    pub gaps: &'static [(&'static str, &'static str)],
}

impl Catalogue {
    pub fn entry_points(&self) -> Vec<EntryPoint> {
        self.entries
            .iter()
            .map(|e| EntryPoint {
                url: e.pattern.to_owned(),
                verified: if e.seen { "seen" } else { "inferred" }.to_owned(),
                note_ja: e.ja.to_owned(),
                note_en: e.en.to_owned(),
            })
            .collect()
    }

    pub fn terms(&self) -> Vec<SourceTerm> {
        self.term_list
            .iter()
            .map(|t| SourceTerm {
                url: t.url.map(str::to_owned),
                ja: t.ja.to_owned(),
                en: t.en.to_owned(),
            })
            .collect()
    }
}

/// How mieru itself crawls every source, whatever the publisher's terms.
const POLITE: Term = Term {
    url: None,
    ja: "mieru は robots.txt に従い、1ホストにつき毎秒1件以下（既定）で取得し、取得した資料はすべて原本のまま保存して出典として示します",
    en: "mieru follows robots.txt, fetches at most one request per second per host (default), and keeps every document verbatim as the cited source",
};

pub const CATALOGUE: &[Catalogue] = &[
    Catalogue {
        name: "e-saisei",
        ja: "e-再生医療：第二種・第三種再生医療等提供計画の公表一覧と認定再生医療等委員会",
        en: "e-再生医療: published lists of Class II and Class III provision plans, and the certified committees",
        enabled_by_default: true,
        entries: &[
            Entry {
                pattern: "https://saiseiiryo.mhlw.go.jp/published_plan/index/{2|3}",
                seen: true,
                ja: "第二種（2）・第三種（3）の計画一覧（それぞれ1回のGETで全件）",
                en: "Class II (2) and Class III (3) plan lists (one GET returns each whole list)",
            },
            Entry {
                pattern: "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/{1|2}",
                seen: true,
                ja: "認定再生医療等委員会の一覧（page:N で改ページ、history/・preview/ へ）",
                en: "Certified committee lists (paged by page:N, leading to history/ and preview/ pages)",
            },
        ],
        term_list: &[
            Term {
                url: None,
                ja: "保存された公開資料の範囲では、巡回に関する利用条件や robots.txt は確認されていません",
                en: "No crawling terms or robots.txt were seen in the stored public material",
            },
            POLITE,
        ],
        gaps: &[
            (
                "計画の添付資料（PDF）は取得も保存もしません。一覧のリンクから計画番号のみ読みます",
                "Plan documents (PDF) are neither fetched nor archived; only plan numbers are read from their links",
            ),
            (
                "第一種の計画はこの一覧に載らないため含まれません",
                "Class I plans are not in these lists and are not covered",
            ),
        ],
    },
    Catalogue {
        name: "mhlw-press",
        ja: "厚生労働省の報道発表資料（再生医療等安全性確保法に基づく命令等）",
        en: "Ministry of Health, Labour and Welfare press releases on actions under the Act",
        enabled_by_default: true,
        entries: &[
            Entry {
                pattern: "https://www.mhlw.go.jp/stf/houdou/index.html",
                seen: true,
                ja: "報道発表資料の入口。月別一覧（ul.m-listLinkMonth）へのリンク",
                en: "Press release index, linking the monthly lists (ul.m-listLinkMonth)",
            },
            Entry {
                pattern: "https://www.mhlw.go.jp/stf/houdou/houdou_list_{YYYYMM}.html",
                seen: true,
                ja: "月別一覧（2020年2月〜2026年5月は確認済み、それ以前は発表のパンくずからの推定）。当月と前月を読み、--since で2014年11月まで遡ります",
                en: "Monthly lists (seen for 2020-02 to 2026-05; older months inferred from release breadcrumbs). The current and previous month are read; --since walks back to 2014-11",
            },
        ],
        term_list: &[
            Term {
                url: None,
                ja: "月別一覧は省の全分野の発表を含むため、見出しが法に関わる発表だけを取得し、それ以外は取得しません",
                en: "The monthly lists mix every topic of the Ministry: only releases whose title concerns the Act are fetched, no other",
            },
            POLITE,
        ],
        gaps: &[
            (
                "見出しに法・再生医療・命令等の語を含まない発表は取得しません",
                "Releases whose title does not name the Act, regenerative medicine or an order are not fetched",
            ),
            (
                "命令の期間は本文に「…まで」と日付で書かれた場合のみ読みます（「3か月間」などの期間表記は読みません）",
                "An order's period is read only when written as a date followed by まで; durations such as 3か月間 are not read",
            ),
        ],
    },
    Catalogue {
        name: "kouseikyoku",
        ja: "地方厚生局の再生医療等のページ（命令等のお知らせ）",
        en: "Regional bureaus of health and welfare: their pages on regenerative medicine (notices of orders)",
        enabled_by_default: true,
        entries: &[
            Entry {
                pattern: "https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou.html",
                seen: true,
                ja: "東海北陸厚生局",
                en: "Tokai-Hokuriku bureau",
            },
            Entry {
                pattern: "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/saisei_top.html",
                seen: true,
                ja: "近畿厚生局（「1.更新情報」）",
                en: "Kinki bureau (its update list)",
            },
            Entry {
                pattern: "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/gaiyou.html",
                seen: true,
                ja: "九州厚生局（お知らせ）",
                en: "Kyushu bureau (notices)",
            },
            Entry {
                pattern: "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
                seen: true,
                ja: "九州厚生局の命令のページ",
                en: "Kyushu bureau's page of orders",
            },
            Entry {
                pattern: "https://kouseikyoku.mhlw.go.jp/hokkaido/iji/saiseiiryou.html",
                seen: true,
                ja: "北海道厚生局",
                en: "Hokkaido bureau",
            },
        ],
        term_list: &[POLITE],
        gaps: &[
            (
                "東北・関東信越・中国四国・四国の各厚生局は、再生医療等のページが確認できていないため巡回しません",
                "The Tohoku, Kanto-Shinetsu, Chugoku-Shikoku and Shikoku bureaus are not crawled: no page of theirs on regenerative medicine is known",
            ),
            (
                "PDFのみで公表された命令は文字として読める場合に限り読みます（画像のPDFは保存のみ）",
                "Orders published only as PDF are read when the PDF carries text; scanned PDFs are archived only",
            ),
        ],
    },
    Catalogue {
        name: "houjin-bangou",
        ja: "国税庁 法人番号公表サイトの差分・全件データ",
        en: "National Tax Agency corporate number site: daily diff and monthly full files",
        enabled_by_default: true,
        entries: &[
            Entry {
                pattern: "https://www.houjin-bangou.nta.go.jp/download/sabun/",
                seen: true,
                ja: "差分データ（約40日分）。ファイルはページのトークン付きPOST（doDownload の番号）でのみ配布されます",
                en: "Daily diffs (about 40 days kept). Files are served only to a POST with the page's token and the doDownload number",
            },
            Entry {
                pattern: "https://www.houjin-bangou.nta.go.jp/download/zenken/",
                seen: true,
                ja: "全件データ（都道府県別、月次）。--houjin-full で指定した都道府県のみ",
                en: "Full files (per prefecture, monthly); only the prefectures given with --houjin-full",
            },
            Entry {
                pattern: "https://api.houjin-bangou.nta.go.jp/4/{num}?number={NUMBER}&history=1",
                seen: true,
                ja: "Web-API（アプリケーションIDを MIERU_HOUJIN_APP_ID に設定した場合のみ、mieru が結び付けた法人について）",
                en: "Web-API (only with an application ID in MIERU_HOUJIN_APP_ID, for the corporations mieru links)",
            },
        ],
        term_list: &[
            Term {
                url: Some("https://www.houjin-bangou.nta.go.jp/"),
                ja: "出典：国税庁法人番号公表サイト（国税庁）。このサイトのデータを示すページにはこの出典を表示します",
                en: "Source: 国税庁法人番号公表サイト（国税庁） (National Tax Agency corporate number site); every page showing its data carries this attribution",
            },
            POLITE,
        ],
        gaps: &[(
            "全国一括の全件ファイル（約255MB）は取得しません。都道府県別ファイルを使います",
            "The nationwide full file (about 255 MB) is not fetched; the per-prefecture files are used",
        )],
    },
    Catalogue {
        name: "jrct",
        ja: "jRCT：再生医療等の研究の実施計画",
        en: "jRCT: research plans under the Act",
        enabled_by_default: false,
        entries: &[Entry {
            pattern: "https://jrct.mhlw.go.jp/latest-detail/{ID}",
            seen: true,
            ja: "詳細ページ（2025年に jrct.niph.go.jp から移転）。有効にした場合も、他の情報源に現れたjRCT IDのページのみを10秒に1件取得します",
            en: "Detail pages (moved from jrct.niph.go.jp in 2025). Even when enabled, only the pages of jRCT IDs other sources named are fetched, one per 10 s",
        }],
        term_list: &[
            Term {
                url: Some("https://jrct.mhlw.go.jp/agreement"),
                ja: "利用規約は、自動的な巡回（クローラ）による取得を控えるよう求め、網羅的な収集にはヘルプデスクへの許可申請を求めています。内容は公共データ利用規約（PDL1.0）によります",
                en: "The terms ask automated crawlers to refrain, and comprehensive collection requires a permission request to the help desk; content is under the Public Data License (PDL 1.0)",
            },
            POLITE,
        ],
        gaps: &[
            (
                "既定では巡回しません。研究の一覧・検索は使いません",
                "Not crawled by default; the study list and search are never used",
            ),
            (
                "研究責任医師などの医師名は読みません",
                "Principal investigators and other responsible doctors are not read",
            ),
        ],
    },
];

#[cfg(test)]
#[allow(clippy::string_slice)] // ASCII URLs and patterns
mod tests {
    use super::*;
    use mieru_crawler::adapter::StartContext;
    use mieru_crawler::adapters::SourceOptions;

    /// Whether `url` is `pattern` with each `{…}` standing for one non-empty part without
    /// `/`, `?` or `&`.
    fn matches(pattern: &str, url: &str) -> bool {
        let Some(open) = pattern.find('{') else {
            return pattern == url;
        };
        let (lit, tail) = pattern.split_at(open);
        let Some(rest_url) = url.strip_prefix(lit) else {
            return false;
        };
        let after = &tail[tail.find('}').unwrap() + 1..];
        let part_len = rest_url.find(['/', '?', '&']).unwrap_or(rest_url.len());
        (1..=part_len).any(|n| matches(after, &rest_url[n..]))
    }

    /// Every option on, so every kind of start request is made.
    fn everything() -> SourceOptions {
        let mut o = SourceOptions::default();
        o.houjin.full_prefectures = vec![13];
        o.houjin.app_id = Some("APPID".into());
        o.houjin.numbers = vec!["1234567890123".into()];
        o.jrct.enabled = true;
        o.jrct.ids = vec!["jRCTb030210045".into()];
        o
    }

    #[test]
    fn every_start_url_is_a_catalogued_entry_point() {
        let ctx = StartContext::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2014, 1, 1),
        );
        for adapter in mieru_crawler::adapters::configured(&everything()) {
            let cat = CATALOGUE
                .iter()
                .find(|c| c.name == adapter.name())
                .unwrap_or_else(|| panic!("{} has no catalogue entry", adapter.name()));
            assert!(
                !cat.gaps.is_empty() && !cat.term_list.is_empty(),
                "{}",
                cat.name
            );
            let starts = adapter.start_requests(&ctx);
            assert!(!starts.is_empty(), "{}", cat.name);
            for r in starts {
                let mut url = r.url.clone();
                // The application ID is the user's secret, not part of the entry point.
                let query: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| k != "id")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                if query.is_empty() {
                    url.set_query(None);
                } else {
                    url.query_pairs_mut().clear().extend_pairs(query);
                }
                assert!(
                    cat.entries.iter().any(|e| matches(e.pattern, url.as_str())),
                    "{}: start URL {url} is not a catalogued entry point",
                    cat.name
                );
            }
        }
    }

    #[test]
    fn patterns_match_one_part_per_placeholder() {
        let p = "https://www.mhlw.go.jp/stf/houdou/houdou_list_{YYYYMM}.html";
        assert!(matches(
            p,
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_202611.html"
        ));
        assert!(!matches(
            p,
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_.html"
        ));
        assert!(!matches(
            p,
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_2026/11.html"
        ));
        assert!(matches("https://a.jp/x/{1|2}", "https://a.jp/x/2"));
        assert!(!matches("https://a.jp/x/{1|2}", "https://a.jp/x/2/page:3"));
    }

    #[test]
    fn jrct_is_off_by_default_and_says_so() {
        let jrct = CATALOGUE.iter().find(|c| c.name == "jrct").unwrap();
        assert!(!jrct.enabled_by_default);
        let default = mieru_crawler::adapters::all();
        let adapter = default.iter().find(|a| a.name() == "jrct").unwrap();
        assert!(adapter.start_requests(&StartContext::now()).is_empty());
    }

    /// The catalogue follows `../shared/sources.md` §7: each entry point's host appears in
    /// the file and its path, up to the first placeholder, in §7.
    #[test]
    fn entry_points_are_the_ones_sources_md_lists() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sources.md");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{} (CI keeps ../shared beside the checkout): {e}",
                path.display()
            )
        });
        let section = text.split("## 7.").nth(1).expect("§7 of sources.md");
        for cat in CATALOGUE {
            for e in cat.entries {
                let url = url::Url::parse(&e.pattern.replace(['{', '}', '|'], "")).unwrap();
                let host = url.host_str().unwrap();
                let host_root = host.trim_start_matches("www.");
                assert!(
                    text.contains(host_root),
                    "{}: host {host} not in sources.md",
                    cat.name
                );
                let fixed = e.pattern.split('{').next().unwrap();
                let path_part = &fixed[fixed.find(host).unwrap() + host.len()..];
                let path_part = path_part.split('?').next().unwrap();
                assert!(
                    section.contains(path_part),
                    "{}: {path_part} is not an entry point of sources.md §7",
                    cat.name
                );
            }
        }
    }
}
