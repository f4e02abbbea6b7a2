//! The `mieru` command line: its arguments ([`Cli`]) and one function per command
//! ([`commands`], and [`curation`] for the commands of people who judge and decide).
//!
//! Part of the `mieru` binary only. May depend on everything in the library, through
//! `app::Mieru` wherever an operation exists there.

pub(crate) mod commands;
pub(crate) mod curation;

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "mieru",
    version,
    about = "見える — a public registry of regulatory actions under Japan's Act on the Safety of Regenerative Medicine"
)]
pub(crate) struct Cli {
    /// Data directory: SQLite database, archived documents, search index.
    #[arg(
        long,
        global = true,
        default_value = "./mieru-data",
        env = "MIERU_DATA_DIR"
    )]
    pub(crate) data_dir: PathBuf,
    /// Database URL (`postgres://…`); default: SQLite at DATA_DIR/mieru.db.
    #[arg(long, global = true, env = "MIERU_DATABASE_URL")]
    pub(crate) database_url: Option<String>,
    /// Archive directory; default DATA_DIR/archive. Servers sharing one PostgreSQL database
    /// share it too (a network file system or one host), so each can serve every document.
    #[arg(long, global = true, env = "MIERU_ARCHIVE_DIR")]
    pub(crate) archive_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Start the bundled replica of the public sites, crawl it, resolve, index and serve.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Crawl the public sources (or their mirrors) into the archive and the database.
    Crawl {
        #[command(flatten)]
        sources: SourceArgs,
        /// Requests per second per host.
        #[arg(long, default_value_t = 1.0)]
        rate: f64,
        /// First month to read from month-listed sources, YYYY-MM (back to 2014-11; default:
        /// this and the previous month).
        #[arg(long)]
        since: Option<String>,
        /// Resolve and re-index after the crawl.
        #[arg(long)]
        no_resolve: bool,
    },
    /// The public sources themselves: `check` fetches only each source's entry pages and
    /// reports whether the structure mieru reads is still there (exit 1 names the source
    /// that drifted). Run it on a connected machine before a crawl.
    Sources {
        #[command(subcommand)]
        action: SourcesAction,
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
    /// Load a synthetic registry (fictional facilities and their events, see `mieru::ops::synth`)
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

/// Which sources, where from, and the choices some sources need.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct SourceArgs {
    /// Source adapter(s): e-saisei, mhlw-press, kouseikyoku, houjin-bangou, jrct (default: all
    /// but jrct, which needs --jrct).
    #[arg(long = "source")]
    pub(crate) sources: Vec<String>,
    /// Map a real host to a mirror: HOST=URL (repeatable).
    #[arg(long = "mirror")]
    pub(crate) mirrors: Vec<String>,
    /// Fetch the monthly full corporate-number files of these prefectures (JIS codes, e.g.
    /// 13,27); by default only the daily diffs are read.
    #[arg(long, value_delimiter = ',')]
    pub(crate) houjin_full: Vec<u8>,
    /// The corporate-number Web-API application ID: when set, the corporations mieru links
    /// are looked up with their history.
    #[arg(long, env = "MIERU_HOUJIN_APP_ID", hide_env_values = true)]
    pub(crate) houjin_app_id: Option<String>,
    /// Enable jRCT. Its terms ask automated crawlers to refrain and comprehensive collection
    /// needs permission: with this flag mieru fetches only the detail pages of jRCT IDs that
    /// other sources named, at one request per 10 s.
    #[arg(long)]
    pub(crate) jrct: bool,
}

#[derive(Subcommand, Debug)]
pub(crate) enum SourcesAction {
    /// Fetch each source's entry pages and check their structure.
    Check {
        #[command(flatten)]
        sources: SourceArgs,
        /// Requests per second per host.
        #[arg(long, default_value_t = 1.0)]
        rate: f64,
        /// Compute month pages for this date (YYYY-MM-DD) instead of today: for a replica
        /// that stands at another date (`mieru replica` stands at 2026-11-20).
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum CuratorAction {
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
pub(crate) enum RoleArg {
    Curator,
    Admin,
}

#[derive(Subcommand, Debug)]
pub(crate) enum CorrectionsAction {
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
pub(crate) enum DecisionArg {
    Accept,
    Reject,
}

#[derive(Subcommand, Debug)]
pub(crate) enum ResolveAction {
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
pub(crate) enum ImportFormat {
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    Jsonl,
    Csv,
}
