//! A deterministic synthetic registry for benchmarks and load tests: fictional facilities with
//! Japanese names, prefectures, addresses, former names, plan numbers and corporate numbers, and
//! dated events with text. Same seed, same corpus, on every machine and every run — so numbers
//! from two runs (or from two engines over one corpus) are comparable.
//!
//! Everything here is invented; any resemblance to a real clinic is a coincidence of common words.
//!
//! May depend on: `search` (index documents), `store` and `pipeline` (loading and resolving
//! in `load`). Must not depend on: `serve`.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::search::IndexDoc;

pub mod facts;
pub mod load;
mod vocabulary;

use vocabulary::{
    BRANCHES, BUILDINGS, BUREAUS, CORPORATE_FORMS, CPC_SUFFIXES, FINDINGS, GIVEN, MANAGERS,
    TREATMENTS,
};
pub use vocabulary::{CLINIC_SUFFIXES, DISTRICTS, EVENT_KINDS, PREFECTURES, STEMS, TOWNS};

/// One fictional facility (a clinic or a CPC) and the organization behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facility {
    /// `SF0000001`-style ID, unique.
    pub id: String,
    /// `facility` or `cpc`.
    pub kind: &'static str,
    pub name: String,
    pub former_names: Vec<String>,
    pub prefecture: &'static str,
    /// Current address first, then previous ones.
    pub addresses: Vec<String>,
    /// e-再生医療 plan numbers (`02C1910156`).
    pub plan_numbers: Vec<String>,
    /// CPC 施設番号 (`FC3…`), for CPCs only.
    pub facility_number: Option<String>,
    /// 13-digit 法人番号 with a valid check digit.
    pub corporate_number: String,
    pub corporation: String,
    /// Indices into [`Corpus::events`].
    pub events: std::ops::Range<usize>,
}

/// One dated line of a facility's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Index into [`Corpus::facilities`].
    pub facility: usize,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corpus {
    pub facilities: Vec<Facility>,
    pub events: Vec<Event>,
}

/// SplitMix64: tiny, fast and the same everywhere (no dependency on a crate's algorithm choice).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<'a, T: ?Sized>(&mut self, from: &[&'a T]) -> &'a T
    where
        &'a T: Default,
    {
        from.get(self.below(from.len()))
            .copied()
            .unwrap_or_default()
    }
}

/// What to generate. [`Spec::new`] is the standard corpus; the other fields are for tests and
/// benchmarks that need something particular of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub seed: u64,
    pub facilities: usize,
    pub events_per_facility: usize,
    /// Share of facilities with a former name, in percent (10 in the standard corpus).
    pub renamed_percent: u32,
    /// Every name (current and former) distinct from every other once folded, so that a name
    /// denotes one facility — what a ranking test needs. Off, look-alikes may coincide, as
    /// real clinic names sometimes do.
    pub unique_names: bool,
}

impl Spec {
    pub fn new(seed: u64, facilities: usize, events_per_facility: usize) -> Self {
        Self {
            seed,
            facilities,
            events_per_facility,
            renamed_percent: 10,
            unique_names: false,
        }
    }
}

/// Folded names already given out (only kept when names must be unique).
struct Names(Option<HashSet<String>>);

impl Names {
    /// Draws names with `draw` until one is free; after a few collisions a number makes it so
    /// (`…第12`), which keeps generation linear however full the name space gets.
    fn claim(&mut self, k: usize, mut draw: impl FnMut() -> String) -> String {
        let Some(taken) = &mut self.0 else {
            return draw();
        };
        let mut name = draw();
        for _ in 0..8 {
            if !taken.contains(&mieru_text::fold(&name)) {
                break;
            }
            name = draw();
        }
        if taken.contains(&mieru_text::fold(&name)) {
            name = format!("{name}第{k}");
        }
        taken.insert(mieru_text::fold(&name));
        name
    }
}

impl Corpus {
    /// `facilities` facilities with `events_per_facility` events each, all drawn from `seed`.
    /// About 10% carry a former name, 5% are CPCs.
    pub fn generate(seed: u64, facilities: usize, events_per_facility: usize) -> Self {
        Self::from_spec(&Spec::new(seed, facilities, events_per_facility))
    }

    pub fn from_spec(spec: &Spec) -> Self {
        let facilities = spec.facilities;
        let events_per_facility = spec.events_per_facility;
        let mut rng = Rng::new(spec.seed);
        let mut names = Names(spec.unique_names.then(HashSet::new));
        let mut corpus = Corpus {
            facilities: Vec::with_capacity(facilities),
            events: Vec::with_capacity(facilities * events_per_facility),
        };
        for k in 0..facilities {
            let facility = facility(
                &mut rng,
                k,
                corpus.events.len()..corpus.events.len(),
                spec,
                &mut names,
            );
            let first = corpus.events.len();
            for e in 0..events_per_facility {
                let event = event(&mut rng, k, &facility, e);
                corpus.events.push(event);
            }
            let mut facility = facility;
            facility.events = first..corpus.events.len();
            corpus.facilities.push(facility);
        }
        corpus
    }

    /// The search documents of the facilities: events' texts go into `text`, plan, facility and
    /// corporate numbers into `identifiers`, the corporation into `related_names`.
    pub fn index_docs(&self) -> impl Iterator<Item = IndexDoc> + '_ {
        self.facilities.iter().map(|f| self.index_doc(f))
    }

    pub fn index_doc(&self, f: &Facility) -> IndexDoc {
        let events = self.events.get(f.events.clone()).unwrap_or_default();
        let actions: Vec<&Event> = events
            .iter()
            .filter(|e| e.kind == "action_issued")
            .collect();
        let mut identifiers = f.plan_numbers.clone();
        identifiers.extend(f.facility_number.clone());
        identifiers.push(f.corporate_number.clone());
        let mut years: Vec<i32> = actions
            .iter()
            .map(|e| chrono::Datelike::year(&e.date))
            .collect();
        years.dedup();
        IndexDoc {
            id: f.id.clone(),
            entity: f.kind.into(),
            name: f.name.clone(),
            former_names: f.former_names.clone(),
            addresses: f.addresses.clone(),
            prefecture: Some(f.prefecture.into()),
            identifiers,
            related_names: vec![f.corporation.clone()],
            text: events.iter().map(|e| e.text.clone()).collect(),
            action_count: u32::try_from(actions.len()).unwrap_or(u32::MAX),
            action_types: if actions.is_empty() {
                Vec::new()
            } else {
                vec!["improvement_order".into()]
            },
            years,
        }
    }
}

fn facility(
    rng: &mut Rng,
    k: usize,
    events: std::ops::Range<usize>,
    spec: &Spec,
    names: &mut Names,
) -> Facility {
    let cpc = rng.chance(5);
    let name = names.claim(k, || facility_name(rng, cpc));
    let former_names = if rng.chance(spec.renamed_percent) {
        // A rename keeps the district more often than not, as real ones do after an order.
        let district = DISTRICTS
            .iter()
            .copied()
            .find(|d| name.starts_with(d))
            .filter(|_| rng.chance(60));
        let former = names.claim(k, || {
            let mut former = facility_name_in(rng, cpc, district);
            if former == name {
                former.push_str("旧院");
            }
            former
        });
        vec![former]
    } else {
        Vec::new()
    };
    let (prefecture, cities) = PREFECTURES
        .get(rng.below(PREFECTURES.len()))
        .copied()
        .unwrap_or(("東京都", &["中央区"]));
    let mut addresses = vec![address(rng, prefecture, cities)];
    if rng.chance(8) {
        addresses.push(address(rng, prefecture, cities));
    }
    let region = rng.below(8) + 1;
    let plans = 1 + rng.below(3);
    let plan_numbers = (0..plans)
        .map(|p| {
            let class = ["A", "B", "C", "D", "E", "F", "G"]
                .get(rng.below(7))
                .copied()
                .unwrap_or("C");
            // k and p make the number unique across the corpus.
            format!("{region:02}{class}{:07}", (k * 3 + p) % 10_000_000)
        })
        .collect();
    let facility_number = cpc.then(|| {
        format!(
            "F{}{}{:06}",
            ["A", "B", "C"].get(rng.below(3)).copied().unwrap_or("C"),
            region,
            k % 1_000_000
        )
    });
    let base = format!(
        "{:012}",
        300_000_000_000 + (k as u64) * 7919 % 600_000_000_000
    );
    let check = mieru_text::ids::corporate_check_digit(&base).unwrap_or(0);
    let corporate_number = format!("{check}{base}");
    let form = rng.pick(CORPORATE_FORMS);
    let corporation = if form == "株式会社" {
        format!(
            "{form}{}{}",
            rng.pick(STEMS),
            rng.pick(&["メディカル", "ヘルスケア", "バイオ", "ライフサイエンス"])
        )
    } else {
        format!("{form}{}{}会", rng.pick(STEMS), rng.pick(MANAGERS))
    };
    Facility {
        id: format!("SF{k:07}"),
        kind: if cpc { "cpc" } else { "facility" },
        name,
        former_names,
        prefecture,
        addresses,
        plan_numbers,
        facility_number,
        corporate_number,
        corporation,
        events,
    }
}

fn facility_name(rng: &mut Rng, cpc: bool) -> String {
    facility_name_in(rng, cpc, None)
}

/// A name, opening with `district` when given.
fn facility_name_in(rng: &mut Rng, cpc: bool, district: Option<&str>) -> String {
    let suffix = if cpc {
        rng.pick(CPC_SUFFIXES)
    } else {
        rng.pick(CLINIC_SUFFIXES)
    };
    let mut name = String::new();
    // Some names open with no district (`さくら幹細胞クリニック`).
    match district {
        Some(d) => name.push_str(d),
        None if rng.chance(85) => name.push_str(rng.pick(DISTRICTS)),
        None => {}
    }
    name.push_str(rng.pick(STEMS));
    if rng.chance(30) {
        name.push_str(rng.pick(STEMS));
    }
    name.push_str(suffix);
    name.push_str(rng.pick(BRANCHES));
    name
}

fn address(rng: &mut Rng, prefecture: &str, cities: &[&str]) -> String {
    let city = cities.get(rng.below(cities.len())).copied().unwrap_or("");
    format!(
        "{prefecture}{city}{}{}丁目{}番{}号{}",
        rng.pick(TOWNS),
        rng.below(9) + 1,
        rng.below(30) + 1,
        rng.below(25) + 1,
        rng.pick(BUILDINGS)
    )
}

fn event(rng: &mut Rng, k: usize, f: &Facility, e: usize) -> Event {
    let kind = EVENT_KINDS
        .get(e % EVENT_KINDS.len())
        .copied()
        .unwrap_or("plan_changed");
    let year = 2015 + ((k + e) % 11) as i32;
    let date = NaiveDate::from_ymd_opt(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32)
        .unwrap_or_default();
    let plan = f
        .plan_numbers
        .get(rng.below(f.plan_numbers.len()))
        .map_or("", String::as_str);
    let bureau = rng.pick(BUREAUS);
    let treatment = rng.pick(TREATMENTS);
    let text = match kind {
        "plan_submitted" => format!(
            "{}が再生医療等提供計画（{plan}「{treatment}」）を{bureau}に提出した。",
            f.name
        ),
        "plan_changed" => format!("計画{plan}の変更届：細胞培養加工施設及び実施医師を変更。"),
        "manager_changed" => format!(
            "管理者が{}{}医師から{}{}医師に交代した。",
            rng.pick(MANAGERS),
            rng.pick(GIVEN),
            rng.pick(MANAGERS),
            rng.pick(GIVEN)
        ),
        "relocated" => match (f.addresses.first(), f.addresses.get(1)) {
            (Some(now), Some(before)) => format!("{now}へ移転（旧所在地：{before}）。"),
            _ => format!(
                "所在地の住居表示が変更された（{}）。",
                f.addresses.first().map_or("", String::as_str)
            ),
        },
        "renamed" => match f.former_names.first() {
            Some(former) => format!("名称を{former}から{}に変更した。", f.name),
            None => format!("開設者{}の名称表記を更新した。", f.corporation),
        },
        "inspection" => format!(
            "{bureau}による立入検査。{}ことが確認された。",
            rng.pick(FINDINGS)
        ),
        "action_issued" => format!(
            "{bureau}長が法第二十四条に基づく改善命令を発出。{}。",
            rng.pick(FINDINGS)
        ),
        "improvement_reported" => "改善命令に対する改善報告書を提出した。".to_string(),
        "plan_discontinued" => format!("計画{plan}の提供を中止した（中止届）。"),
        _ => format!("{}が廃止届を提出した。", f.name),
    };
    Event {
        facility: k,
        date,
        kind,
        text,
    }
}

/// Katakana → hiragana (a user typing a clinic's katakana name in hiragana).
pub fn to_hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Full-width katakana, ASCII and the long-vowel mark → half-width (`クリニック` → `ｸﾘﾆｯｸ`),
/// as old systems and some users type them.
pub fn to_halfwidth(s: &str) -> String {
    const FULL: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    const HALF: &str = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
    let half_of = |c: char| FULL.chars().zip(HALF.chars()).find(|(f, _)| *f == c);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some((_, h)) = half_of(c) {
            out.push(h);
        } else if let Some((_, h)) = char::from_u32(c as u32 - 1)
            .and_then(half_of)
            .filter(|_| "ガギグゲゴザジズゼゾダヂヅデドバビブベボ".contains(c))
        {
            out.push(h);
            out.push('ﾞ');
        } else if let Some((_, h)) = char::from_u32(c as u32 - 2)
            .and_then(half_of)
            .filter(|_| "パピプペポ".contains(c))
        {
            out.push(h);
            out.push('ﾟ');
        } else if c == 'ヴ' {
            out.push_str("ｳﾞ");
        } else if ('！'..='～').contains(&c) {
            out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_corpus_and_sizes() {
        let a = Corpus::generate(7, 500, 10);
        let b = Corpus::generate(7, 500, 10);
        assert_eq!(a, b);
        assert_eq!(a.facilities.len(), 500);
        assert_eq!(a.events.len(), 5_000);
        assert_ne!(a, Corpus::generate(8, 500, 10));
        for f in &a.facilities {
            assert_eq!(f.events.len(), 10);
            assert!(a
                .events
                .get(f.events.clone())
                .unwrap()
                .iter()
                .all(|e| e.facility == a.facilities.iter().position(|g| g.id == f.id).unwrap()));
        }
    }

    #[test]
    fn the_standard_spec_is_the_standard_corpus() {
        assert_eq!(
            Corpus::from_spec(&Spec::new(5, 300, 3)),
            Corpus::generate(5, 300, 3)
        );
        // A facility does not depend on how many follow it (a 10k corpus is a 100k's prefix).
        let small = Corpus::generate(20_261_125, 10, 0);
        let large = Corpus::generate(20_261_125, 50, 0);
        assert_eq!(small.facilities.first(), large.facilities.first());
    }

    #[test]
    fn unique_names_never_repeat_once_folded() {
        let spec = Spec {
            renamed_percent: 100,
            unique_names: true,
            ..Spec::new(9, 5_000, 0)
        };
        let c = Corpus::from_spec(&spec);
        let mut seen = std::collections::HashSet::new();
        for f in &c.facilities {
            assert_eq!(f.former_names.len(), 1);
            for n in std::iter::once(&f.name).chain(&f.former_names) {
                assert!(seen.insert(mieru_text::fold(n)), "{n} twice");
            }
        }
    }

    #[test]
    fn identifiers_are_valid_and_unique() {
        let c = Corpus::generate(1, 2_000, 1);
        let mut plans = std::collections::HashSet::new();
        for f in &c.facilities {
            assert!(
                mieru_text::ids::is_valid_corporate_number(&f.corporate_number),
                "{}",
                f.corporate_number
            );
            for p in &f.plan_numbers {
                assert_eq!(
                    mieru_text::ids::find_plan_numbers(p),
                    std::slice::from_ref(p)
                );
                assert!(plans.insert(p.clone()), "duplicate {p}");
            }
            assert_eq!(f.kind == "cpc", f.facility_number.is_some());
            assert!(f.addresses.iter().all(|a| a.starts_with(f.prefecture)));
        }
        let former = c
            .facilities
            .iter()
            .filter(|f| !f.former_names.is_empty())
            .count();
        assert!((120..=280).contains(&former), "about 10% renamed: {former}");
        let cpcs = c.facilities.iter().filter(|f| f.kind == "cpc").count();
        assert!((40..=170).contains(&cpcs), "about 5% CPCs: {cpcs}");
    }

    #[test]
    fn index_docs_carry_events_and_identifiers() {
        let c = Corpus::generate(3, 20, 10);
        let docs: Vec<IndexDoc> = c.index_docs().collect();
        assert_eq!(docs.len(), 20);
        for (doc, f) in docs.iter().zip(&c.facilities) {
            assert_eq!(doc.text.len(), 10);
            assert!(doc.identifiers.contains(&f.corporate_number));
            assert!(doc.text.iter().any(|t| t.contains(&f.name)));
            assert_eq!(doc.action_count, 1);
        }
    }

    #[test]
    fn kana_variants() {
        assert_eq!(to_hiragana("さくらクリニック"), "さくらくりにっく");
        assert_eq!(
            to_halfwidth("ステムセル・クリニック"),
            "ｽﾃﾑｾﾙ･ｸﾘﾆｯｸ".replace('･', "・")
        );
        assert_eq!(to_halfwidth("ビューティーパーク"), "ﾋﾞｭｰﾃｨｰﾊﾟｰｸ");
        assert_eq!(
            mieru_text::display_clean(&to_halfwidth("ガーデン")),
            "ガーデン"
        );
    }
}
