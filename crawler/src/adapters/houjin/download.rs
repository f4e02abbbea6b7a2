//! The download pages: `/download/sabun/` (daily diffs, one row per date) and
//! `/download/zenken/` (monthly full files, one cell per prefecture, 全国 and 国外).
//!
//! Each page is one form (`#appForm`) holding the session's token in a hidden input and, per
//! file, `<a href="#" onclick="return doDownload(N)">`. A browser's `doDownload(N)` sets
//! `selDlFileNo` and submits the form: a POST of the form's fields with `event=download` to
//! the form's action (the page itself). The numbers change with every publication, so a file
//! is named by what the page says of it: the page URL with `#{date}_diff_{section}` (the
//! row's `th` date) or `#{date}_{code}_all_{section}` (the section's 「…更新」 date and the
//! prefecture's JIS code), e.g. `…/download/sabun/#20261101_diff_csv_unicode`. A published
//! file never changes: the requests are immutable, so a file held is not fetched again.
//!
//! Each page has three sections, `h2#csv-sjis`, `h2#csv-unicode` and `h2#xml-unicode`; only
//! [`SECTION`] is read (see its note).
//!
//! The token is bound to the session that read the page (the fetcher keeps one cookie jar per
//! source and crawl). After a 304 the page is re-read from the archive, token included; the
//! replica keeps such a token valid, the real site is not known to answer 304 at all.

use super::Options;
use crate::adapter::ParseError;
use crate::adapters::page;
use crate::adapters::util;
use crate::request::Request;
use chrono::NaiveDate;
use scraper::{ElementRef, Html, Selector};
use url::Url;

/// The hidden input holding the session's token.
pub const TOKEN_FIELD: &str =
    "jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token";
/// The form field that carries the file's number.
pub const NUMBER_FIELD: &str = "selDlFileNo";
const DOWNLOAD_FN: &str = "doDownload";

/// The section whose files are fetched: CSV in Unicode (UTF-8). The Shift_JIS files replace
/// characters outside JIS X 0208 by look-alikes (the site's 縮退マップ), so a name such as
/// 髙橋 would not match the other sources; the Unicode files keep the registered name, and
/// UTF-8 is recognised without guessing.
pub const SECTION: &str = "csv-unicode";

/// Which download page a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `/download/sabun/`: daily diffs.
    Diff,
    /// `/download/zenken/`: monthly full files.
    Full,
}

impl PageKind {
    pub fn of(url: &Url) -> Option<Self> {
        let path = url.path();
        if path.starts_with("/download/sabun") {
            Some(Self::Diff)
        } else if path.starts_with("/download/zenken") {
            Some(Self::Full)
        } else {
            None
        }
    }
}

/// JIS prefecture codes by name; 0 is the nationwide file (全国), 99 the one of corporations
/// registered abroad (国外).
const REGIONS: [(&str, u8); 49] = [
    ("全国", 0),
    ("北海道", 1),
    ("青森県", 2),
    ("岩手県", 3),
    ("宮城県", 4),
    ("秋田県", 5),
    ("山形県", 6),
    ("福島県", 7),
    ("茨城県", 8),
    ("栃木県", 9),
    ("群馬県", 10),
    ("埼玉県", 11),
    ("千葉県", 12),
    ("東京都", 13),
    ("神奈川県", 14),
    ("新潟県", 15),
    ("富山県", 16),
    ("石川県", 17),
    ("福井県", 18),
    ("山梨県", 19),
    ("長野県", 20),
    ("岐阜県", 21),
    ("静岡県", 22),
    ("愛知県", 23),
    ("三重県", 24),
    ("滋賀県", 25),
    ("京都府", 26),
    ("大阪府", 27),
    ("兵庫県", 28),
    ("奈良県", 29),
    ("和歌山県", 30),
    ("鳥取県", 31),
    ("島根県", 32),
    ("岡山県", 33),
    ("広島県", 34),
    ("山口県", 35),
    ("徳島県", 36),
    ("香川県", 37),
    ("愛媛県", 38),
    ("高知県", 39),
    ("福岡県", 40),
    ("佐賀県", 41),
    ("長崎県", 42),
    ("熊本県", 43),
    ("大分県", 44),
    ("宮崎県", 45),
    ("鹿児島県", 46),
    ("沖縄県", 47),
    ("国外", 99),
];

/// The code of a region cell's name (`東京都`, ` 全国 `).
pub fn region_code(name: &str) -> Option<u8> {
    let name = util::compact(name);
    REGIONS
        .iter()
        .find(|(n, _)| name == *n)
        .map(|(_, code)| *code)
}

/// One `doDownload(N)` link and what the page says around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u64,
    /// The `id` of the section's `h2` (`csv-unicode`, …).
    pub section: Option<String>,
    /// The `th` date of the link's table row (diff rows).
    pub row_date: Option<NaiveDate>,
    /// The 「…更新」 date written under the section heading (full files).
    pub section_date: Option<NaiveDate>,
    /// The `dt` of the link's `dl` (the region of a full file).
    pub region: Option<String>,
}

fn selector(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

/// The nearest ancestor named `tag`.
fn ancestor<'a>(el: ElementRef<'a>, tag: &str) -> Option<ElementRef<'a>> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == tag)
}

/// The text of the first `child` under `el`.
fn child_text(el: ElementRef<'_>, child: &Selector) -> Option<String> {
    el.select(child).next().map(page::text_of)
}

/// Every download link in document order, with its section, dates and region.
pub fn rows(page: &Html) -> Vec<Row> {
    let (Some(walk), Some(th), Some(dt)) = (
        selector("h2[id], p, a[onclick]"),
        selector("th"),
        selector("dt"),
    ) else {
        return Vec::new();
    };
    let mut section: Option<String> = None;
    let mut section_date: Option<NaiveDate> = None;
    let mut out = Vec::new();
    for el in page.select(&walk) {
        match el.value().name() {
            "h2" => {
                section = el.value().attr("id").map(str::to_string);
                section_date = None;
            }
            "p" => {
                let text = page::text_of(el);
                if text.contains("更新") && section_date.is_none() {
                    section_date = util::first_date(&text);
                }
            }
            _ => {
                let Some(number) = el
                    .value()
                    .attr("onclick")
                    .and_then(|o| page::onclick_number(o, DOWNLOAD_FN))
                else {
                    continue;
                };
                let row_date = ancestor(el, "tr")
                    .and_then(|tr| child_text(tr, &th))
                    .and_then(|t| util::first_date(&t));
                let region = ancestor(el, "dl").and_then(|dl| child_text(dl, &dt));
                out.push(Row {
                    number,
                    section: section.clone(),
                    row_date,
                    section_date,
                    region,
                });
            }
        }
    }
    out
}

/// The page's token form: where it posts and its fields.
pub fn token_form(page: &Html, base: &Url) -> Option<page::Form> {
    page::forms(page, "form", base)
        .into_iter()
        .find(|f| f.field(TOKEN_FIELD).is_some_and(|t| !t.trim().is_empty()))
}

/// The page's own URL as the base of its files' names: no query, no `index.html`.
fn name_base(page_url: &Url) -> Url {
    let mut base = page_url.clone();
    base.set_query(None);
    base.set_fragment(None);
    if let Some(dir) = base.path().strip_suffix("index.html").map(str::to_string) {
        base.set_path(&dir);
    }
    base
}

/// The stable name of one file: `{page}#{date}_{what}_{section}`.
fn document_name(base: &Url, date: NaiveDate, what: &str, section: &str) -> Url {
    let mut doc = base.clone();
    let fragment = format!(
        "{}_{what}_{}",
        date.format("%Y%m%d"),
        section.replace('-', "_")
    );
    doc.set_fragment(Some(&fragment));
    doc
}

/// The form a browser submits for file `number`: every field of the page's form, with
/// `event=download` and the number set.
fn form_for(form: &page::Form, number: u64) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = form
        .fields
        .iter()
        .filter(|(n, _)| n != "event" && n != NUMBER_FIELD)
        .cloned()
        .collect();
    fields.push(("event".into(), "download".into()));
    fields.push((NUMBER_FIELD.into(), number.to_string()));
    fields
}

/// The name of each wanted row of `rows` (the [`SECTION`] rows; on the full-file page only
/// the requested regions). Rows without a date are skipped: they could not be named stably.
fn wanted(kind: PageKind, rows: &[Row], options: &Options) -> Vec<(u64, NaiveDate, String)> {
    let ours: Vec<&Row> = rows
        .iter()
        .filter(|r| r.section.as_deref() == Some(SECTION))
        .collect();
    let mut out = Vec::new();
    for (i, row) in ours.iter().enumerate() {
        match kind {
            PageKind::Diff => match row.row_date {
                Some(date) => out.push((row.number, date, "diff".to_string())),
                None => tracing::warn!(number = row.number, "diff row without a date skipped"),
            },
            PageKind::Full => {
                let Some(code) = row.region.as_deref().and_then(region_code) else {
                    continue;
                };
                if !options.full_prefectures.contains(&code) {
                    continue;
                }
                let Some(date) = row.section_date else {
                    tracing::warn!(code, "full file without an update date skipped");
                    continue;
                };
                // A large region is split into several files: number them in page order.
                let same = |r: &&&Row| r.region == row.region;
                let parts = ours.iter().filter(same).count();
                let part = ours.iter().take(i).filter(same).count() + 1;
                let what = if parts > 1 {
                    format!("{code:02}_all_{part:02}")
                } else {
                    format!("{code:02}_all")
                };
                out.push((row.number, date, what));
            }
        }
    }
    out
}

/// The form downloads a download page offers that `options` want.
pub fn requests(
    page_url: &Url,
    html: &str,
    kind: PageKind,
    options: &Options,
) -> Result<Vec<Request>, ParseError> {
    let page = Html::parse_document(html);
    let Some(form) = token_form(&page, page_url) else {
        return Err(ParseError::NoContent(format!(
            "no token field {TOKEN_FIELD}"
        )));
    };
    let rows = rows(&page);
    if rows.is_empty() {
        return Err(ParseError::NoContent("no doDownload(N) rows".into()));
    }
    if !rows.iter().any(|r| r.section.as_deref() == Some(SECTION)) {
        return Err(ParseError::NoContent(format!("no rows under h2#{SECTION}")));
    }
    let base = name_base(page_url);
    Ok(wanted(kind, &rows, options)
        .into_iter()
        .map(|(number, date, what)| {
            Request::post_form(
                form.action.clone(),
                form_for(&form, number),
                document_name(&base, date, &what, SECTION),
            )
            .immutable()
        })
        .collect())
}

/// What a download page lacks of what [`requests`] reads, each named.
pub fn missing(page_url: &Url, html: &str) -> Vec<String> {
    let page = Html::parse_document(html);
    let mut out = Vec::new();
    if token_form(&page, page_url).is_none() {
        out.push(format!("token field form input[name=\"{TOKEN_FIELD}\"]"));
    }
    let rows = rows(&page);
    if rows.is_empty() {
        out.push(format!(
            "download rows a[onclick=\"return {DOWNLOAD_FN}(N)\"]"
        ));
        return out;
    }
    let ours: Vec<&Row> = rows
        .iter()
        .filter(|r| r.section.as_deref() == Some(SECTION))
        .collect();
    if ours.is_empty() {
        out.push(format!("section h2#{SECTION} with download rows"));
        return out;
    }
    match PageKind::of(page_url) {
        Some(PageKind::Diff) if ours.iter().any(|r| r.row_date.is_none()) => {
            out.push("diff row dates tr > th (和暦)".into());
        }
        Some(PageKind::Full) => {
            if ours.iter().any(|r| r.section_date.is_none()) {
                out.push(format!("update date p 「…更新」 under h2#{SECTION}"));
            }
            if !ours
                .iter()
                .any(|r| r.region.as_deref().and_then(region_code).is_some())
            {
                out.push("region names dl > dt (全国, 東京都, …)".into());
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<form id="appForm" action="/download/zenken/index.html" method="post">
      <div><input type="hidden" name="jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token" value="t-1"/></div>
      <input type="hidden" name="event" id="event" value="download">
      <input type="hidden" name="selDlFileNo" id="selDlFileNo">
      <h2 id="csv-sjis">CSV形式・Shift_JIS</h2><p>令和8年10月31日更新</p>
      <dl><dt>東京都</dt><dd><a href="#" onclick="return doDownload(5);">zip</a></dd></dl>
      <h2 id="csv-unicode">CSV形式・Unicode</h2><p class="txtS">令和8年10月31日更新</p>
      <dl><dt>全国</dt><dd><a href="#" onclick="return doDownload(7);">zip</a></dd></dl>
      <dl><dt>東京都</dt><dd><ol><li><a href="#" onclick="return doDownload(8);">zip</a></li>
        <li><a href="#" onclick="return doDownload(9);">zip</a></li></ol></dd></dl>
      <dl><dt>大阪府</dt><dd><a href="#" onclick="return doDownload(10);">zip</a></dd></dl>
    </form>"##;

    fn page_url() -> Url {
        Url::parse("https://www.houjin-bangou.nta.go.jp/download/zenken/").unwrap()
    }

    #[test]
    fn regions_and_split_files_are_named_by_code_and_part() {
        let options = Options {
            full_prefectures: vec![13, 0],
            ..Options::default()
        };
        let r = requests(&page_url(), PAGE, PageKind::Full, &options).unwrap();
        let names: Vec<&str> = r.iter().map(|r| r.key()).collect();
        assert_eq!(
            names,
            [
                "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_00_all_csv_unicode",
                "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_13_all_01_csv_unicode",
                "https://www.houjin-bangou.nta.go.jp/download/zenken/#20261031_13_all_02_csv_unicode",
            ]
        );
        let first = &r[0];
        assert!(!first.is_get() && first.immutable);
        assert_eq!(
            first.url.as_str(),
            "https://www.houjin-bangou.nta.go.jp/download/zenken/index.html"
        );
        assert_eq!(
            first.form,
            [
                (TOKEN_FIELD.to_string(), "t-1".to_string()),
                ("event".to_string(), "download".to_string()),
                ("selDlFileNo".to_string(), "7".to_string()),
            ]
        );
        assert!(missing(&page_url(), PAGE).is_empty());
    }

    #[test]
    fn region_names_fold_spaces() {
        assert_eq!(region_code(" 東京都 "), Some(13));
        assert_eq!(region_code("全国"), Some(0));
        assert_eq!(region_code("国外"), Some(99));
        assert_eq!(region_code("東京"), None);
    }
}
