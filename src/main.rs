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
        Mieru::open(&cli.data_dir, cli.database_url.as_deref())
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
                mieru::resolve::review::record(&mut conn, &a, &b, verdict, &author, &reason)?
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
        Command::Serve { addr } => {
            let app = open()?;
            let index = Arc::new(app.open_index()?);
            if index.doc_count() == 0 {
                app.rebuild_index(&index)?;
            }
            serve(&app, index, addr).await?;
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
    }
    Ok(())
}
