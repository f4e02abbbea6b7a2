//! Why a fetch failed, which failures lie with the server or the network, and which are
//! worth another attempt; reqwest's errors mapped onto them.

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("host not on the allowlist: {0}")]
    HostNotAllowed(String),
    #[error("not an http(s) URL with a host: {0}")]
    UnsupportedUrl(String),
    #[error("robots.txt disallows {0}")]
    RobotsDisallowed(String),
    #[error(
        "robots.txt of {host} could not be read ({reason}); the host is treated as disallowed"
    )]
    RobotsUnavailable { host: String, reason: String },
    #[error("body larger than the {limit}-byte cap{}", declared.map(|d| format!(" (declared {d} bytes)")).unwrap_or_default())]
    TooLarge { limit: u64, declared: Option<u64> },
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("redirect loop back to {0}")]
    RedirectLoop(String),
    #[error("HTTP status {0}")]
    Http(u16),
    #[error("timed out")]
    Timeout,
    #[error("body truncated after {received} bytes{}", expected.map(|e| format!(" of {e}")).unwrap_or_default())]
    Truncated {
        received: u64,
        expected: Option<u64>,
    },
    #[error("network error: {0}")]
    Network(String),
    #[error("HTTP client could not be built: {0}")]
    Setup(String),
    #[error("body could not be spooled to disk: {0}")]
    Spool(String),
}

impl FetchError {
    /// Whether the failure lies with the server or the network (as opposed to a refusal by
    /// our own rules or a permanent answer). Such a failure makes a crawl incomplete.
    pub fn is_server_or_network(&self) -> bool {
        match self {
            Self::Http(s) => *s >= 500 || *s == 429,
            Self::Timeout
            | Self::Truncated { .. }
            | Self::Network(_)
            | Self::RobotsUnavailable { .. } => true,
            _ => false,
        }
    }

    /// Worth another attempt after a pause.
    pub(super) fn is_retryable(&self) -> bool {
        match self {
            Self::Http(s) => *s >= 500 || *s == 429,
            Self::Timeout | Self::Truncated { .. } | Self::Network(_) => true,
            _ => false,
        }
    }
}

/// The error and its causes on one line (reqwest's own message hides the cause).
pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

pub(super) fn map_send_error(e: &reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Network(error_chain(e))
    }
}

pub(super) fn map_body_error(
    e: &reqwest::Error,
    received: u64,
    expected: Option<u64>,
) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_body() || e.is_decode() {
        // hyper reports a connection closed mid-body as a body error.
        FetchError::Truncated { received, expected }
    } else {
        FetchError::Network(error_chain(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_classes() {
        assert!(FetchError::Http(503).is_server_or_network());
        assert!(FetchError::Http(429).is_retryable());
        assert!(!FetchError::Http(403).is_server_or_network());
        assert!(!FetchError::HostNotAllowed("x".into()).is_retryable());
        assert!(!FetchError::TooLarge {
            limit: 1,
            declared: None
        }
        .is_retryable());
        assert!(FetchError::Truncated {
            received: 1,
            expected: Some(2)
        }
        .is_server_or_network());
    }
}
