//! Small pieces of entry keys and sentences, shared by every kind of entry.

use crate::store::models::FactRow;
use chrono::NaiveDate;

/// The lowest fact ID among those stating an entry: a key part that survives rebuilds.
pub(super) fn min_id(facts: &[&FactRow]) -> String {
    facts
        .iter()
        .map(|f| f.id)
        .min()
        .map(|id| id.to_string())
        .unwrap_or_else(|| "0".into())
}

pub(super) fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "undated".into())
}

pub(super) fn property_ja(p: &str) -> &str {
    match p {
        "name" => "名称",
        "former_name" => "旧名",
        "address" => "所在地",
        "prefecture" => "都道府県",
        "operator" => "開設者",
        "manager" => "管理者",
        "status" => "状況",
        "closed_on" => "廃止日",
        "facility_number" => "施設番号",
        "corporate_number" => "法人番号",
        "phone" => "電話番号",
        "action_type" => "処分の種類",
        "issued_on" => "処分日",
        "target" => "対象",
        "finding" => "違反・事案",
        "measure" => "措置",
        "headline" => "表題",
        "article" => "根拠条文",
        other => other,
    }
}

/// A fact value for a sentence: references (subject keys) are not meaningful to readers.
pub(super) fn shown(f: &FactRow) -> String {
    if mieru_crawler::provenance::Property::parse(&f.property).is_some_and(|p| p.is_reference()) {
        "（参照）".into()
    } else {
        let v = mieru_text::normalize::display_clean(&f.value);
        if v.chars().count() > 60 {
            format!("{}…", v.chars().take(60).collect::<String>())
        } else {
            v
        }
    }
}
