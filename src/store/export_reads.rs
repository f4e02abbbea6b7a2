//! The whole read models in keyset pages, read inside one snapshot: what the bulk exports
//! stream, so that writing a file holds one page in memory, never a table.

use super::models::{ActionRow, EntityRow, EntityViewRow, PlanRow};
use super::schema::{actions, entities, entity_views, plans};
use super::{DbConnection, StoreError};
use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// Runs `f` in one read-only transaction that sees a single state of the database, so the
/// pages of an export and the data version it is filed under agree even while a resolve
/// replaces the read models. SQLite (WAL) gives each transaction a snapshot already;
/// PostgreSQL's default isolation takes a new one per statement, hence REPEATABLE READ.
pub fn in_snapshot<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if let DbConnection::Postgresql(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// Entities (merged ones too) with IDs after `after`, in ID order.
pub fn entities_after(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<EntityRow>, StoreError> {
    let mut query = entities::table.select(EntityRow::as_select()).into_boxed();
    if let Some(a) = after {
        query = query.filter(entities::id.gt(a.to_owned()));
    }
    Ok(query.order(entities::id.asc()).limit(limit).load(conn)?)
}

/// Organization views (`organizations`), or every other view, with IDs after `after`, in
/// ID order.
pub fn views_after(
    conn: &mut DbConnection,
    organizations: bool,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<EntityViewRow>, StoreError> {
    let mut query = entity_views::table
        .select(EntityViewRow::as_select())
        .into_boxed();
    query = if organizations {
        query.filter(entity_views::kind.eq("organization"))
    } else {
        query.filter(entity_views::kind.ne("organization"))
    };
    if let Some(a) = after {
        query = query.filter(entity_views::entity_id.gt(a.to_owned()));
    }
    Ok(query
        .order(entity_views::entity_id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Plans with numbers after `after`, in number order.
pub fn plans_after(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<PlanRow>, StoreError> {
    let mut query = plans::table.select(PlanRow::as_select()).into_boxed();
    if let Some(a) = after {
        query = query.filter(plans::plan_number.gt(a.to_owned()));
    }
    Ok(query
        .order(plans::plan_number.asc())
        .limit(limit)
        .load(conn)?)
}

/// Actions with an issue date, newest first (ties by ID, descending), after the
/// `(issued_on, id)` of the previous page's last row.
pub fn dated_actions_after(
    conn: &mut DbConnection,
    after: Option<(NaiveDate, &str)>,
    limit: i64,
) -> Result<Vec<ActionRow>, StoreError> {
    let mut query = actions::table
        .filter(actions::issued_on.is_not_null())
        .select(ActionRow::as_select())
        .into_boxed();
    if let Some((date, id)) = after {
        query = query.filter(
            actions::issued_on.lt(date).or(actions::issued_on
                .eq(date)
                .and(actions::id.lt(id.to_owned()))),
        );
    }
    Ok(query
        .order((actions::issued_on.desc(), actions::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// Actions without an issue date, by ID descending, after `after`.
pub fn undated_actions_after(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ActionRow>, StoreError> {
    let mut query = actions::table
        .filter(actions::issued_on.is_null())
        .select(ActionRow::as_select())
        .into_boxed();
    if let Some(a) = after {
        query = query.filter(actions::id.lt(a.to_owned()));
    }
    Ok(query.order(actions::id.desc()).limit(limit).load(conn)?)
}
