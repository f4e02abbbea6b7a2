//! One-line summaries of entities (name, prefecture, status), as stored in `entities` and
//! used wherever another record names an entity.

use super::entities::{facts_of, name_timeline};
use super::{Context, Summary};
use crate::store::models::FactRow;
use mieru_crawler::provenance::{Property, SubjectKind};

fn prefecture_of(ctx: &Context<'_>, members: &[String]) -> Option<String> {
    let from_field = facts_of(ctx, members, Property::Prefecture)
        .into_iter()
        .find_map(|f| mieru_text::address::split_prefecture(&f.value).0);
    from_field
        .or_else(|| {
            facts_of(ctx, members, Property::Address)
                .into_iter()
                .find_map(|f| mieru_text::address::split_prefecture(&f.value).0)
        })
        .map(str::to_owned)
}

fn status_of(ctx: &Context<'_>, members: &[String]) -> String {
    if members.iter().any(|s| ctx.set.closure_stands(s)) {
        return "closed".into();
    }
    let all: Vec<&FactRow> = members.iter().flat_map(|s| ctx.set.of(s)).collect();
    if !all.is_empty() && all.iter().all(|f| f.retracted_at.is_some()) {
        return "delisted".into();
    }
    if all.is_empty() {
        "unknown".into()
    } else {
        "open".into()
    }
}

pub fn summarize(ctx: &Context<'_>, id: &str, members: &[String]) -> Summary {
    let kind = ctx.kind(id).unwrap_or(SubjectKind::Facility);
    let name = match kind {
        SubjectKind::Facility | SubjectKind::Cpc | SubjectKind::Organization => {
            name_timeline(ctx, members)
                .into_iter()
                .find(|v| v.current)
                .map(|v| v.value)
        }
        SubjectKind::Action => facts_of(ctx, members, Property::Headline)
            .first()
            .map(|f| mieru_text::normalize::display_clean(&f.value)),
        SubjectKind::Plan => facts_of(ctx, members, Property::Title)
            .first()
            .map(|f| mieru_text::normalize::display_clean(&f.value)),
        _ => None,
    };
    Summary {
        id: id.to_owned(),
        kind: kind.as_str().to_owned(),
        name: name.unwrap_or_else(|| id.to_owned()),
        prefecture: prefecture_of(ctx, members),
        status: status_of(ctx, members),
    }
}

/// The summary the context already holds for `id`, or one made now (an entity outside the
/// resolution the context was built from).
pub(super) fn summary_of(ctx: &Context<'_>, id: &str, members: &[String]) -> Summary {
    ctx.summaries
        .get(id)
        .cloned()
        .unwrap_or_else(|| summarize(ctx, id, members))
}
