//! Japanese era (和暦) rendering of Western dates, e.g. 2019-05-01 → 令和元年5月1日.

use chrono::{Datelike, NaiveDate};

/// Era name and first day, newest first.
const ERAS: [(&str, i32, u32, u32); 5] = [
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
    ("大正", 1912, 7, 30),
    ("明治", 1868, 10, 23),
];

/// `令和7年3月5日`; `None` before 明治 (no data of ours is that old).
pub fn era_form(date: NaiveDate) -> Option<String> {
    ERAS.iter().find_map(|&(name, y, m, d)| {
        let start = NaiveDate::from_ymd_opt(y, m, d)?;
        if date < start {
            return None;
        }
        let n = date.year() - y + 1;
        let year = if n == 1 {
            "元".to_owned()
        } else {
            n.to_string()
        };
        Some(format!("{name}{year}年{}月{}日", date.month(), date.day()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(era_form(d(2025, 3, 5)).unwrap(), "令和7年3月5日");
        assert_eq!(era_form(d(2019, 5, 1)).unwrap(), "令和元年5月1日");
        assert_eq!(era_form(d(2019, 4, 30)).unwrap(), "平成31年4月30日");
        assert_eq!(era_form(d(2016, 10, 31)).unwrap(), "平成28年10月31日");
        assert_eq!(era_form(d(1989, 1, 7)).unwrap(), "昭和64年1月7日");
        assert_eq!(era_form(d(1800, 1, 1)), None);
    }
}
