//! Security headers set on every response. `DefaultHeaders` only fills headers a handler did
//! not set, which lets the archived-document route send its own sandboxing policy.

use actix_web::middleware::DefaultHeaders;

/// Our pages load only our own CSS, JS and images; nothing inline, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
magnetometer=(), microphone=(), payment=(), usb=()";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Permissions-Policy", PERMISSIONS_POLICY))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}
