//! The crawl driver: breadth-first over each adapter's documents, one fetch per URL per crawl.
//!
//! The driver never stops on one bad document: a fetch error, an adapter error or a sink error
//! is recorded and counted, and the crawl goes on. Only a crawl without server or network
//! failures (and whose start documents were read) is reported complete, because only a complete
//! crawl may let the sink mark unseen documents as removed.

use crate::adapter::{Adapter, ParseError, Parsed, StartContext};
use crate::decode::{decode, decode_fetched};
use crate::document::{Body, Document};
use crate::fetch::{FetchConfig, FetchOutcome, Fetcher, RawBody};
use crate::provenance::DocumentMeta;
use crate::request::Request;
use crate::sink::{ParseOutcome, Sink, Validators};
use chrono::{NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use url::Url;

#[derive(Debug, Clone, PartialEq)]
pub struct CrawlOptions {
    /// Requests per second per host.
    pub rate_per_sec: f64,
    pub max_retries: u32,
    pub retry_base_delay: Duration,
    pub timeout: Duration,
    /// Largest body accepted, in bytes.
    pub size_cap: u64,
    /// Stop each source after this many documents (the crawl is then incomplete).
    pub max_documents: Option<usize>,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// First month that month-listed sources read (`--since YYYY-MM`); see [`StartContext`].
    pub since: Option<NaiveDate>,
    /// The date start pages are computed for; today when `None` (tests fix it).
    pub today: Option<NaiveDate>,
    /// Where large bodies are spooled (the archive's directory, so archiving is a rename).
    pub spool_dir: Option<std::path::PathBuf>,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        let f = FetchConfig::default();
        Self {
            rate_per_sec: f.rate_per_sec,
            max_retries: f.max_retries,
            retry_base_delay: f.retry_base_delay,
            timeout: f.timeout,
            size_cap: f.size_cap,
            max_documents: None,
            progress: false,
            since: None,
            today: None,
            spool_dir: None,
        }
    }
}

impl CrawlOptions {
    /// The fetcher settings these options stand for (the rest keep their defaults).
    pub fn fetch_config(&self) -> FetchConfig {
        FetchConfig {
            rate_per_sec: self.rate_per_sec,
            max_retries: self.max_retries,
            retry_base_delay: self.retry_base_delay,
            timeout: self.timeout,
            size_cap: self.size_cap,
            spool_dir: self.spool_dir.clone(),
            ..FetchConfig::default()
        }
    }

    /// What start requests are computed from.
    pub fn start_context(&self) -> StartContext {
        StartContext::new(
            self.today.unwrap_or_else(|| Utc::now().date_naive()),
            self.since,
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceReport {
    pub source: String,
    /// Documents received with a body (2xx).
    pub fetched: usize,
    /// 304 answers to a conditional GET.
    pub unchanged: usize,
    /// Fetched documents the sink stored as a new snapshot.
    pub new_snapshots: usize,
    pub failed: usize,
    pub gone: usize,
    pub parse_errors: usize,
    pub facts: usize,
    /// Calls to the sink that failed (the crawl went on).
    pub sink_errors: usize,
    pub complete: bool,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    pub per_source: Vec<SourceReport>,
}

impl CrawlReport {
    pub fn source(&self, name: &str) -> Option<&SourceReport> {
        self.per_source.iter().find(|r| r.source == name)
    }
}

impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} fetched ({} new), {} unchanged, {} gone, {} failed, {} parse errors, {} facts",
            self.source,
            self.fetched,
            self.new_snapshots,
            self.unchanged,
            self.gone,
            self.failed,
            self.parse_errors,
            self.facts
        )?;
        if self.sink_errors > 0 {
            write!(f, ", {} sink errors", self.sink_errors)?;
        }
        write!(
            f,
            " in {:.1}s{}",
            self.elapsed.as_secs_f64(),
            if self.complete { "" } else { " (incomplete)" }
        )
    }
}

impl fmt::Display for CrawlReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.per_source.is_empty() {
            return writeln!(f, "no sources crawled");
        }
        for r in &self.per_source {
            writeln!(f, "{r}")?;
        }
        Ok(())
    }
}

/// Crawl every adapter in turn. robots.txt is read afresh once per host for this crawl.
pub async fn crawl(
    adapters: &[&dyn Adapter],
    fetcher: &Fetcher,
    sink: &mut dyn Sink,
    opts: &CrawlOptions,
) -> CrawlReport {
    fetcher.begin_crawl();
    let mut report = CrawlReport::default();
    for adapter in adapters {
        let r = crawl_source(*adapter, fetcher, sink, opts).await;
        tracing::info!(report = %r, "source crawled");
        report.per_source.push(r);
    }
    report
}

struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool, source: &str) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) =
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(source.to_string());
            bar
        });
        Self { bar }
    }

    fn step(&self, done: usize, queued: usize, url: &Url) {
        if let Some(bar) = &self.bar {
            bar.set_length((done + queued) as u64);
            bar.set_position(done as u64);
            bar.set_message(url.to_string());
        }
    }

    /// One line per document when there is no bar.
    fn document(&self, source: &str, url: &Url, status: &str, facts: usize) {
        if self.bar.is_none() {
            tracing::info!(source, url = %url, status, facts, "document");
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

struct SourceCrawl<'a> {
    adapter: &'a dyn Adapter,
    hosts: HashSet<String>,
    queue: VecDeque<(Request, bool)>,
    queued: HashSet<String>,
    seen: Vec<String>,
    seen_set: HashSet<String>,
    report: SourceReport,
}

impl<'a> SourceCrawl<'a> {
    fn new(adapter: &'a dyn Adapter) -> Self {
        Self {
            adapter,
            hosts: adapter
                .hosts()
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            queue: VecDeque::new(),
            queued: HashSet::new(),
            seen: Vec::new(),
            seen_set: HashSet::new(),
            report: SourceReport {
                source: adapter.name().to_string(),
                ..SourceReport::default()
            },
        }
    }

    /// Queue a request once per document; whether it was queued (or already was).
    fn enqueue(&mut self, request: &Request, is_start: bool) -> bool {
        let url = &request.url;
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let host_ok = url
            .host_str()
            .is_some_and(|h| self.hosts.contains(&h.to_ascii_lowercase()));
        if !host_ok {
            // Links never send the crawler to a host the adapter did not declare.
            tracing::debug!(source = self.adapter.name(), url = %url, "link to unlisted host skipped");
            return false;
        }
        if self.queued.insert(request.key().to_string()) {
            self.queue.push_back((request.clone(), is_start));
        }
        true
    }

    fn mark_seen(&mut self, url: &str) {
        if self.seen_set.insert(url.to_string()) {
            self.seen.push(url.to_string());
        }
    }

    fn follow(&mut self, parsed: &Parsed) {
        for link in &parsed.links {
            self.enqueue(link, false);
        }
    }

    fn sink_error(&mut self, what: &str, url: &Url, e: &crate::sink::SinkError) {
        self.report.sink_errors += 1;
        tracing::error!(source = self.adapter.name(), url = %url, error = %e, "sink {what} failed");
    }
}

/// Run an adapter's parser; a panic on hostile input becomes a parse error.
fn parse_safely(adapter: &dyn Adapter, doc: &Document) -> ParseOutcome {
    catch_unwind(AssertUnwindSafe(|| adapter.parse(doc))).unwrap_or_else(|_| {
        Err(ParseError::Malformed(format!(
            "adapter {} panicked on this document",
            adapter.name()
        )))
    })
}

async fn crawl_source(
    adapter: &dyn Adapter,
    fetcher: &Fetcher,
    sink: &mut dyn Sink,
    opts: &CrawlOptions,
) -> SourceReport {
    let name = adapter.name();
    let started_at = Utc::now();
    let t0 = Instant::now();
    let mut c = SourceCrawl::new(adapter);
    let mut complete = true;
    let starts = adapter.start_requests(&opts.start_context());
    if starts.is_empty() {
        tracing::warn!(source = name, "adapter has no start requests");
    }
    for request in &starts {
        if !c.enqueue(request, true) {
            tracing::error!(source = name, url = %request.url, "start URL is not on the adapter's hosts");
            complete = false;
        }
    }
    let limits = adapter.limits();
    let progress = Progress::new(opts.progress, name);
    let mut processed = 0usize;

    while let Some((request, is_start)) = c.queue.pop_front() {
        let url = request.document.clone();
        if c.seen_set.contains(url.as_str()) {
            // Already read as the target of an earlier redirect.
            continue;
        }
        if opts.max_documents.is_some_and(|max| processed >= max) {
            tracing::warn!(
                source = name,
                left = c.queue.len() + 1,
                "document limit reached"
            );
            complete = false;
            break;
        }
        processed += 1;
        progress.step(processed, c.queue.len(), &url);
        let validators = match sink.validators(name, url.as_str()) {
            Ok(v) => v,
            Err(e) => {
                c.sink_error("validators", &url, &e);
                None
            }
        };
        let now = Utc::now();
        let held = validators
            .as_ref()
            .is_some_and(|v| v.sha256.is_some() && !v.unreadable);
        if request.immutable && held {
            // A published file that never changes, already held: not fetched again.
            c.mark_seen(url.as_str());
            c.report.unchanged += 1;
            progress.document(name, &url, "held", 0);
            continue;
        }
        // Validators describe a URL's last answer; a form's answer is matched by its name only.
        let conditional = validators.as_ref().filter(|_| request.is_get());
        match fetcher.send(name, &request, conditional, &limits).await {
            Ok(FetchOutcome::Fetched { meta, raw }) => {
                let cap = fetcher.config().decode_cap;
                read_fetched(&mut c, sink, &progress, &url, meta, raw, cap);
            }
            Ok(FetchOutcome::NotModified) => {
                c.mark_seen(url.as_str());
                c.report.unchanged += 1;
                if let Err(e) = sink.unchanged(name, url.as_str(), now) {
                    c.sink_error("unchanged", &url, &e);
                }
                relearn_links(&mut c, sink, &url, validators.unwrap_or_default());
                progress.document(name, &url, "304", 0);
            }
            Ok(FetchOutcome::Gone(status)) => {
                c.report.gone += 1;
                if is_start && !request.may_be_missing {
                    complete = false;
                }
                if let Err(e) = sink.gone(name, url.as_str(), now) {
                    c.sink_error("gone", &url, &e);
                }
                progress.document(name, &url, &status.to_string(), 0);
            }
            Err(err) => {
                // Kept among the seen URLs: a failed fetch is no evidence of removal.
                c.mark_seen(url.as_str());
                c.report.failed += 1;
                if is_start || err.is_server_or_network() {
                    complete = false;
                }
                tracing::warn!(source = name, url = %url, error = %err, "fetch failed");
                if let Err(e) = sink.failed(name, url.as_str(), &err.to_string(), now) {
                    c.sink_error("failed", &url, &e);
                }
                progress.document(name, &url, "failed", 0);
            }
        }
    }
    progress.finish();
    c.report.complete = complete;
    c.report.elapsed = t0.elapsed();
    if let Err(e) = sink.crawl_finished(name, started_at, &c.seen, complete) {
        c.report.sink_errors += 1;
        tracing::error!(source = name, error = %e, "sink crawl_finished failed");
    }
    c.report
}

/// Decode and parse a received body; one larger than `decode_cap` is archived unread.
fn read_body(
    adapter: &dyn Adapter,
    meta: &mut DocumentMeta,
    raw: &RawBody,
    cap: u64,
) -> (Document, ParseOutcome) {
    match decode_fetched(meta, raw, cap) {
        Ok(body) => {
            let doc = Document {
                meta: meta.clone(),
                body,
            };
            let outcome = parse_safely(adapter, &doc);
            (doc, outcome)
        }
        Err(why) => {
            let doc = Document {
                meta: meta.clone(),
                body: Body::Binary,
            };
            (doc, Err(ParseError::TooLarge(why)))
        }
    }
}

/// A fetched document: decoded, parsed (its links followed), counted and handed to the sink.
/// A redirect to a document already read is only counted as a duplicate.
fn read_fetched(
    c: &mut SourceCrawl<'_>,
    sink: &mut dyn Sink,
    progress: &Progress,
    url: &Url,
    mut meta: DocumentMeta,
    raw: RawBody,
    decode_cap: u64,
) {
    let name = c.adapter.name();
    c.mark_seen(url.as_str());
    if meta.url != url.as_str() {
        // Redirected: the document lives under its final URL; fetched once only.
        if c.seen_set.contains(&meta.url) {
            progress.document(name, url, "duplicate", 0);
            return;
        }
        c.queued.insert(meta.url.clone());
        let final_url = meta.url.clone();
        c.mark_seen(&final_url);
    }
    let (doc, outcome) = read_body(c.adapter, &mut meta, &raw, decode_cap);
    c.report.fetched += 1;
    let facts = match &outcome {
        Ok(parsed) => {
            c.follow(parsed);
            parsed.facts.len()
        }
        Err(e) => {
            c.report.parse_errors += 1;
            tracing::warn!(source = name, url = %doc.meta.url, error = %e, "parse error");
            0
        }
    };
    c.report.facts += facts;
    match sink.document(&doc.meta, &raw, &outcome) {
        Ok(true) => c.report.new_snapshots += 1,
        Ok(false) => {}
        Err(e) => c.sink_error("document", url, &e),
    }
    progress.document(name, url, &doc.meta.http_status.to_string(), facts);
}

/// After a 304, re-read the archived snapshot only to learn its links (no facts re-emitted).
fn relearn_links(c: &mut SourceCrawl<'_>, sink: &mut dyn Sink, url: &Url, v: Validators) {
    let name = c.adapter.name();
    let raw = match sink.archived(name, url.as_str()) {
        Ok(Some(raw)) => raw,
        Ok(None) => {
            tracing::debug!(source = name, url = %url, "no archived snapshot; links not followed");
            return;
        }
        Err(e) => {
            c.sink_error("archived", url, &e);
            return;
        }
    };
    let mut meta = DocumentMeta {
        source: name.to_string(),
        url: url.to_string(),
        fetched_at: Utc::now(),
        http_status: 304,
        content_type: None,
        etag: v.etag,
        last_modified: v.last_modified,
        sha256: hex::encode(Sha256::digest(&raw)),
        size: raw.len() as u64,
        encoding: None,
    };
    let body = decode(&mut meta, &raw);
    match parse_safely(c.adapter, &Document { meta, body }) {
        Ok(parsed) => c.follow(&parsed),
        Err(e) => {
            tracing::debug!(source = name, url = %url, error = %e, "archived snapshot unreadable")
        }
    }
}

/// Describe and decode a file a user hands in (`mieru ingest`): the URL is `file:///<name>`,
/// the content type is guessed from the extension.
pub fn read_file(
    adapter: &dyn Adapter,
    path_name: &str,
    bytes: impl AsRef<[u8]>,
) -> (DocumentMeta, Body) {
    let bytes = bytes.as_ref();
    let name = path_name
        .rsplit(['/', '\\'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("document");
    // The content hash is part of the URL: two different files that happen to share a name
    // (every bureau publishes an `index.html`) must not overwrite each other's facts, and the
    // same file ingested twice must be recognised as one document.
    let sha256 = hex::encode(Sha256::digest(bytes));
    let url = Url::parse("file:///")
        .ok()
        .and_then(|mut u| {
            u.path_segments_mut().ok()?.clear().push(&sha256).push(name);
            Some(u.to_string())
        })
        .unwrap_or_else(|| format!("file:///{sha256}/{name}"));
    let mut meta = DocumentMeta {
        source: adapter.name().to_string(),
        url,
        fetched_at: Utc::now(),
        http_status: 200,
        content_type: mime_guess::from_path(name)
            .first()
            .map(|m| m.essence_str().to_string()),
        etag: None,
        last_modified: None,
        sha256,
        size: bytes.len() as u64,
        encoding: None,
    };
    let body = decode(&mut meta, bytes);
    (meta, body)
}

#[cfg(test)]
mod tests;
