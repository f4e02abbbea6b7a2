//! One function per pipeline and operations command. Each opens the data directory through
//! [`Mieru`] and goes through its API; printing is the only thing done here.

use super::{ExportFormat, ImportFormat, SourceArgs};
use anyhow::{bail, Context, Result};
use mieru::app::{Mieru, SourceChoices};
use mieru::ops::replica::{self, ReplicaFiles};
use mieru::search::SearchIndex;
use mieru_crawler::crawl::CrawlOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Serves the web site and API over `app` until the server stops.
pub(crate) async fn serve(app: &Mieru, index: Arc<SearchIndex>, addr: SocketAddr) -> Result<()> {
    let registry = Arc::new(app.registry(index.clone()));
    // Curation writes and admin ingests queue their resolve as a job: this server's worker
    // runs them (the resolve lock lets one server's worker at a time do so per database).
    let worker = app.start_job_worker(&registry, index);
    let state = mieru_web::AppState {
        registry,
        site: mieru_web::SiteConfig {
            base_url: format!("http://{addr}"),
            data_version: chrono::Utc::now().format("%Y-%m-%d").to_string(),
            contact: "corrections@mieru.example.jp".into(),
        },
    };
    eprintln!("serving on http://{addr}/  (API: http://{addr}/api/v1/openapi.json)");
    let served = mieru_web::serve(state, addr)
        .await
        .context("web server failed");
    worker.stop();
    served
}

/// The bundled replica crawled, resolved, indexed and served: the main job on a fresh machine.
pub(crate) async fn demo(app: &Mieru, addr: SocketAddr) -> Result<()> {
    let replica = replica::start(ReplicaFiles::Bundled).context("cannot start the replica")?;
    eprintln!("replica of the public sources on http://{}", replica.addr);
    let options = CrawlOptions {
        rate_per_sec: 50.0,
        progress: true,
        today: Some(replica::as_of()),
        // The replica's month lists from the first order of the death case on; its 2017
        // order is read by `mieru crawl --since 2017-06` against `mieru replica`.
        since: chrono::NaiveDate::from_ymd_opt(2025, 9, 1),
        ..CrawlOptions::default()
    };
    // The replica is ours: jRCT's terms do not apply to it, so the demo shows every source.
    let every_source = SourceChoices {
        jrct: true,
        jrct_interval: Some(std::time::Duration::from_millis(100)),
        ..SourceChoices::default()
    };
    let (report, stats) = app
        .crawl_with(&[], &replica.mirrors(), &options, &every_source)
        .await?;
    eprintln!("{report}");
    eprintln!("ingest: {stats:?}");
    let index = Arc::new(app.open_index()?);
    let resolved = app.resolve_and_index(&index)?;
    eprintln!("resolve: {resolved}");
    serve(app, index, addr).await?;
    replica.server.stop(true).await;
    Ok(())
}

/// The user's source flags as the application's choices; jRCT named without `--jrct` is an
/// error rather than a crawl that silently reads nothing.
fn choices(args: &SourceArgs) -> Result<SourceChoices> {
    if args.sources.iter().any(|s| s == "jrct") && !args.jrct {
        bail!(
            "jRCT is off by default: its terms ({}) ask automated crawlers to refrain. Pass --jrct to fetch only the detail pages of jRCT IDs other sources named, at one request per 10 s",
            mieru_crawler::adapters::jrct::TERMS_URL
        );
    }
    if let Some(bad) = args.houjin_full.iter().find(|p| !(1..=47).contains(*p)) {
        bail!("--houjin-full takes prefecture codes 1 to 47 (13 = 東京都), not {bad}");
    }
    Ok(SourceChoices {
        houjin_full: args.houjin_full.clone(),
        houjin_app_id: args
            .houjin_app_id
            .clone()
            .filter(|id| !id.trim().is_empty()),
        jrct: args.jrct,
        ..SourceChoices::default()
    })
}

/// `YYYY-MM` as the first day of that month.
fn parse_month(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .with_context(|| format!("--since takes a month as YYYY-MM, not {s:?}"))
}

fn check_rate(rate: f64) -> Result<()> {
    if !(rate > 0.0 && rate <= 100.0) {
        bail!("--rate must be between 0 and 100 requests per second");
    }
    Ok(())
}

pub(crate) async fn crawl(
    app: &Mieru,
    args: &SourceArgs,
    rate: f64,
    since: Option<&str>,
    resolve: bool,
) -> Result<()> {
    check_rate(rate)?;
    let options = CrawlOptions {
        rate_per_sec: rate,
        progress: true,
        since: since.map(parse_month).transpose()?,
        ..CrawlOptions::default()
    };
    let (report, stats) = app
        .crawl_with(&args.sources, &args.mirrors, &options, &choices(args)?)
        .await?;
    println!("{report}");
    println!("ingest: {stats:?}");
    if resolve {
        refresh(app)?;
    }
    Ok(())
}

/// `mieru sources check`: exit code 1 (through the error) names every source that drifted.
pub(crate) async fn check_sources(
    app: &Mieru,
    args: &SourceArgs,
    rate: f64,
    as_of: Option<&str>,
) -> Result<()> {
    check_rate(rate)?;
    let today = as_of
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .with_context(|| format!("--as-of takes a date as YYYY-MM-DD, not {d:?}"))
        })
        .transpose()?;
    let options = CrawlOptions {
        rate_per_sec: rate,
        today,
        ..CrawlOptions::default()
    };
    let checks = app
        .check_sources(&args.sources, &args.mirrors, &options, &choices(args)?)
        .await?;
    for c in &checks {
        print!("{c}");
    }
    let drifted: Vec<&str> = checks
        .iter()
        .filter(|c| !c.passed() && !c.pages.is_empty())
        .map(|c| c.source.as_str())
        .collect();
    if !drifted.is_empty() {
        bail!("sources drifted or unreachable: {}", drifted.join(", "));
    }
    Ok(())
}

pub(crate) fn ingest(app: &Mieru, source: &str, files: &[PathBuf]) -> Result<()> {
    let stats = app.ingest_files(source, files)?;
    println!("ingest: {stats:?}");
    refresh(app)
}

/// Resolves, projects and re-indexes (`mieru resolve`).
pub(crate) fn refresh(app: &Mieru) -> Result<()> {
    let index = app.open_index()?;
    println!("resolve: {}", app.resolve_and_index(&index)?);
    Ok(())
}

pub(crate) fn index(app: &Mieru) -> Result<()> {
    let index = app.open_index()?;
    println!("indexed {} documents", app.rebuild_index(&index)?);
    Ok(())
}

pub(crate) fn search(app: &Mieru, query: String, limit: usize) -> Result<()> {
    let index = app.open_index()?;
    let results = index.search(&mieru_web::model::SearchRequest {
        q: query,
        limit,
        ..Default::default()
    })?;
    println!("{} results", results.total);
    for hit in results.hits {
        let former = if hit.former_names.is_empty() {
            String::new()
        } else {
            format!(" (旧: {})", hit.former_names.join(", "))
        };
        let actions = if hit.action_count > 0 {
            format!(" [行政処分 {}件]", hit.action_count)
        } else {
            String::new()
        };
        println!(
            "{}\t{}\t{}{}{}\t{}",
            hit.id,
            hit.entity,
            hit.name,
            former,
            actions,
            hit.prefecture.unwrap_or_default()
        );
    }
    Ok(())
}

/// Serves, with the index caught up first and then followed while the database moves on.
pub(crate) async fn serve_following(app: &Mieru, addr: SocketAddr, poll_ms: u64) -> Result<()> {
    use mieru::pipeline::index::{catch_up, IndexFollower};
    let index = Arc::new(app.open_index()?);
    // A missing or behind index is built before the first request is served.
    if let Some(r) = catch_up(&app.pool, &index)? {
        eprintln!(
            "indexed {} documents (data version {:?})",
            r.documents, r.version
        );
    }
    let follower = (poll_ms > 0).then(|| {
        IndexFollower::start(
            app.pool.clone(),
            index.clone(),
            std::time::Duration::from_millis(poll_ms),
        )
    });
    let served = serve(app, index, addr).await;
    if let Some(f) = follower {
        f.stop();
    }
    served
}

/// Exit code 1 when the check finds a problem.
pub(crate) fn check(app: &Mieru, repair: bool) -> Result<()> {
    let report = mieru::ops::check::run(app, mieru::ops::check::CheckOptions { repair })?;
    println!("{report}");
    if !report.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}

pub(crate) async fn replica(addr: SocketAddr) -> Result<()> {
    let replica = replica::start_on(ReplicaFiles::Bundled, addr)?;
    println!("replica on http://{}; crawl it with:", replica.addr);
    let args: Vec<String> = replica
        .mirrors()
        .iter()
        .map(|m| format!("--mirror {m}"))
        .collect();
    println!("mieru crawl {}", args.join(" "));
    tokio::signal::ctrl_c().await?;
    Ok(())
}

pub(crate) fn export(app: &Mieru, format: ExportFormat, out: &Path) -> Result<()> {
    let written = match format {
        ExportFormat::Jsonl => mieru::ops::export::jsonl(&app.pool, out)?,
        ExportFormat::Csv => mieru::ops::export::csv(&app.pool, out)?,
    };
    for (file, rows) in written {
        println!("{rows}\t{}", file.display());
    }
    Ok(())
}

pub(crate) fn import(app: &Mieru, format: ImportFormat, dir: &Path) -> Result<()> {
    let report = match format {
        ImportFormat::Jsonl => mieru::ops::import::jsonl(&app.pool, dir)?,
    };
    println!("imported: {report}");
    index(app)
}

pub(crate) fn synth(
    app: &Mieru,
    facilities: usize,
    events_per: usize,
    seed: u64,
    resolve: bool,
) -> Result<()> {
    use mieru::ops::synth::load::Progress;
    let spec = mieru::ops::synth::Spec::new(seed, facilities, events_per);
    mieru::ops::synth::load::run(app, &spec, resolve, &mut |p| match p {
        Progress::Batch { done, total } if done % 10_000 != 0 && done != total => {}
        Progress::Batch { .. } => eprintln!("{p}"),
        _ => println!("{p}"),
    })?;
    Ok(())
}
