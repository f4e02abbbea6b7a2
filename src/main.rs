//! The `mieru` command line: crawl, ingest, resolve, index, serve, export — and `demo`, which
//! runs them all against the bundled replica of the public sources.

mod cli;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{commands, curation, Cli, Command, ResolveAction, SourcesAction};
use mieru::app::Mieru;

fn init_logging() {
    use mieru_web::malformed::{CountingLayer, ACTIX_CONNECTION_TARGET};
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tantivy=warn,html5ever=error"));
    // What a client sends cannot write ERROR lines: actix-http's connection events are
    // counted and reported once a minute at WARN by the server instead. Both filters are
    // static, so no other call site pays for this.
    let quiet_connections = match format!("{ACTIX_CONNECTION_TARGET}=off").parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    // Colours only on a terminal: a log file or a collector gets plain text.
    let written = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_filter(quiet_connections);
    let counted = CountingLayer::global()
        .with_filter(Targets::new().with_target(ACTIX_CONNECTION_TARGET, LevelFilter::ERROR));
    tracing_subscriber::registry()
        .with(written)
        .with(counted)
        .init();
}

#[actix_web::main]
async fn main() -> Result<()> {
    init_logging();
    let cli = Cli::parse();
    if let Command::Replica { addr } = cli.command {
        // The replica needs no data directory.
        return commands::replica(addr).await;
    }
    let app = Mieru::open_with_archive(
        &cli.data_dir,
        cli.database_url.as_deref(),
        cli.archive_dir.as_deref(),
    )
    .context("cannot open the data directory")?;
    match cli.command {
        Command::Demo { addr } => commands::demo(&app, addr).await,
        Command::Crawl {
            sources,
            rate,
            since,
            no_resolve,
        } => commands::crawl(&app, &sources, rate, since.as_deref(), !no_resolve).await,
        Command::Sources {
            action:
                SourcesAction::Check {
                    sources,
                    rate,
                    as_of,
                },
        } => commands::check_sources(&app, &sources, rate, as_of.as_deref()).await,
        Command::Ingest { source, files } => commands::ingest(&app, &source, &files),
        Command::Resolve { action: None } => commands::refresh(&app),
        Command::Resolve {
            action: Some(ResolveAction::Review),
        } => curation::review(&app),
        Command::Resolve {
            action:
                Some(ResolveAction::Judge {
                    a,
                    b,
                    verdict,
                    reason,
                    author,
                }),
        } => curation::judge(&app, &a, &b, &verdict, &reason, &author),
        Command::Index => commands::index(&app),
        Command::Search { query, limit } => commands::search(&app, query, limit),
        Command::Serve {
            addr,
            index_poll_ms,
        } => commands::serve_following(&app, addr, index_poll_ms).await,
        Command::Check { repair } => commands::check(&app, repair),
        Command::Replica { addr } => commands::replica(addr).await,
        Command::Export { format, out } => commands::export(&app, format, &out),
        Command::Import { format, dir } => commands::import(&app, format, &dir),
        Command::Curator { action } => curation::curator(&app, action),
        Command::Corrections { action } => curation::corrections(&app, action),
        Command::Synth {
            facilities,
            events_per,
            seed,
            no_resolve,
        } => commands::synth(&app, facilities, events_per, seed, !no_resolve),
    }
}
