//! Who issued an order, on which date, and for what period, as its lead says.

use crate::adapters::util::{self, compact};
use chrono::{Datelike, NaiveDate};

/// `九州厚生局長は` in the lead; else none (the caller's default applies).
pub(super) fn authority_in(lead: &str) -> Option<String> {
    let c = compact(lead);
    let head = c.split("長は").next().filter(|h| h.len() < c.len())?;
    let tail: String = head
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    for bureau in [
        "北海道厚生局",
        "東北厚生局",
        "関東信越厚生局",
        "東海北陸厚生局",
        "近畿厚生局",
        "中国四国厚生局",
        "四国厚生支局",
        "九州厚生局",
    ] {
        if tail.ends_with(bureau) {
            return Some(format!("{bureau}長"));
        }
    }
    None
}

/// The date of issue from the lead when no header date is given: `令和7年3月5日付け`, or a
/// copy's `10月31日付で` resolved against the last full date before it.
pub(super) fn issue_date(lead: &[String]) -> Option<NaiveDate> {
    let text = lead.join("");
    for sentence in util::lead_sentences(&text) {
        let c = compact(&sentence);
        if !(c.contains("命じ") || c.contains("行いました") || c.contains("要請")) {
            continue;
        }
        if let Some(d) = util::first_date(&sentence) {
            return Some(d);
        }
        let anchor = util::find_dates(&text).into_iter().last();
        if let Some(d) = month_day(&sentence, anchor) {
            return Some(d);
        }
    }
    None
}

/// A stated period: `令和7年9月1日から令和7年11月30日まで`.
pub(super) fn period(lead: &[String]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    for line in lead {
        let c = compact(line);
        if let (Some(from_at), Some(until_at)) = (c.find("から"), c.find("まで")) {
            if from_at < until_at && (c.contains("期間") || c.contains("停止")) {
                let before = c.get(..from_at).unwrap_or("");
                let between = c.get(from_at..until_at).unwrap_or("");
                let from = util::find_dates(before).into_iter().last();
                let until = util::find_dates(between).into_iter().last();
                if from.is_some() && until.is_some() {
                    return (from, until);
                }
            }
        }
    }
    (None, None)
}

/// `M月D日` (no year) in `s`, resolved to the year of `anchor` (the last full date before it).
fn month_day(s: &str, anchor: Option<NaiveDate>) -> Option<NaiveDate> {
    static MD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        crate::adapters::util::static_regex(r"(\d{1,2})月(\d{1,2})日付")
    });
    let day_or_month = |after: &str| after.starts_with('月') || after.starts_with('日');
    let c = mieru_text::numerals::kanji_numbers_before(&compact(s), day_or_month, &[]);
    let cap = MD.captures(&c)?;
    let m: u32 = cap.get(1)?.as_str().parse().ok()?;
    let d: u32 = cap.get(2)?.as_str().parse().ok()?;
    let anchor = anchor?;
    let date = NaiveDate::from_ymd_opt(anchor.year(), m, d)?;
    // A date before its anchor belongs to the next year (an inspection in December, an
    // order in January).
    if date < anchor {
        NaiveDate::from_ymd_opt(anchor.year() + 1, m, d)
    } else {
        Some(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_without_year_takes_it_from_the_inspection_date() {
        let lead = vec![
            "平成28年10月28日、「Ａクリニック」に対し立入検査を行ったところ、違反が確認されました。"
                .to_string(),
            "10月31日付で、法第22条に基づき、再生医療等の提供の一時停止を命じました。".to_string(),
        ];
        assert_eq!(issue_date(&lead), NaiveDate::from_ymd_opt(2016, 10, 31));
    }

    #[test]
    fn authority_is_the_bureau_chief_named_in_the_lead() {
        assert_eq!(
            authority_in("九州厚生局長は、本日、下記のとおり").as_deref(),
            Some("九州厚生局長")
        );
        assert_eq!(authority_in("本日付けで、法第22条に基づき"), None);
    }
}
