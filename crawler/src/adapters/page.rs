//! What an adapter reads off an HTML page besides its text: links with their anchor text
//! (under a CSS selector), `onclick="return doDownload(N)"` numbers, and forms with their
//! action and hidden fields. Selectors are the structure `mieru sources check` verifies.

use crate::request::Link;
use scraper::{ElementRef, Html, Selector};
use url::Url;

/// Whitespace (full-width included) folded to single spaces, trimmed.
fn fold(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The element's text, whitespace folded.
pub fn text_of(el: ElementRef<'_>) -> String {
    fold(&el.text().collect::<String>())
}

/// `<a href>` under `selector` (e.g. `ul.m-listNews > li > a`), resolved against `base`,
/// kept only on `hosts`, without fragments, first occurrence of each URL in document order.
/// An invalid selector yields nothing (selectors are constants checked by tests).
pub fn links(page: &Html, selector: &str, base: &Url, hosts: &[&str]) -> Vec<Link> {
    anchors(page, selector, base, hosts)
        .into_iter()
        .map(|(url, el)| Link {
            url,
            text: text_of(el),
        })
        .collect()
}

/// The URLs of [`links`] alone, for callers that do not need the anchor text.
pub fn link_urls(page: &Html, selector: &str, base: &Url, hosts: &[&str]) -> Vec<Url> {
    anchors(page, selector, base, hosts)
        .into_iter()
        .map(|(url, _)| url)
        .collect()
}

/// The filtering [`links`] and [`link_urls`] share: each allowed URL once, with the first
/// element that named it.
fn anchors<'a>(
    page: &'a Html,
    selector: &str,
    base: &Url,
    hosts: &[&str],
) -> Vec<(Url, ElementRef<'a>)> {
    let Ok(sel) = Selector::parse(selector) else {
        return Vec::new();
    };
    let mut out: Vec<(Url, ElementRef<'a>)> = Vec::new();
    for el in page.select(&sel) {
        let Some(href) = el.value().attr("href") else {
            continue;
        };
        let Ok(mut url) = base.join(href.trim()) else {
            continue;
        };
        url.set_fragment(None);
        let allowed = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| hosts.contains(&h));
        if allowed && !out.iter().any(|(seen, _)| *seen == url) {
            out.push((url, el));
        }
    }
    out
}

/// How many elements `selector` matches (0 for an invalid selector).
pub fn count(page: &Html, selector: &str) -> usize {
    Selector::parse(selector)
        .map(|sel| page.select(&sel).count())
        .unwrap_or(0)
}

/// The number of a `return doDownload(N)` (or any `fn(N)`) handler.
pub fn onclick_number(onclick: &str, function: &str) -> Option<u64> {
    let rest = onclick.split(function).nth(1)?;
    let inner = rest.trim_start().strip_prefix('(')?;
    let digits: String = inner
        .trim_start()
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A download link written as `<a href="#" onclick="return doDownload(N)">`: its number, its
/// text, and the element for callers that read its row.
pub struct OnclickDownload<'a> {
    pub number: u64,
    pub text: String,
    pub element: ElementRef<'a>,
}

/// Every element under `selector` whose `onclick` calls `function(N)`.
pub fn onclick_downloads<'a>(
    page: &'a Html,
    selector: &str,
    function: &str,
) -> Vec<OnclickDownload<'a>> {
    let Ok(sel) = Selector::parse(selector) else {
        return Vec::new();
    };
    page.select(&sel)
        .filter_map(|el| {
            let number = onclick_number(el.value().attr("onclick")?, function)?;
            Some(OnclickDownload {
                number,
                text: text_of(el),
                element: el,
            })
        })
        .collect()
}

/// A `<form>`: where it posts and its fields (hidden inputs carry the session token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub action: Url,
    pub method: String,
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Forms under `selector`, their action resolved against `base` (a missing action posts to
/// the page itself), with every named `<input>` and its value.
pub fn forms(page: &Html, selector: &str, base: &Url) -> Vec<Form> {
    let (Ok(sel), Ok(input)) = (Selector::parse(selector), Selector::parse("input[name]")) else {
        return Vec::new();
    };
    page.select(&sel)
        .filter_map(|form| {
            let action = match form.value().attr("action").map(str::trim) {
                Some(a) if !a.is_empty() => base.join(a).ok()?,
                _ => base.clone(),
            };
            let fields = form
                .select(&input)
                .filter_map(|i| {
                    let name = i.value().attr("name")?;
                    Some((
                        name.to_string(),
                        i.value().attr("value").unwrap_or("").to_string(),
                    ))
                })
                .collect();
            Some(Form {
                action,
                method: form
                    .value()
                    .attr("method")
                    .unwrap_or("get")
                    .to_ascii_lowercase(),
                fields,
            })
        })
        .collect()
}

/// The `datetime` of the first `<time>` under `selector` (a release's own date).
pub fn time_datetime(page: &Html, selector: &str) -> Option<String> {
    let sel = Selector::parse(selector).ok()?;
    page.select(&sel)
        .find_map(|el| el.value().attr("datetime"))
        .map(|s| s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<html><body>
      <ul class="m-listNews"><li><a href="/stf/newpage_1.html#x"> 再生医療等の安全性の確保等に関する法律に基づく
        緊急命令について</a></li><li><a href="https://elsewhere.example/a">外</a></li>
        <li><a href="/stf/newpage_1.html">dup</a></li></ul>
      <form id="dl" method="POST" action="/download/sabun/">
        <input type="hidden" name="jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token" value="tok-1">
        <input type="hidden" name="event" value="">
      </form>
      <table><tr><th>令和8年11月2日</th><td><a href="#" onclick="return doDownload(1234);">CSV形式・Unicode</a></td></tr></table>
      <p class="m-boxInfo__date"><time datetime="2026-01-23">2026年1月23日</time></p>
    </body></html>"##;

    #[test]
    fn links_keep_their_text_and_stay_on_the_hosts() {
        let page = Html::parse_document(PAGE);
        let base = Url::parse("https://www.mhlw.go.jp/stf/houdou/houdou_list_202601.html").unwrap();
        let l = links(&page, "ul.m-listNews > li > a", &base, &["www.mhlw.go.jp"]);
        assert_eq!(l.len(), 1);
        assert_eq!(
            l[0].url.as_str(),
            "https://www.mhlw.go.jp/stf/newpage_1.html"
        );
        assert_eq!(
            l[0].text,
            "再生医療等の安全性の確保等に関する法律に基づく 緊急命令について"
        );
        assert_eq!(count(&page, "ul.m-listNews > li"), 3);
        assert_eq!(count(&page, "ul.missing"), 0);
    }

    #[test]
    fn onclick_numbers_forms_and_times() {
        let page = Html::parse_document(PAGE);
        let dl = onclick_downloads(&page, "a[onclick]", "doDownload");
        assert_eq!(dl.len(), 1);
        assert_eq!(dl[0].number, 1234);
        assert_eq!(dl[0].text, "CSV形式・Unicode");
        assert_eq!(
            onclick_number("return doDownload( '77' )", "doDownload"),
            Some(77)
        );
        assert_eq!(onclick_number("return other(77)", "doDownload"), None);
        let base =
            Url::parse("https://www.houjin-bangou.nta.go.jp/download/sabun/index.html").unwrap();
        let f = forms(&page, "form", &base);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].action.as_str(),
            "https://www.houjin-bangou.nta.go.jp/download/sabun/"
        );
        assert_eq!(f[0].method, "post");
        assert_eq!(
            f[0].field(
                "jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token"
            ),
            Some("tok-1")
        );
        assert_eq!(
            time_datetime(&page, "p.m-boxInfo__date > time").as_deref(),
            Some("2026-01-23")
        );
    }
}
