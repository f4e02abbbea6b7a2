//! Malformed requests and broken client connections, logged quietly.
//!
//! actix-http logs every request line it cannot parse (and every connection a client breaks)
//! at ERROR, one line each, before any of our code runs: anyone could fill the log and page an
//! operator by sending garbage. [`CountingLayer`] counts those events instead, the log's own
//! filter drops [`ACTIX_CONNECTION_TARGET`], and [`report`] writes one WARN line with the
//! count and the latest message at most once a minute (the server calls it).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// How often the server calls [`report`], unless `MIERU_CONNECTION_REPORT_SECS` says.
pub const REPORT_EVERY: Duration = Duration::from_secs(60);

/// [`REPORT_EVERY`], or `MIERU_CONNECTION_REPORT_SECS` (whole seconds, at least 1).
pub fn report_every() -> Duration {
    std::env::var("MIERU_CONNECTION_REPORT_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s >= 1)
        .map_or(REPORT_EVERY, Duration::from_secs)
}

/// Where actix-http logs what a client sent or how it left: a bad request line or header
/// (answered 400), a stream error, a connection closed mid-response.
pub const ACTIX_CONNECTION_TARGET: &str = "actix_http::h1";

/// An ERROR event of [`ACTIX_CONNECTION_TARGET`].
pub fn is_client_connection_error(meta: &Metadata<'_>) -> bool {
    *meta.level() == Level::ERROR && meta.target().starts_with(ACTIX_CONNECTION_TARGET)
}

/// How many such events since the last report, and the latest one's message.
#[derive(Debug, Default)]
pub struct ConnectionErrors {
    count: AtomicU64,
    last: Mutex<String>,
}

impl ConnectionErrors {
    /// The count and latest message since the previous call, and starts counting afresh.
    pub fn take(&self) -> (u64, String) {
        let count = self.count.swap(0, Ordering::Relaxed);
        let last = std::mem::take(&mut *self.last.lock().unwrap_or_else(|p| p.into_inner()));
        (count, last)
    }
}

/// The process-wide counts that [`CountingLayer::global`] fills and [`report`] empties.
pub static CONNECTION_ERRORS: ConnectionErrors = ConnectionErrors {
    count: AtomicU64::new(0),
    last: Mutex::new(String::new()),
};

/// A `tracing` layer counting [`is_client_connection_error`] events.
pub struct CountingLayer(&'static ConnectionErrors);

impl CountingLayer {
    pub fn global() -> Self {
        Self(&CONNECTION_ERRORS)
    }

    /// A layer counting into `counts` (tests keep their own).
    pub fn new(counts: &'static ConnectionErrors) -> Self {
        Self(counts)
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: Subscriber> Layer<S> for CountingLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if !is_client_connection_error(event.metadata()) {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0.count.fetch_add(1, Ordering::Relaxed);
        // Bounded: a hostile request line must not grow the log line either.
        let text: String = message.0.chars().take(200).collect();
        *self.0.last.lock().unwrap_or_else(|p| p.into_inner()) = text;
    }
}

/// Writes one WARN line for the client connection errors counted since the last call, if any.
pub fn report() {
    let (count, last) = CONNECTION_ERRORS.take();
    if count > 0 {
        tracing::warn!(
            target: "mieru_web::malformed",
            count,
            last = %last,
            "malformed requests or broken client connections since the last report"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::prelude::*;

    #[test]
    fn client_connection_errors_are_counted_not_written() {
        let counts: &'static ConnectionErrors = Box::leak(Box::default());
        let written = std::sync::Arc::new(AtomicU64::new(0));
        let seen = written.clone();
        let writer = tracing_subscriber::fmt::layer()
            .with_writer(move || {
                seen.fetch_add(1, Ordering::Relaxed);
                std::io::sink()
            })
            .with_filter(
                tracing_subscriber::filter::Targets::new()
                    .with_default(Level::TRACE)
                    .with_target(
                        ACTIX_CONNECTION_TARGET,
                        tracing_subscriber::filter::LevelFilter::OFF,
                    ),
            );
        let subscriber = tracing_subscriber::registry()
            .with(writer)
            .with(CountingLayer::new(counts));
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..3 {
                tracing::error!(
                    target: "actix_http::h1::dispatcher",
                    "stream error: request parse error: invalid Header provided"
                );
            }
            tracing::error!(target: "mieru::app", "a real error");
        });
        assert_eq!(
            written.load(Ordering::Relaxed),
            1,
            "only the real error is written"
        );
        let (count, last) = counts.take();
        assert_eq!(count, 3);
        assert!(last.contains("invalid Header provided"), "{last}");
        assert_eq!(counts.take(), (0, String::new()));
    }
}
