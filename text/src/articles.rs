//! Mentions of articles of the Act (法第22条, 法第48条第2項) and of its enforcement
//! regulation (則第107条), normalised from spaced, kanji-numeral and chained forms.

use unicode_normalization::UnicodeNormalization;

use crate::normalize::is_kanji;
use crate::numerals::scan_number;

/// One article reference being built.
#[derive(Clone, Copy)]
struct Ref {
    law: &'static str,
    article: u64,
    branch: Option<u64>,
    paragraph: Option<u64>,
    item: Option<u64>,
}

impl Ref {
    fn render(&self) -> String {
        let mut s = format!("{}第{}条", self.law, self.article);
        if let Some(b) = self.branch {
            s.push_str(&format!("の{b}"));
        }
        if let Some(p) = self.paragraph {
            s.push_str(&format!("第{p}項"));
        }
        if let Some(i) = self.item {
            s.push_str(&format!("第{i}号"));
        }
        s
    }
}

/// The law prefix at `i`: 法 (the Act; not 医療法, 刑法 … but 同法 and 本法 are) or 則
/// (the regulation: 則, 規則, 施行規則). Returns the canonical prefix.
fn law_at(cs: &[char], i: usize) -> Option<&'static str> {
    let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
    match cs.get(i)? {
        '法' => match prev {
            Some(p) if is_kanji(p) && !matches!(p, '同' | '本') => None,
            _ => Some("法"),
        },
        '則' => match prev {
            Some(p) if is_kanji(p) && p != '規' => None,
            _ => Some("則"),
        },
        _ => None,
    }
}

/// The law a bare "第N条" refers to when the Act's full name was just abbreviated in
/// a parenthesis: "…法律（平成25年法律第85号。以下「法」という。）第22条".
fn defined_law_before(cs: &[char], i: usize) -> Option<&'static str> {
    let before: String = cs
        .iter()
        .take(i)
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let body = before
        .strip_suffix(")")
        .map(|b| b.strip_suffix('。').unwrap_or(b))?
        .strip_suffix("という")?;
    if body.ends_with("「法」") {
        Some("法")
    } else if body.ends_with("「規則」")
        || body.ends_with("「則」")
        || body.ends_with("「施行規則」")
    {
        Some("則")
    } else {
        None
    }
}

/// "第N" + unit (or "N" + unit when `bare` is allowed) at `k`: (N, unit, next index).
fn numbered(cs: &[char], k: usize, bare: bool) -> Option<(u64, char, usize)> {
    let (k, had_dai) = if cs.get(k) == Some(&'第') {
        (k + 1, true)
    } else {
        (k, false)
    };
    let bare_digits = bare && cs.get(k).is_some_and(|c| c.is_ascii_digit());
    if !(had_dai || bare_digits) {
        return None;
    }
    let (n, len) = scan_number(cs, k)?;
    let unit = *cs.get(k + len)?;
    matches!(unit, '条' | '項' | '号').then_some((n, unit, k + len + 1))
}

/// Paragraph and item after an article ("第1項第2号", "の2第1項"), updating `r`.
fn tail(cs: &[char], mut k: usize, r: &mut Ref) -> usize {
    if cs.get(k) == Some(&'の') {
        if let Some((b, len)) = scan_number(cs, k + 1) {
            r.branch = Some(b);
            k += 1 + len;
        }
    }
    if let Some((p, '項', next)) = numbered(cs, k, true) {
        r.paragraph = Some(p);
        k = next;
    }
    if let Some((g, '号', next)) = numbered(cs, k, true) {
        r.item = Some(g);
        k = next;
    }
    k
}

const CONNECTORS: &[&str] = &[
    "及び",
    "並びに",
    "又は",
    "若しくは",
    "、",
    ",",
    "・",
    "と",
    "及",
    "並",
];

fn skip_connector(cs: &[char], k: usize) -> Option<usize> {
    CONNECTORS.iter().find_map(|c| {
        let n = c.chars().count();
        let matches = c
            .chars()
            .enumerate()
            .all(|(o, ch)| cs.get(k + o) == Some(&ch));
        matches.then_some(k + n)
    })
}

/// Articles of the Act and its regulation mentioned in `text`, normalised to
/// "法第22条", "法第48条第2項", "法第4条第3項第2号", "則第107条", without duplicates,
/// in order of appearance. Chains share their law and article: "法第23条第1項及び第48条
/// 第2項" gives both articles, "法第24条第1項・第2項" both paragraphs.
pub fn find_articles(text: &str) -> Vec<String> {
    let cs = compact_chars(text);
    let mut out: Vec<String> = Vec::new();
    for (article, _) in mentions(&cs) {
        if !out.contains(&article) {
            out.push(article);
        }
    }
    out
}

/// One mention of an article, with what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleMention {
    /// Normalised as by [`find_articles`]: `法第22条`, `法第48条第2項`, `則第107条`.
    pub article: String,
    /// Up to 40 chars after the mention (NFKC, whitespace removed), to tell the basis
    /// of an order (`に基づき`) from an inspection (`に基づく立入検査`) or a
    /// violation (`違反`).
    pub after: String,
}

/// Every mention of an article in `text`, in order and with repeats (each has its own
/// context); chains give one mention per article, each followed by the rest of the
/// chain ("法第23条第1項及び第48条第2項に基づき": 法第23条第1項 is followed by
/// "及び第48条…").
pub fn find_article_mentions(text: &str) -> Vec<ArticleMention> {
    let cs = compact_chars(text);
    mentions(&cs)
        .into_iter()
        .map(|(article, end)| ArticleMention {
            article,
            after: cs.iter().skip(end).take(40).collect(),
        })
        .collect()
}

fn compact_chars(text: &str) -> Vec<char> {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Articles mentioned in the compacted chars, each with the index after it.
fn mentions(cs: &[char]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut push = |r: &Ref, end: usize| out.push((r.render(), end));
    let mut i = 0;
    while i < cs.len() {
        let (law, num_at) = match law_at(cs, i) {
            Some(law) => (law, i + 1),
            None => match defined_law_before(cs, i).filter(|_| cs.get(i) == Some(&'第')) {
                Some(law) => (law, i),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        let Some((article, '条', k)) = numbered(cs, num_at, true) else {
            i += 1;
            continue;
        };
        let mut r = Ref {
            law,
            article,
            branch: None,
            paragraph: None,
            item: None,
        };
        let mut k = tail(cs, k, &mut r);
        push(&r, k);
        // Continuations: 、第3条第3項 / 及び第48条第2項 / ・第2項 / 同条第2項
        while let Some(c) = skip_connector(cs, k) {
            let c = if cs.get(c) == Some(&'同') && cs.get(c + 1) == Some(&'条') {
                c + 2
            } else {
                c
            };
            let Some((n, unit, next)) = numbered(cs, c, false) else {
                break;
            };
            match unit {
                '条' => {
                    r = Ref {
                        law,
                        article: n,
                        branch: None,
                        paragraph: None,
                        item: None,
                    };
                    k = tail(cs, next, &mut r);
                }
                '項' => {
                    r.paragraph = Some(n);
                    r.item = None;
                    k = next;
                    if let Some((g, '号', after)) = numbered(cs, k, true) {
                        r.item = Some(g);
                        k = after;
                    }
                }
                _ => {
                    r.item = Some(n);
                    k = next;
                }
            }
            push(&r, k);
        }
        i = k.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::random_strings;

    #[test]
    fn find_articles_table() {
        let cases: &[(&str, &[&str])] = &[
            ("法第22条に基づき", &["法第22条"]),
            ("法第 22 条", &["法第22条"]),
            ("法第二十二条", &["法第22条"]),
            ("法第２２条", &["法第22条"]),
            ("法第48条第2項", &["法第48条第2項"]),
            ("法第 48 条第 2 項", &["法第48条第2項"]),
            ("法第23条第1項及び第48条第2項", &["法第23条第1項", "法第48条第2項"]),
            ("法第22条及び法第47条", &["法第22条", "法第47条"]),
            ("法第 22 条及び法第 47 条", &["法第22条", "法第47条"]),
            ("則第107条", &["則第107条"]),
            ("施行規則第百七条", &["則第107条"]),
            ("法第24条第1項・第2項", &["法第24条第1項", "法第24条第2項"]),
            (
                "法第4条第1項、第3条第3項、第13条第1号、第16条、第4条第3項第2号、第5条",
                &["法第4条第1項", "法第3条第3項", "法第13条第1号", "法第16条", "法第4条第3項第2号", "法第5条"],
            ),
            ("(法第4条第1項違反)(法第4条第1項違反)", &["法第4条第1項"]),
            ("法22条+47条", &["法第22条"]),
            ("法第22条の2", &["法第22条の2"]),
            ("同法第47条", &["法第47条"]),
            ("医療法第7条", &[]),
            ("平成25年法律第85号", &[]),
            ("法第22条、第2回目の", &["法第22条"]),
            ("法第52条第2項に基づく立入検査", &["法第52条第2項"]),
            ("法第24条第1項及び同条第2項", &["法第24条第1項", "法第24条第2項"]),
            (
                "再生医療等の安全性の確保等に関する法律（平成25年法律第85号。以下「法」という。）第22条及び第47条に基づき",
                &["法第22条", "法第47条"],
            ),
            ("同法施行規則（以下「規則」という。）第107条", &["則第107条"]),
            ("（以下「本件」という。）第3条", &[]),
            ("", &[]),
            ("法第", &[]),
            ("法第条", &[]),
        ];
        for (input, want) in cases {
            assert_eq!(find_articles(input), *want, "find_articles({input:?})");
        }
    }

    #[test]
    fn mentions_carry_what_follows() {
        let m = find_article_mentions("法第四条第三項第二号違反");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].article, "法第4条第3項第2号");
        assert!(m[0].after.starts_with("違反"));
        let m = find_article_mentions(
            "（平成２５年法律第８５号。以下「法」という。）第２３条第１項及び第４８条第２項の規定に基づき",
        );
        let got: Vec<(&str, &str)> = m
            .iter()
            .map(|m| (m.article.as_str(), m.after.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("法第23条第1項", "及び第48条第2項の規定に基づき"),
                ("法第48条第2項", "の規定に基づき"),
            ]
        );
        // Repeats stay, each with its own context: the basis and the violated article.
        let m = find_article_mentions("法第 22 条に基づき…(法第22条違反)");
        assert_eq!(m.len(), 2);
        assert!(m[0].after.starts_with("に基づき"));
        assert!(m[1].after.starts_with("違反"));
        let long: String = "あ".repeat(100);
        let m = find_article_mentions(&format!("則第107条{long}"));
        assert_eq!(m[0].after.chars().count(), 40);
        assert!(find_article_mentions("").is_empty());
    }

    #[test]
    fn never_panics() {
        let long = "法第22条及び".repeat(2000);
        assert_eq!(find_articles(&long), vec!["法第22条"]);
        let deep = "法第".repeat(5000);
        assert!(find_articles(&deep).is_empty());
        for s in random_strings(0xA27, 4000, 24) {
            for a in find_articles(&s) {
                assert!(a.starts_with("法第") || a.starts_with("則第"), "{a}");
            }
        }
    }
}
