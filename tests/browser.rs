//! The site in a real browser, as a patient uses it: headless Chromium driven through
//! chromedriver (WebDriver) against the server on loopback, fed by the whole pipeline over a
//! copy of the bundled replica. Screenshots land in `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (and a Japanese font such as
//! `fonts-ipafont-gothic`); `.ci/run` installs them. Without them the test fails and says so:
//! a browser test that silently passes would hide a broken front end.
//! `MIERU_CHROMIUM` / `MIERU_CHROMEDRIVER` override the binaries' paths.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::{copy_dir, fast, free_port};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{App, HttpServer};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use mieru::app::Mieru;
use mieru::ops::replica::{self, ReplicaFiles};

const INSTALL_HINT: &str = "install them with `apt-get install -y chromium chromium-driver \
fonts-ipafont-gothic` (.ci/run does this), or point MIERU_CHROMIUM / MIERU_CHROMEDRIVER at them";

/// A fictional clinic whose name carries markup, added to a copy of the replica's
/// new-provider list, to prove names are escaped end to end (crawl → resolve → page).
const MARKUP_CLINIC: &str =
    "<img src=x onerror=alert(1)><script>alert(2)</script>幻灯再生クリニック";

/// The first of `candidates` found on PATH (or the override in `env`), as an absolute path.
fn find_binary(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    candidates.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// chromedriver, killed when the test ends however it ends.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn start(binary: &Path, log: PathBuf) -> Driver {
        let port = free_port();
        let out = std::fs::File::create(&log).expect("chromedriver log file");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL_HINT}", binary.display()));
        let driver = Driver { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port} within 20 s; log: {}",
                std::fs::read_to_string(&driver.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The bundled replica plus one new-provider row whose clinic name is markup (HTML-escaped
/// in the source page, as a real page would carry it, so the parsed name holds `<script>`).
fn replica_with_markup(root: &Path) {
    copy_dir(&common::replica_root(), root);
    let page = root.join("kouseikyoku.mhlw.go.jp/kinki/iji/saisei/newpage_00873.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let escaped = MARKUP_CLINIC.replace('<', "&lt;").replace('>', "&gt;");
    let row = format!(
        "<tr><td>{escaped}</td><td>医療法人社団幻灯会</td><td>夢野　灯</td>\
         <td>東京都港区芝浦9丁目8番7号　幻灯ビル2階</td><td>令和8年1月5日</td></tr>\n<tr><td colspan"
    );
    let changed = html.replacen("<tr><td colspan", &row, 1);
    assert_ne!(
        changed, html,
        "the new-provider list still has its note row"
    );
    std::fs::write(page, changed).unwrap();
}

async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    // WebDriver captures the viewport only: grow the window to the page's height (capped) so
    // the whole page is in the picture.
    let height = client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(2400)
        .clamp(800, 12_000);
    let _ = client.set_window_size(1280, height as u32 + 140).await;
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(&path, png).unwrap();
    path
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Checks that the text of the element `css` selects passes `ok`; `what` says what it should
/// show.
async fn check_text(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let text = text_of(client, css).await;
    check(ok(&text), format!("{what}: {text}"))
}

/// Checks, in order, that the text of the element each `css` selects contains its `needle`
/// (`what` says why), as `(css, needle, what)`.
async fn check_texts(client: &Client, checks: &[(&str, &str, &str)]) -> Result<(), String> {
    for (css, needle, what) in checks {
        check_text(client, css, what, |text| text.contains(needle)).await?;
    }
    Ok(())
}

/// The element `locator` finds; `what` names it when it is missing.
async fn find(client: &Client, locator: Locator<'_>, what: &str) -> Result<Element, String> {
    client
        .find(locator)
        .await
        .map_err(|e| format!("{what}: {e}"))
}

async fn goto(client: &Client, url: &str) -> Result<(), String> {
    client
        .goto(url)
        .await
        .map_err(|e| format!("cannot open {url}: {e}"))
}

async fn current_url(client: &Client) -> Result<url::Url, String> {
    client.current_url().await.map_err(|e| e.to_string())
}

/// Clicks the element `css` selects.
async fn click(client: &Client, css: &str) -> Result<(), String> {
    find(client, Locator::Css(css), &format!("no {css}"))
        .await?
        .click()
        .await
        .map_err(|e| format!("cannot click {css}: {e}"))
}

/// Waits for the element `css` selects to appear.
async fn wait_for(client: &Client, css: &str) -> Result<(), String> {
    client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .map(drop)
        .map_err(|e| format!("no {css}: {e}"))
}

/// Follows `link` to a page with a heading.
async fn follow(client: &Client, link: &Element) -> Result<(), String> {
    link.click().await.map_err(|e| e.to_string())?;
    wait_for(client, "h1").await
}

async fn attr(element: &Element, name: &str) -> Result<Option<String>, String> {
    element.attr(name).await.map_err(|e| e.to_string())
}

/// The link `locator` finds and its `href`; `what` names it.
async fn link(
    client: &Client,
    locator: Locator<'_>,
    what: &str,
) -> Result<(Element, String), String> {
    let link = find(client, locator, &format!("no {what}")).await?;
    let href = attr(&link, "href")
        .await?
        .ok_or(format!("{what} without href"))?;
    Ok((link, href))
}

/// Searches from the home page's form, as typed by hand.
async fn search_from_home(client: &Client, base: &str, q: &str) -> Result<(), String> {
    goto(client, &format!("{base}/")).await?;
    find(client, Locator::Id("q"), "no search field")
        .await?
        .send_keys(q)
        .await
        .map_err(|e| e.to_string())?;
    click(client, "form.search-form button[type=submit]").await?;
    wait_for(client, "p.summary").await
}

#[actix_web::test]
async fn a_patient_finds_a_renamed_clinic_in_a_real_browser() {
    let (Some(chromium), Some(chromedriver)) = (
        find_binary(
            "MIERU_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ),
        find_binary("MIERU_CHROMEDRIVER", &["chromedriver"]),
    ) else {
        panic!("headless Chromium and chromedriver are needed by tests/browser.rs: {INSTALL_HINT}");
    };

    // The pipeline: replica copy → crawl → resolve → index.
    let tmp = tempfile::tempdir().unwrap();
    let replica_root = tmp.path().join("replica");
    replica_with_markup(&replica_root);
    let data = tmp.path().join("data");
    let app = Mieru::open(&data, None).unwrap();
    let replica = replica::start(ReplicaFiles::Dir(replica_root)).unwrap();
    app.crawl_with(&[], &replica.mirrors(), &fast(), &common::every_source())
        .await
        .unwrap();
    let index = Arc::new(app.open_index().unwrap());
    app.resolve_and_index(&index).unwrap();

    // The site, in-process on a free loopback port.
    let state = mieru_web::app_data(mieru_web::AppState {
        registry: Arc::new(app.registry(index.clone())),
        site: mieru_web::SiteConfig::default(),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(mieru_web::configure)
    })
    .workers(2)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr: SocketAddr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let base = format!("http://{addr}");

    // The browser, with a fresh profile and nothing talking to the network on its own.
    let profile = tmp.path().join("chromium-profile");
    let driver = Driver::start(&chromedriver, tmp.path().join("chromedriver.log"));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,2400", "--lang=ja",
            ],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "no WebDriver session: {e}; chromedriver log: {}",
                std::fs::read_to_string(&driver.log).unwrap_or_default()
            )
        });

    let outcome = drive(&client, &base).await;
    let _ = client.close().await;
    handle.stop(true).await;
    replica.server.stop(true).await;
    drop(driver);
    outcome.unwrap_or_else(|e| panic!("{e}"));
}

/// The journey itself; errors come back so the browser is closed before the test fails.
async fn drive(client: &Client, base: &str) -> Result<(), String> {
    // 1. The patient remembers the clinic's old name.
    search_from_home(client, base, "銀座アオバ再生クリニック").await?;
    let hit = find(
        client,
        Locator::LinkText("銀座ミライ整形クリニック"),
        "renamed clinic not among the hits",
    )
    .await?;
    check_texts(
        client,
        &[(
            "ol.hits",
            "銀座アオバ再生クリニック",
            "former name shown on the hit",
        )],
    )
    .await?;
    screenshot(client, "search_ja.png").await;
    follow(client, &hit).await?;

    // 2. The facility page: new name, rename history, the order, the timeline.
    let url = current_url(client).await?;
    check(url.path().starts_with("/facilities/"), format!("on {url}"))?;
    let facility_url = url.clone();
    check_texts(
        client,
        &[
            (
                "h1",
                "銀座ミライ整形クリニック",
                "heading is the current name",
            ),
            (
                "#names-h + table, section[aria-labelledby=names-h]",
                "銀座アオバ再生クリニック",
                "rename history lists the former name",
            ),
            // The rename is visible at the top, not only deep in the history table.
            (
                "p.former-names",
                "銀座アオバ再生クリニック",
                "former name under the heading",
            ),
        ],
    )
    .await?;
    // The same-address successor is only "possibly related", shown with its evidence.
    check_text(
        client,
        "div.possible-box",
        "possible link with evidence",
        |possible| {
            possible.contains("関連の可能性")
                && possible.contains("銀座ルミナスクリニック")
                && possible.contains("根拠")
        },
    )
    .await?;
    check_texts(
        client,
        &[
            (
                "section.actions-box",
                "緊急命令",
                "emergency order in the actions box",
            ),
            ("ol.timeline", "名称変更", "rename on the timeline"),
        ],
    )
    .await?;
    check_text(
        client,
        "ol.timeline",
        "action on the timeline",
        |timeline| timeline.contains("緊急命令") || timeline.contains("処分"),
    )
    .await?;
    let shot = screenshot(client, "facility_ja.png").await;
    eprintln!("screenshot: {}", shot.display());

    // 2b. The record as it stood before the rename, through the page's own date form (no
    // JavaScript needed), then its permalink.
    goto(client, &format!("{facility_url}?lang=ja")).await?;
    let field = find(
        client,
        Locator::Css("form.as-of input[name=as_of]"),
        "no as-of form",
    )
    .await?;
    // Chromium's date input takes keystrokes in the locale's order; set it directly.
    client
        .execute(
            "arguments[0].value = '2025-09-30';",
            vec![serde_json::to_value(&field).map_err(|e| e.to_string())?],
        )
        .await
        .map_err(|e| e.to_string())?;
    click(client, "form.as-of button[type=submit]").await?;
    wait_for(client, "div.banner").await?;
    let url = current_url(client).await?;
    check(
        url.query().unwrap_or_default().contains("as_of=2025-09-30"),
        format!("as-of URL: {url}"),
    )?;
    check_texts(
        client,
        &[(
            "h1",
            "銀座アオバ再生クリニック",
            "before the rename the heading is the old name",
        )],
    )
    .await?;
    check_text(
        client,
        "section.actions-box",
        "only the order issued by then, in force then",
        |actions| {
            actions.contains("緊急命令")
                && actions.contains("1件")
                && !actions.contains("後続の処分あり")
        },
    )
    .await?;
    screenshot(client, "facility_as_of_ja.png").await;
    let (permalink, href) = link(client, Locator::Css("a.permalink"), "permalink").await?;
    check(
        href.contains("version=") && href.contains("as_of=2025-09-30"),
        format!("permalink names the data version and the date: {href}"),
    )?;
    follow(client, &permalink).await?;
    check_texts(
        client,
        &[
            (
                "h1",
                "銀座アオバ再生クリニック",
                "the permalink shows the same record",
            ),
            ("ul.sources", "SHA-256", "each source names its SHA-256"),
        ],
    )
    .await?;
    screenshot(client, "permalink_ja.png").await;

    // 2c. Source health.
    goto(client, &format!("{base}/sources?lang=ja")).await?;
    let body = text_of(client, "main").await;
    for source in common::SOURCES {
        check(
            body.contains(source),
            format!("/sources lists {source}: {body}"),
        )?;
    }
    screenshot(client, "sources_ja.png").await;
    goto(client, facility_url.as_str()).await?;

    // 3. A source link leads to the archived copy, byte for byte as fetched.
    let (archived, href) = link(client, Locator::LinkText("保存版"), "archived-copy link").await?;
    check(
        href.starts_with("/api/v1/documents/"),
        format!("archive link {href}"),
    )?;
    archived.click().await.map_err(|e| e.to_string())?;
    let url = current_url(client).await?;
    check(
        url.path() == href.as_str(),
        format!("followed to {url}, expected {href}"),
    )?;
    let body = client.source().await.map_err(|e| e.to_string())?;
    check(
        body.contains("mhlw") || body.contains("再生") || body.contains("<"),
        format!("archived copy shows the document: {body}"),
    )?;
    client.back().await.map_err(|e| e.to_string())?;

    // 4. Switch to English; the choice sticks for the next page.
    goto(client, facility_url.as_str()).await?;
    click(client, "a.lang-switch").await?;
    wait_for(client, "html[lang=en]").await?;
    check_texts(
        client,
        &[
            (
                "section.actions-box",
                "Emergency order",
                "English action label",
            ),
            ("h1", "銀座ミライ整形クリニック", "names stay as published"),
        ],
    )
    .await?;
    screenshot(client, "facility_en.png").await;
    goto(client, &format!("{base}/actions")).await?;
    let html = find(client, Locator::Css("html"), "no html element").await?;
    let lang = attr(&html, "lang").await?;
    check(
        lang.as_deref() == Some("en"),
        format!("cookie keeps English: {lang:?}"),
    )?;
    screenshot(client, "actions_en.png").await;

    // 5. Markup in a published name is shown as text and never runs.
    goto(client, &format!("{base}/?lang=ja")).await?;
    search_from_home(client, base, "幻灯再生クリニック").await?;
    let hit = find(
        client,
        Locator::XPath("//ol[@class='hits']//a[contains(., '幻灯再生クリニック')]"),
        "markup clinic not found",
    )
    .await?;
    check(
        hit.text().await.map_err(|e| e.to_string())? == MARKUP_CLINIC,
        "the hit shows the markup as text".into(),
    )?;
    follow(client, &hit).await?;
    check_text(client, "h1", "heading shows markup as text", |h1| {
        h1 == MARKUP_CLINIC
    })
    .await?;
    let injected = client
        .execute(
            "return [document.querySelectorAll('main script, main img').length, \
             document.scripts.length];",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    check(
        injected == serde_json::json!([0, 1]),
        format!("no injected elements, only app.js: {injected}"),
    )?;
    check(
        client.get_alert_text().await.is_err(),
        "no alert dialog opened".into(),
    )?;
    screenshot(client, "markup_clinic_ja.png").await;
    Ok(())
}

fn check(ok: bool, what: String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what)
    }
}
