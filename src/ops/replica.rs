//! A local replica of the public sites, served over HTTP on loopback: the bundled fictional
//! documents in the real formats (`replica/<host>/<path>`), used by `mieru demo` and the
//! tests through the crawler's ordinary `--mirror HOST=URL` mapping. It answers conditional
//! requests with ETags, as the real servers do. Pages whose files are given only to a form
//! POST with a session token (the corporate-number site) are served as the real site serves
//! them: see [`forms`].

mod forms;

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use rust_embed::RustEmbed;
use std::borrow::Cow;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;

/// The date the replica's world stands at: the demo and the tests compute month pages (the
/// current and the previous month) from it, so they find the replica's month lists whatever
/// the real date.
pub const AS_OF: (i32, u32, u32) = (2026, 11, 20);

/// [`AS_OF`] as a date.
pub fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap_or_default()
}

#[derive(RustEmbed)]
#[folder = "replica/"]
#[exclude = "tools/*"]
struct Bundled;

/// Where the replica's files come from: the copy built into the binary, or a directory
/// (tests copy the replica and change it between crawls).
#[derive(Debug, Clone)]
pub enum ReplicaFiles {
    Bundled,
    Dir(PathBuf),
}

impl ReplicaFiles {
    fn read(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if path
            .split('/')
            .any(|seg| seg == ".." || seg.starts_with('.'))
        {
            return None;
        }
        match self {
            Self::Bundled => Bundled::get(path).map(|f| f.data),
            Self::Dir(root) => std::fs::read(root.join(path)).ok().map(Cow::Owned),
        }
    }

    /// Hosts present in the replica (its top-level directories).
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = match self {
            Self::Bundled => Bundled::iter()
                .filter_map(|p| p.split('/').next().map(str::to_owned))
                .filter(|h| h.contains('.'))
                .collect(),
            Self::Dir(root) => std::fs::read_dir(root)
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .filter(|e| e.path().is_dir())
                        .filter_map(|e| e.file_name().into_string().ok())
                        .filter(|h| h.contains('.'))
                        .collect()
                })
                .unwrap_or_default(),
        };
        hosts.sort();
        hosts.dedup();
        hosts
    }
}

fn candidates(path: &str) -> Vec<String> {
    let path = path.trim_start_matches('/');
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.ends_with('/') || path.is_empty() {
        vec![format!("{path}index.html")]
    } else if last.contains('.') {
        vec![path.to_owned()]
    } else {
        vec![format!("{path}/index.html"), path.to_owned()]
    }
}

async fn serve_file(
    req: HttpRequest,
    body: web::Bytes,
    files: web::Data<ReplicaFiles>,
    sessions: web::Data<forms::Sessions>,
) -> HttpResponse {
    let path = req.path().to_owned();
    let host = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if let Some(manifest) = forms::Manifest::of(&files, host) {
        if let Some(page) = manifest.page_of(&path) {
            let form_page = forms::FormPage {
                files: &files,
                sessions: &sessions,
                manifest: &manifest,
                page: &page,
            };
            return forms::answer(&req, &body, &form_page);
        }
        if manifest.is_hidden(host, &path) {
            return forms::refuse(
                StatusCode::FORBIDDEN,
                "ファイルはダウンロードページからお選びください。",
            );
        }
    }
    let query = req.query_string();
    let key = if query.is_empty() {
        path.clone()
    } else {
        format!("{path}/{query}")
    };
    for candidate in candidates(&key).into_iter().chain(candidates(&path)) {
        if let Some(bytes) = files.read(&candidate) {
            let etag = format!(
                "\"{}\"",
                crate::archive::sha256_hex(&bytes)
                    .chars()
                    .take(16)
                    .collect::<String>()
            );
            let matches = req
                .headers()
                .get("if-none-match")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == etag);
            if matches {
                return HttpResponse::NotModified()
                    .insert_header(("ETag", etag))
                    .finish();
            }
            // No charset parameter: the pages declare their own (Shift_JIS ones included).
            let mime = mime_guess::from_path(&candidate).first_or_octet_stream();
            return HttpResponse::Ok()
                .insert_header(("Content-Type", mime.essence_str().to_owned()))
                .insert_header(("ETag", etag))
                .body(bytes.into_owned());
        }
    }
    HttpResponse::NotFound().body("not found")
}

/// A running replica: its address and the `HOST=URL` mirror arguments that point the
/// crawler at it.
pub struct RunningReplica {
    pub addr: SocketAddr,
    pub server: actix_web::dev::ServerHandle,
    hosts: Vec<String>,
}

impl RunningReplica {
    pub fn mirrors(&self) -> Vec<String> {
        self.hosts
            .iter()
            .map(|h| format!("{h}=http://{}/{h}", self.addr))
            .collect()
    }
}

/// Starts the replica on an ephemeral loopback port, in the current actix runtime.
pub fn start(files: ReplicaFiles) -> std::io::Result<RunningReplica> {
    start_on(files, SocketAddr::from(([127, 0, 0, 1], 0)))
}

pub fn start_on(files: ReplicaFiles, addr: SocketAddr) -> std::io::Result<RunningReplica> {
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let hosts = files.hosts();
    let data = web::Data::new(files);
    let sessions = web::Data::new(forms::Sessions::default());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(sessions.clone())
            .default_service(web::to(serve_file))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Ok(RunningReplica {
        addr,
        server: handle,
        hosts,
    })
}
