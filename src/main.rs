//! The `mieru` command line: crawl, ingest, resolve, index, serve, export — and `demo`, which
//! runs them all against the bundled replica of the public sources.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use mieru::app::Mieru;
use mieru_crawler::crawl::CrawlOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "mieru",
    version,
    about = "見える — a public registry of regulatory actions under Japan's Act on the Safety of Regenerative Medicine"
)]
struct Cli {
    /// Data directory: SQLite database, archived documents, search index.
    #[arg(
        long,
        global = true,
        default_value = "./mieru-data",
        env = "MIERU_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// Database URL (`postgres://…`); default: SQLite at DATA_DIR/mieru.db.
    #[arg(long, global = true, env = "MIERU_DATABASE_URL")]
    database_url: Option<String>,
    /// Archive directory; default DATA_DIR/archive. Servers sharing one PostgreSQL database
    /// share it too (a network file system or one host), so each can serve every document.
    #[arg(long, global = true, env = "MIERU_ARCHIVE_DIR")]
    archive_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the bundled replica of the public sites, crawl it, resolve, index and serve.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Crawl the public sources (or their mirrors) into the archive and the database.
    Crawl {
        /// Source adapter(s): mhlw-press, kouseikyoku, e-saisei, jrct, houjin-bangou (default: all).
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Map a real host to a mirror: HOST=URL (repeatable).
        #[arg(long = "mirror")]
        mirrors: Vec<String>,
        /// Requests per second per host.
        #[arg(long, default_value_t = 1.0)]
        rate: f64,
        /// Resolve and re-index after the crawl.
        #[arg(long)]
        no_resolve: bool,
    },
    /// Ingest documents you have (e.g. a PDF of an order) with a source's parser.
    Ingest {
        #[arg(long)]
        source: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Resolve entities and links, and rebuild the read models and the index; `review` lists
    /// uncertain pairs, `judge` records a human decision (it wins over every rule, for good).
    Resolve {
        #[command(subcommand)]
        action: Option<ResolveAction>,
    },
    /// Rebuild the search index from the database.
    Index,
    /// Search from the command line.
    Search {
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Serve the web site and the JSON API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// How often (milliseconds) to check whether the database moved on and re-index
        /// (several servers on one PostgreSQL stay in step); 0 turns it off.
        #[arg(long, default_value_t = 1000, env = "MIERU_INDEX_POLL_MS")]
        index_poll_ms: u64,
    },
    /// Verify the archive's SHA-256s and the database's references; exit code 1 on problems.
    Check {
        /// Remove temporary files left by interrupted archive writes (never any data).
        #[arg(long)]
        repair: bool,
    },
    /// Serve the bundled replica of the public sites on loopback (for trying the crawler).
    Replica {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },
    /// Export the data as JSON Lines or CSV files.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a JSON Lines export (as `export --format jsonl` writes it) into an empty
    /// database, then build the search index from it.
    Import {
        #[arg(long, value_enum)]
        format: ImportFormat,
        dir: PathBuf,
    },
    /// Manage curators: `add` prints a new bearer token once (only its hash is stored).
    Curator {
        #[command(subcommand)]
        action: CuratorAction,
    },
    /// The public correction reports: list them, or accept / reject one as a curator.
    Corrections {
        #[command(subcommand)]
        action: CorrectionsAction,
    },
    /// Load a synthetic registry (fictional facilities and their events, see `mieru::synth`)
    /// into an empty data directory, then resolve and index it: for benchmarks and load tests.
    Synth {
        #[arg(long, default_value_t = 10_000)]
        facilities: usize,
        /// Events per facility in the generated corpus.
        #[arg(long, default_value_t = 10)]
        events_per: usize,
        #[arg(long, default_value_t = 20_261_125)]
        seed: u64,
        /// Only load the documents and facts.
        #[arg(long)]
        no_resolve: bool,
    },
}

#[derive(Subcommand, Debug)]
enum CuratorAction {
    /// Create a curator (or re-issue a revoked one's token) and print the token.
    Add {
        name: String,
        #[arg(long, value_enum, default_value = "curator")]
        role: RoleArg,
    },
    /// Revoke a curator's token at once.
    Revoke {
        name: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List curators (names, roles, whether revoked; never tokens).
    List,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RoleArg {
    Curator,
    Admin,
}

#[derive(Subcommand, Debug)]
enum CorrectionsAction {
    /// The public log, newest first.
    List {
        /// open | accepted | rejected (default: all).
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Accept or reject an open report; accepting re-resolves and re-indexes.
    Decide {
        id: String,
        #[arg(value_enum)]
        decision: DecisionArg,
        /// The curator deciding (an active curator's name).
        #[arg(long = "as")]
        as_name: String,
        #[arg(long)]
        reason: String,
        /// For link reports: same | different | successor | not_successor.
        #[arg(long)]
        verdict: Option<String>,
        /// For wrong_fact reports that name no fact: the fact to hide.
        #[arg(long)]
        fact_id: Option<i64>,
        /// For outdated reports: the note shown on the record.
        #[arg(long)]
        text: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DecisionArg {
    Accept,
    Reject,
}

#[derive(Subcommand, Debug)]
enum ResolveAction {
    /// List uncertain pairs (possible successors, possible duplicates) with their evidence.
    Review,
    /// Record a judgement on two entities (IDs) or subject keys, then re-resolve.
    Judge {
        a: String,
        b: String,
        /// same | different | successor (B succeeded A) | not_successor
        verdict: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "reviewer")]
        author: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Csv,
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tantivy=warn,html5ever=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn serve(
    app: &Mieru,
    index: Arc<mieru::search::SearchIndex>,
    addr: SocketAddr,
) -> Result<()> {
    let registry = Arc::new(app.registry(index));
    let state = mieru_web::AppState {
        registry,
        site: mieru_web::SiteConfig {
            base_url: format!("http://{addr}"),
            data_version: chrono::Utc::now().format("%Y-%m-%d").to_string(),
            contact: "corrections@mieru.example.jp".into(),
        },
    };
    eprintln!("serving on http://{addr}/  (API: http://{addr}/api/v1/openapi.json)");
    mieru_web::serve(state, addr)
        .await
        .context("web server failed")
}

#[actix_web::main]
async fn main() -> Result<()> {
    init_logging();
    let cli = Cli::parse();
    let open = || {
        Mieru::open_with_archive(
            &cli.data_dir,
            cli.database_url.as_deref(),
            cli.archive_dir.as_deref(),
        )
        .context("cannot open the data directory")
    };
    match cli.command {
        Command::Demo { addr } => {
            let app = open()?;
            let replica = mieru::replica::start(mieru::replica::ReplicaFiles::Bundled)
                .context("cannot start the replica")?;
            eprintln!("replica of the public sources on http://{}", replica.addr);
            let options = CrawlOptions {
                rate_per_sec: 50.0,
                progress: true,
                ..CrawlOptions::default()
            };
            let (report, stats) = app.crawl(&[], &replica.mirrors(), &options).await?;
            eprintln!("{report}");
            eprintln!("ingest: {stats:?}");
            let index = Arc::new(app.open_index()?);
            let resolved = app.resolve_and_index(&index)?;
            eprintln!("resolve: {resolved}");
            serve(&app, index, addr).await?;
            replica.server.stop(true).await;
        }
        Command::Crawl {
            sources,
            mirrors,
            rate,
            no_resolve,
        } => {
            if !(rate > 0.0 && rate <= 100.0) {
                bail!("--rate must be between 0 and 100 requests per second");
            }
            let app = open()?;
            let options = CrawlOptions {
                rate_per_sec: rate,
                progress: true,
                ..CrawlOptions::default()
            };
            let (report, stats) = app.crawl(&sources, &mirrors, &options).await?;
            println!("{report}");
            println!("ingest: {stats:?}");
            if !no_resolve {
                let index = app.open_index()?;
                println!("resolve: {}", app.resolve_and_index(&index)?);
            }
        }
        Command::Ingest { source, files } => {
            let app = open()?;
            let stats = app.ingest_files(&source, &files)?;
            println!("ingest: {stats:?}");
            let index = app.open_index()?;
            println!("resolve: {}", app.resolve_and_index(&index)?);
        }
        Command::Resolve { action: None } => {
            let app = open()?;
            let index = app.open_index()?;
            println!("resolve: {}", app.resolve_and_index(&index)?);
        }
        Command::Resolve {
            action: Some(ResolveAction::Review),
        } => {
            let app = open()?;
            let mut conn = app.pool.get()?;
            let pairs = mieru::resolve::review::list_uncertain(&mut conn)?;
            for p in &pairs {
                print!("{p}");
            }
            println!("{} uncertain pairs", pairs.len());
        }
        Command::Resolve {
            action:
                Some(ResolveAction::Judge {
                    a,
                    b,
                    verdict,
                    reason,
                    author,
                }),
        } => {
            let app = open()?;
            let verdict = mieru::resolve::review::Verdict::parse(&verdict)?;
            let (sa, sb) = {
                let mut conn = app.pool.get()?;
                // Audited like every curation change.
                mieru::curation::ops::judge_from_cli(&mut conn, &a, &b, verdict, &author, &reason)?
            };
            println!("recorded {} on {sa} / {sb}", verdict.as_str());
            let index = app.open_index()?;
            println!("resolve: {}", app.resolve_and_index(&index)?);
        }
        Command::Index => {
            let app = open()?;
            let index = app.open_index()?;
            println!("indexed {} documents", app.rebuild_index(&index)?);
        }
        Command::Search { query, limit } => {
            let app = open()?;
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
        }
        Command::Serve {
            addr,
            index_poll_ms,
        } => {
            use mieru::index_follower::{self, IndexFollower};
            let app = open()?;
            let index = Arc::new(app.open_index()?);
            // A missing or behind index is built before the first request is served.
            if let Some(r) = index_follower::catch_up(&app.pool, &index)? {
                eprintln!(
                    "indexed {} documents (data version {:?})",
                    r.documents, r.version
                );
            }
            let follower = (index_poll_ms > 0).then(|| {
                IndexFollower::start(
                    app.pool.clone(),
                    index.clone(),
                    std::time::Duration::from_millis(index_poll_ms),
                )
            });
            let served = serve(&app, index, addr).await;
            if let Some(f) = follower {
                f.stop();
            }
            served?;
        }
        Command::Check { repair } => {
            let app = open()?;
            let report = mieru::check::run(&app, mieru::check::CheckOptions { repair })?;
            println!("{report}");
            if !report.is_clean() {
                std::process::exit(1);
            }
        }
        Command::Replica { addr } => {
            let replica = mieru::replica::start_on(mieru::replica::ReplicaFiles::Bundled, addr)?;
            println!("replica on http://{}; crawl it with:", replica.addr);
            let args: Vec<String> = replica
                .mirrors()
                .iter()
                .map(|m| format!("--mirror {m}"))
                .collect();
            println!("mieru crawl {}", args.join(" "));
            tokio::signal::ctrl_c().await?;
        }
        Command::Export { format, out } => {
            let app = open()?;
            let written = match format {
                ExportFormat::Jsonl => mieru::export::jsonl(&app, &out)?,
                ExportFormat::Csv => mieru::export::csv(&app, &out)?,
            };
            for (file, rows) in written {
                println!("{rows}\t{}", file.display());
            }
        }
        Command::Import { format, dir } => {
            let app = open()?;
            let report = match format {
                ImportFormat::Jsonl => mieru::import::jsonl(&app.pool, &dir)?,
            };
            println!("imported: {report}");
            let index = app.open_index()?;
            println!("indexed {} documents", app.rebuild_index(&index)?);
        }
        Command::Curator { action } => {
            use mieru_web::curation::Role;
            let app = open()?;
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
        }
        Command::Corrections { action } => {
            let app = open()?;
            let mut conn = app.pool.get()?;
            match action {
                CorrectionsAction::List { status, limit } => {
                    let rows = mieru::curation::corrections::list(
                        &mut conn,
                        None,
                        status.as_deref(),
                        limit,
                    )?;
                    for r in &rows {
                        println!("{}", mieru::curation::corrections::one_line(r));
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
                    let applied =
                        mieru::curation::corrections::decide(&mut conn, &id, &decision, &by)?;
                    println!("{}", mieru::curation::corrections::one_line(&applied.value));
                    if let Some(refreshed) = applied.refreshed {
                        println!("resolve: {}", refreshed.report);
                        let index = app.open_index()?;
                        println!("indexed {} documents", refreshed.reindex(&index)?);
                    }
                }
            }
        }
        Command::Synth {
            facilities,
            events_per,
            seed,
            no_resolve,
        } => {
            let app = open()?;
            let spec = mieru::synth::Spec::new(seed, facilities, events_per);
            use mieru::synth::load::Progress;
            mieru::synth::load::run(&app, &spec, !no_resolve, &mut |p| match p {
                Progress::Batch { done, total } if done % 10_000 != 0 && done != total => {}
                Progress::Batch { .. } => eprintln!("{p}"),
                _ => println!("{p}"),
            })?;
        }
    }
    Ok(())
}
