//! The body of an order after its title, cut into its lead and its headed sections
//! (`【…】`, `第N …`, `記`), with the items found under chosen heads.

use crate::adapters::util::{self, clean, compact};

/// A document's body after its title: the lead, then heads (`【…】`, `第N …`, `記`) with the
/// lines under each.
#[derive(Debug, Default)]
pub(crate) struct Sections {
    pub lead: Vec<String>,
    pub heads: Vec<(String, Vec<String>)>,
}

impl Sections {
    pub(super) fn of(body: &[String]) -> Self {
        let mut s = Sections::default();
        let mut in_ki = false;
        for line in body {
            let t = line.trim_start_matches([' ', '\u{3000}']);
            let c = compact(t);
            // The page's footer ends the release.
            if FOOTER.iter().any(|f| c.starts_with(f)) {
                break;
            }
            if c == "記" {
                in_ki = true;
                s.heads.push(("記".into(), Vec::new()));
                continue;
            }
            if let Some(rest) = t.strip_prefix('【') {
                let head: String = rest.chars().take_while(|c| *c != '】').collect();
                let tail: String = rest.chars().skip_while(|c| *c != '】').skip(1).collect();
                let mut lines = Vec::new();
                if !clean(&tail).is_empty() {
                    lines.push(clean(&tail));
                }
                s.heads.push((clean(&head), lines));
                continue;
            }
            // Heads a copy wrote without brackets (`報告された事案`).
            if c.chars().count() <= 12
                && (c.ends_with("された事案") || c.ends_with("された法律違反"))
            {
                s.heads.push((c.clone(), Vec::new()));
                continue;
            }
            if in_ki {
                if let Some(head) = section_head(&c) {
                    s.heads.push((head, Vec::new()));
                    continue;
                }
            }
            match s.heads.last_mut() {
                Some((_, lines)) => lines.push(line.clone()),
                None => s.lead.push(line.clone()),
            }
        }
        s
    }

    /// Items under heads containing any of `words` (the 照会先 block never counts).
    pub(super) fn items_under(&self, words: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for (head, lines) in &self.heads {
            let h = compact(head);
            if h.contains("照会先") || h.contains("被処分者") || h == "記" {
                continue;
            }
            let is_plans = h.contains("再生医療等") && (h.contains("命じた") || h.contains("停止"));
            if is_plans && !h.contains("違反") {
                continue;
            }
            if words.iter().any(|w| h.contains(w)) {
                out.extend(util::items(lines));
            }
        }
        out
    }

    /// Plans listed under `【提供の一時停止を命じた再生医療等】`-like heads.
    pub(super) fn ordered_plans(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (head, lines) in &self.heads {
            let h = compact(head);
            if h.contains("再生医療等")
                && (h.contains("命じた") || h.contains("停止"))
                && !h.contains("違反")
            {
                out.extend(util::items(lines));
            }
        }
        out
    }
}

/// Lines that start the page chrome after a release's body.
const FOOTER: &[&str] = &[
    "ページの先頭へ戻る",
    "PDFファイルを見るためには",
    "公開日:",
    "ホーム>報道・広報",
];

/// `第1 被処分者等` → `被処分者等`; not `第4条…` inside a sentence.
fn section_head(compacted: &str) -> Option<String> {
    let rest = compacted.strip_prefix('第')?;
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let head: String = rest.chars().skip(digits).collect();
    (!head.starts_with('条') && !head.is_empty() && head.chars().count() <= 20).then_some(head)
}
