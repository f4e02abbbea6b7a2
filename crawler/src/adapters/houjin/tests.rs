//! Real rows (eval/real/houjin-bangou/, recorded Web-API responses) for every process code
//! found in public material, and rows built from the published layout for 13, 72 and 81,
//! of which no real row was found (each such test says so).
use super::rows::{col, org_key, read_body, ymd, Process};
use crate::adapters::util::Facts;
use crate::document::Body;
use crate::provenance::{Fact, Property as P};
use chrono::NaiveDate;

const V2_EXCERPT: &[u8] = include_bytes!(
    "../../../../eval/real/houjin-bangou/webapi-v2-diff-20170101-20170110-excerpt.csv"
);
const V2_FULL: &[u8] =
    include_bytes!("../../../../eval/real/houjin-bangou/webapi-v2-diff-20170101-20170110-p1.csv");
const V1_EXCERPT: &[u8] = include_bytes!(
    "../../../../eval/real/houjin-bangou/webapi-v1-diff-20170101-20170110-excerpt.csv"
);
const V4_XML: &str =
    include_str!("../../../../eval/real/houjin-bangou/webapi-v4-diff-20220126-excerpt.xml");

fn sjis(bytes: &[u8]) -> String {
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    assert!(!bad, "real files decode as Shift_JIS");
    text.into_owned()
}

fn facts_of(body: Body) -> (usize, Vec<Fact>) {
    let mut f = Facts::default();
    let n = read_body(&body, &mut f);
    (n, f.into_vec())
}

fn key(n: &str) -> String {
    org_key(n).0
}

fn vals(facts: &[Fact], number: &str, p: P) -> Vec<String> {
    let k = key(number);
    facts
        .iter()
        .filter(|f| f.subject.0 == k && f.property == p)
        .map(|f| f.value.clone())
        .collect()
}

fn on(facts: &[Fact], number: &str, p: P) -> Vec<Option<NaiveDate>> {
    let k = key(number);
    facts
        .iter()
        .filter(|f| f.subject.0 == k && f.property == p)
        .map(|f| f.observed_on)
        .collect()
}

fn d(s: &str) -> Option<NaiveDate> {
    ymd(s)
}

fn subject_count(facts: &[Fact]) -> usize {
    let mut s: Vec<&str> = facts.iter().map(|f| f.subject.0.as_str()).collect();
    s.sort_unstable();
    s.dedup();
    s.len()
}

#[test]
fn houjin_process_codes_parse() {
    for (code, p) in [
        ("01", Process::New),
        ("11", Process::NameChange),
        ("12", Process::AddressChange),
        ("13", Process::ForeignAddressChange),
        ("21", Process::Closure),
        ("22", Process::ClosureRevoked),
        ("71", Process::Merger),
        ("72", Process::MergerAnnulled),
        ("81", Process::TradeNameDeleted),
        ("99", Process::Deleted),
        ("42", Process::Other),
    ] {
        assert_eq!(Process::parse(code), p, "{code}");
    }
}

#[test]
fn houjin_real_v2_excerpt_every_code_found() {
    let (rows, f) = facts_of(Body::Text(sjis(V2_EXCERPT)));
    // The response header line is not a corporation; 22 rows are.
    assert_eq!(rows, 22);
    assert_eq!(subject_count(&f), 26);

    // 01: a new 医療法人.
    assert_eq!(
        vals(&f, "3140005023319", P::Name),
        ["医療法人社団かすや矯正歯科"]
    );
    assert_eq!(vals(&f, "3140005023319", P::RegisteredOn), ["2016-12-26"]);
    assert_eq!(vals(&f, "3140005023319", P::OrgKind), ["399"]);

    // 11: rename effective 2016-12-19 (current) and a history row (latest = 0) kept too.
    assert_eq!(vals(&f, "7180005015589", P::NameChangedOn), ["2016-12-19"]);
    assert_eq!(on(&f, "7180005015589", P::Name), [d("2016-12-19")]);
    assert_eq!(vals(&f, "8120105008398", P::NameChangedOn), ["2016-12-14"]);
    assert_eq!(
        vals(&f, "8120105008398", P::Name),
        ["一般社団法人ＷＨＡＴ　ＷＯＲＫＳ"]
    );

    // 12: address change.
    assert_eq!(
        vals(&f, "1020002076630", P::AddressChangedOn),
        ["2016-12-26"]
    );
    assert_eq!(
        vals(&f, "1020002076630", P::Address),
        ["神奈川県横浜市神奈川区三ツ沢中町２３番１６号"]
    );

    // 21: 医療法人 closures with each close cause; the merger one names its successor.
    assert_eq!(vals(&f, "3040005003966", P::ClosedOn), ["2016-12-20"]);
    assert_eq!(vals(&f, "3040005003966", P::CloseCause), ["01"]);
    assert!(vals(&f, "3040005003966", P::Successor).is_empty());
    assert_eq!(vals(&f, "7430005006091", P::CloseCause), ["21"]);
    assert_eq!(vals(&f, "2180005002617", P::ClosedOn), ["2016-12-16"]);
    assert_eq!(vals(&f, "2180005002617", P::CloseCause), ["11"]);
    assert_eq!(
        vals(&f, "2180005002617", P::Successor),
        [key("9100005009497")]
    );

    // 22: closure revoked → active again; the row states no closure of its own.
    for (n, date) in [
        ("2110005006772", "2016-12-22"),
        ("4050005010969", "2016-12-16"),
        ("5010802002345", "2016-12-22"),
        ("8260001020014", "2016-12-19"),
    ] {
        assert_eq!(vals(&f, n, P::ClosureRevokedOn), [date], "{n}");
        assert_eq!(on(&f, n, P::ClosureRevokedOn), [d(date)], "{n}");
        assert!(vals(&f, n, P::ClosedOn).is_empty(), "{n}");
        assert!(vals(&f, n, P::CloseCause).is_empty(), "{n}");
    }
    assert_eq!(vals(&f, "2110005006772", P::Name), ["財団法人柏崎文教会館"]);

    // 71: on the survivor; the absorbed corporation (named in changeCause) gets the link.
    for (absorbed, survivor, date) in [
        ("1030005009066", "1060005003462", "2016-11-22"),
        ("5060001006465", "2060001028099", "2016-12-09"),
        ("9240001049707", "2140001103001", "2016-12-07"),
        ("2200001025908", "2200001025957", "2016-12-12"),
    ] {
        assert_eq!(vals(&f, absorbed, P::Successor), [key(survivor)]);
        assert_eq!(on(&f, absorbed, P::Successor), [d(date)]);
        assert!(vals(&f, survivor, P::Successor).is_empty());
        assert!(vals(&f, survivor, P::ClosedOn).is_empty());
    }

    // 99: the record is void: only the deletion, dated by updateDate; not even the number.
    for n in [
        "3100001008599",
        "3200003000156",
        "7100005003485",
        "8700150077132",
    ] {
        assert_eq!(vals(&f, n, P::DeletedOn), ["2017-01-04"], "{n}");
        let k = key(n);
        assert_eq!(f.iter().filter(|x| x.subject.0 == k).count(), 1, "{n}");
    }
    // No correction in this file.
    assert!(f.iter().all(|x| x.property != P::CorrectedOn));
}

#[test]
fn houjin_real_v2_full_part_reads_every_row() {
    let (rows, f) = facts_of(Body::Text(sjis(V2_FULL)));
    assert_eq!(rows, 2000);
    let count = |p: P| f.iter().filter(|x| x.property == p).count();
    assert_eq!(count(P::DeletedOn), 4);
    assert_eq!(count(P::ClosureRevokedOn), 4);
    assert_eq!(count(P::NameChangedOn), 78);
    // 641 closure rows; a corporation closed twice in the window would share no fact.
    assert_eq!(count(P::ClosedOn), 641);
    // Every 71 row names its absorbed corporation.
    let merged: Vec<&Fact> = f
        .iter()
        .filter(|x| x.property == P::Successor && x.value == key("2060001028099"))
        .collect();
    assert_eq!(merged.len(), 1);
}

#[test]
fn houjin_real_v1_rows_of_23_columns_are_read() {
    let (rows, f) = facts_of(Body::Text(sjis(V1_EXCERPT)));
    assert_eq!(rows, 5);
    assert_eq!(subject_count(&f), 6);
    assert_eq!(
        vals(&f, "2110005006772", P::ClosureRevokedOn),
        ["2016-12-22"]
    );
    assert_eq!(vals(&f, "3100001008599", P::DeletedOn), ["2017-01-04"]);
    assert_eq!(
        vals(&f, "1030005009066", P::Successor),
        [key("1060005003462")]
    );
    assert_eq!(vals(&f, "2180005002617", P::CloseCause), ["11"]);
    assert_eq!(vals(&f, "3040005003966", P::Name), ["医療法人社団　平生会"]);
}

#[test]
fn houjin_real_v4_xml_correction_is_marked() {
    let (rows, f) = facts_of(Body::Text(V4_XML.to_string()));
    assert_eq!(rows, 2);
    // correct = 1: corrected 2022-01-26, of the change observed 2015-10-05.
    assert_eq!(vals(&f, "1010001040308", P::CorrectedOn), ["2022-01-26"]);
    assert_eq!(on(&f, "1010001040308", P::CorrectedOn), [d("2015-10-05")]);
    assert_eq!(vals(&f, "1010001040308", P::Name), ["株式会社カント不動産"]);
    assert!(vals(&f, "1010001012570", P::CorrectedOn).is_empty());
    assert_eq!(vals(&f, "1010001012570", P::ClosedOn), ["2022-01-19"]);
    assert_eq!(
        vals(&f, "1010001012570", P::NameKana),
        ["ミツイブッサングローバルトウシ"]
    );
}

/// A 30-column row from the published layout (not a real row).
fn built(
    seq: &str,
    number: &str,
    process: &str,
    correct: &str,
    update: &str,
    change: &str,
) -> Vec<String> {
    let mut r = vec![String::new(); 30];
    let set = |r: &mut Vec<String>, i: usize, v: &str| {
        if let Some(slot) = r.get_mut(i) {
            *slot = v.to_string();
        }
    };
    set(&mut r, 0, seq);
    set(&mut r, col::CORPORATE_NUMBER, number);
    set(&mut r, col::PROCESS, process);
    set(&mut r, col::CORRECT, correct);
    set(&mut r, col::UPDATE_DATE, update);
    set(&mut r, col::CHANGE_DATE, change);
    set(&mut r, col::KIND, "301");
    set(&mut r, col::ASSIGNMENT_DATE, "2015-10-05");
    set(&mut r, 23, "1");
    r
}

fn with(mut r: Vec<String>, i: usize, v: &str) -> Vec<String> {
    if let Some(slot) = r.get_mut(i) {
        *slot = v.to_string();
    }
    r
}

#[test]
fn houjin_codes_without_real_rows_13_72_81() {
    // No real 13, 72 or 81 row was found in public material: these rows are built from the
    // published column layout (numbers are real ones from the excerpt, reused).
    let survivor = "2060001028099";
    let absorbed = "5060001006465";
    let rows = vec![
        with(
            with(built("1", "7000012050002", "13", "0", "2024-05-02", "2024-05-01"), col::ADDRESS_OUTSIDE, "アメリカ合衆国ニューヨーク州"),
            col::NAME,
            "Example Inc.",
        ),
        with(
            with(built("2", survivor, "72", "0", "2024-06-03", "2024-06-01"), col::NAME, "株式会社栃木ブレックス"),
            col::CHANGE_CAUSE,
            "令和６年６月１日株式会社リンクスポーツエンターテインメント（5060001006465）との合併無効",
        ),
        with(built("3", "2110005006772", "81", "0", "2024-07-02", "2024-07-01"), col::NAME, "財団法人柏崎文教会館"),
    ];
    let (n, f) = facts_of(Body::Csv(rows));
    assert_eq!(n, 3);
    assert_eq!(
        vals(&f, "7000012050002", P::AddressChangedOn),
        ["2024-05-01"]
    );
    assert_eq!(
        vals(&f, "7000012050002", P::Address),
        ["アメリカ合衆国ニューヨーク州"]
    );
    assert_eq!(vals(&f, survivor, P::MergerAnnulledOn), ["2024-06-01"]);
    assert_eq!(vals(&f, absorbed, P::SuccessorAnnulled), [key(survivor)]);
    assert!(vals(&f, absorbed, P::Successor).is_empty());
    assert_eq!(vals(&f, "2110005006772", P::DeletedOn), ["2024-07-01"]);
    assert_eq!(vals(&f, "2110005006772", P::Name), ["財団法人柏崎文教会館"]);
}

#[test]
fn houjin_correction_supersedes_the_same_change_in_one_file() {
    // Layout-built rows: an address change, then its correction, then a later change.
    let n = "5070001032626";
    let rows = vec![
        with(
            built("1", n, "12", "0", "2018-05-03", "2018-05-02"),
            col::STREET,
            "本町４７番地",
        ),
        with(
            built("2", n, "12", "1", "2018-05-08", "2018-05-02"),
            col::STREET,
            "本町４８番地",
        ),
        with(
            built("3", n, "12", "0", "2021-06-09", "2021-06-02"),
            col::STREET,
            "飯塚町１４７番地４",
        ),
    ];
    let (count, f) = facts_of(Body::Csv(rows));
    assert_eq!(count, 3);
    assert_eq!(
        vals(&f, n, P::Address),
        ["本町４８番地", "飯塚町１４７番地４"]
    );
    assert_eq!(vals(&f, n, P::CorrectedOn), ["2018-05-08"]);
    assert_eq!(on(&f, n, P::CorrectedOn), [d("2018-05-02")]);
    assert_eq!(
        vals(&f, n, P::AddressChangedOn),
        ["2018-05-02", "2021-06-02"]
    );
}
