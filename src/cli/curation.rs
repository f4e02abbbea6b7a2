//! The commands of people who judge and decide: review and judge resolution pairs, manage
//! curators, decide correction reports. Every change is audited by the curation API.

use super::{CorrectionsAction, CuratorAction, DecisionArg, RoleArg};
use anyhow::{Context, Result};
use mieru::app::Mieru;
use mieru::pipeline::resolve::review;

/// Lists uncertain pairs (possible successors, possible duplicates) with their evidence.
pub(crate) fn review(app: &Mieru) -> Result<()> {
    let mut conn = app.pool.get()?;
    let pairs = review::list_uncertain(&mut conn)?;
    for p in &pairs {
        print!("{p}");
    }
    println!("{} uncertain pairs", pairs.len());
    Ok(())
}

/// Records a judgement on two entities or subject keys, then re-resolves.
pub(crate) fn judge(
    app: &Mieru,
    a: &str,
    b: &str,
    verdict: &str,
    reason: &str,
    author: &str,
) -> Result<()> {
    let verdict = review::Verdict::parse(verdict)?;
    let (sa, sb) = {
        let mut conn = app.pool.get()?;
        // Audited like every curation change.
        mieru::curation::ops::judge_from_cli(&mut conn, a, b, verdict, author, reason)?
    };
    println!("recorded {} on {sa} / {sb}", verdict.as_str());
    super::commands::refresh(app)
}

pub(crate) fn curator(app: &Mieru, action: CuratorAction) -> Result<()> {
    use mieru_web::curation::Role;
    let mut conn = app.pool.get()?;
    // Who ran the command, as far as the machine knows (there is no token on the CLI).
    let actor = match std::env::var("USER") {
        Ok(user) if !user.is_empty() => format!("cli:{user}"),
        _ => "cli".to_owned(),
    };
    match action {
        CuratorAction::Add { name, role } => {
            let role = match role {
                RoleArg::Curator => Role::Curator,
                RoleArg::Admin => Role::Admin,
            };
            let token = mieru::curation::add_curator(&mut conn, &name, role, &actor)?;
            eprintln!(
                "curator {name} ({}): token shown once, keep it secret",
                role.as_str()
            );
            println!("{token}");
        }
        CuratorAction::Revoke { name, reason } => {
            mieru::curation::revoke_curator(&mut conn, &name, &actor, &reason)?;
            println!("revoked {name}");
        }
        CuratorAction::List => {
            for c in mieru::store::curation::all_curators(&mut conn)? {
                let state = match c.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "active".to_owned(),
                };
                println!("{}\t{}\t{state}", c.name, c.role);
            }
        }
    }
    Ok(())
}

pub(crate) fn corrections(app: &Mieru, action: CorrectionsAction) -> Result<()> {
    use mieru::curation::corrections;
    let mut conn = app.pool.get()?;
    match action {
        CorrectionsAction::List { status, limit } => {
            let rows = corrections::list(&mut conn, None, status.as_deref(), limit)?;
            for r in &rows {
                println!("{}", corrections::one_line(r));
            }
            println!("{} reports", rows.len());
        }
        CorrectionsAction::Decide {
            id,
            decision,
            as_name,
            reason,
            verdict,
            fact_id,
            text,
        } => {
            let by = mieru::curation::active_curator(&mut conn, &as_name)?
                .with_context(|| format!("{as_name} is not an active curator"))?;
            let decision = mieru_web::curation::Decision {
                decision: match decision {
                    DecisionArg::Accept => mieru_web::curation::Verdict::Accept,
                    DecisionArg::Reject => mieru_web::curation::Verdict::Reject,
                },
                reason,
                verdict,
                fact_id,
                text,
            };
            let applied = corrections::decide(&mut conn, &id, &decision, &by)?;
            println!("{}", corrections::one_line(&applied.value));
            if let Some(job) = applied.job {
                drop(conn);
                run_job(app, job.id)?;
            }
        }
    }
    Ok(())
}

/// Runs the job a decision queued here and now (a command waits for its work, unlike a
/// request), with any other job waiting; a server's worker may have taken it first.
fn run_job(app: &Mieru, id: i64) -> Result<()> {
    use mieru::pipeline::jobs;
    let index = app.open_index()?;
    if let Some(run) = jobs::run_queued(&app.pool, &index, mieru::ops::locks::RESOLVE_WAIT)? {
        match &run.outcome {
            Ok(report) => println!("resolve: {report}"),
            Err(error) => anyhow::bail!("job {id} failed: {error}"),
        }
    }
    let mut conn = app.pool.get()?;
    let job = jobs::find(&mut conn, id)?.with_context(|| format!("job {id} vanished"))?;
    println!(
        "job {id}: {} (data version {})",
        job.status.as_str(),
        job.data_version
            .map_or_else(|| "none yet".to_owned(), |v| v.to_string())
    );
    Ok(())
}
