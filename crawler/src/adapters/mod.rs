//! The source adapters, one module per public source (see /work/shared/sources.md), and the
//! helpers they share. Adding a source = adding a module and a line in [`all`].

pub mod esaisei;
pub mod houjin;
pub mod jrct;
pub mod kouseikyoku;
pub mod mhlw_press;
mod order;
pub mod page;
pub mod util;

use crate::adapter::Adapter;

/// What a user chose for the sources that need a choice (`mieru crawl` flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceOptions {
    pub houjin: houjin::Options,
    pub jrct: jrct::Options,
}

/// Every adapter with default options (jRCT off), in the order a full crawl runs them (lists
/// before the documents they name).
pub fn all() -> Vec<Box<dyn Adapter>> {
    configured(&SourceOptions::default())
}

/// Every adapter built with the user's choices.
pub fn configured(options: &SourceOptions) -> Vec<Box<dyn Adapter>> {
    vec![
        Box::new(esaisei::ESaisei::new()),
        Box::new(mhlw_press::MhlwPress),
        Box::new(kouseikyoku::Kouseikyoku),
        Box::new(houjin::HoujinBangou::new(options.houjin.clone())),
        Box::new(jrct::Jrct::new(options.jrct.clone())),
    ]
}

/// The adapter called `name` on the command line (`e-saisei`, `mhlw-press`, `kouseikyoku`,
/// `houjin-bangou`, `jrct`).
pub fn by_name(name: &str) -> Option<Box<dyn Adapter>> {
    all().into_iter().find(|a| a.name() == name)
}

/// GETs of fixed, known-good URLs (entry pages are constants).
fn fixed_requests(urls: &[&str]) -> Vec<crate::request::Request> {
    urls.iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .map(crate::request::Request::get)
        .collect()
}

/// GETs of the links an adapter chose to follow.
pub(crate) fn gets(urls: Vec<url::Url>) -> Vec<crate::request::Request> {
    urls.into_iter().map(crate::request::Request::get).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_interface() {
        let names: Vec<&str> = all().iter().map(|a| a.name()).collect();
        assert_eq!(
            names,
            [
                "e-saisei",
                "mhlw-press",
                "kouseikyoku",
                "houjin-bangou",
                "jrct"
            ]
        );
        let mut options = SourceOptions::default();
        options.jrct.enabled = true;
        options.jrct.ids = vec!["jRCTb050200112".into()];
        for (default, configured) in all().iter().zip(configured(&options)) {
            let n = default.name();
            let starts = default.start_requests(&crate::adapter::StartContext::now());
            // jRCT is off unless a user enables it (its terms ask crawlers to refrain).
            assert_eq!(starts.is_empty(), n == "jrct", "{n} start requests");
            let a = configured;
            let starts = a.start_requests(&crate::adapter::StartContext::now());
            assert!(!starts.is_empty(), "{n} has start requests when enabled");
            for u in starts.into_iter().map(|r| r.url) {
                assert_eq!(u.scheme(), "https");
                assert!(a.hosts().contains(&u.host_str().unwrap_or("")), "{n}: {u}");
            }
        }
        assert!(by_name("nope").is_none());
    }
}
