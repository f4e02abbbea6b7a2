//! UI strings in Japanese (the default) and English. Every string is a field of [`Strings`],
//! so a string missing in one language is a compile error, not a blank on the page.
//! The language comes from `?lang=` (which also sets a cookie), then the cookie, then Japanese.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::HttpRequest;

pub const COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }

    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::Ja => "ja_JP",
            Lang::En => "en_US",
        }
    }
}

/// `lang` from the query string, if valid.
fn query_lang(req: &HttpRequest) -> Option<Lang> {
    req.query_string()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "lang")
        .find_map(|(_, v)| Lang::parse(v))
}

/// The language for this request, and whether it came from the query (then remember it).
pub fn detect(req: &HttpRequest) -> (Lang, bool) {
    if let Some(l) = query_lang(req) {
        return (l, true);
    }
    let from_cookie = req.cookie(COOKIE).and_then(|c| Lang::parse(c.value()));
    (from_cookie.unwrap_or(Lang::Ja), false)
}

pub fn cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build(COOKIE, lang.code())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish()
}

pub struct Strings {
    pub site_name: &'static str,
    pub site_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_search: &'static str,
    pub nav_actions: &'static str,
    pub nav_about: &'static str,
    /// Label of the link to the other language, written in that language.
    pub other_language: &'static str,
    pub search_heading: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub search_hint: &'static str,
    pub search_results: &'static str,
    pub no_results: &'static str,
    pub empty_query: &'static str,
    pub recent_actions: &'static str,
    pub all_actions: &'static str,
    pub former_names: &'static str,
    pub prefecture: &'static str,
    pub kind: &'static str,
    pub action_type: &'static str,
    pub year: &'static str,
    pub no_actions: &'static str,
    pub facets_heading: &'static str,
    pub clear_filters: &'static str,
    pub pagination: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub status: &'static str,
    pub address: &'static str,
    pub facility_numbers: &'static str,
    pub corporate_number: &'static str,
    pub actions_heading: &'static str,
    pub date: &'static str,
    pub authority: &'static str,
    pub articles: &'static str,
    pub findings: &'static str,
    pub measures: &'static str,
    pub targets: &'static str,
    pub names_history: &'static str,
    pub addresses_history: &'static str,
    pub operators: &'static str,
    pub managers: &'static str,
    pub facilities: &'static str,
    pub plans: &'static str,
    pub plan_number: &'static str,
    pub title: &'static str,
    pub risk_class: &'static str,
    pub purpose: &'static str,
    pub submitted_on: &'static str,
    pub provider: &'static str,
    pub committee: &'static str,
    pub cpcs: &'static str,
    pub timeline: &'static str,
    pub related: &'static str,
    pub confirmed_links: &'static str,
    pub possible_links: &'static str,
    pub possible_note: &'static str,
    pub evidence: &'static str,
    pub confidence: &'static str,
    pub decided_by: &'static str,
    pub sources: &'static str,
    pub original: &'static str,
    pub archived_copy: &'static str,
    pub fetched_at: &'static str,
    pub period: &'static str,
    pub seen_in_sources: &'static str,
    pub current: &'static str,
    pub none: &'static str,
    pub unknown: &'static str,
    pub as_of_banner: &'static str,
    pub as_of_clear: &'static str,
    pub as_of_form: &'static str,
    pub as_of_submit: &'static str,
    pub cite_heading: &'static str,
    pub permalink: &'static str,
    pub data_version_of: &'static str,
    pub version_banner: &'static str,
    pub fact_hashes_note: &'static str,
    pub details: &'static str,
    pub actions_list: &'static str,
    pub filters: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub article: &'static str,
    pub any: &'static str,
    pub apply: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub feed: &'static str,
    pub api: &'static str,
    pub data_version: &'static str,
    pub disclaimer: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub bad_input_title: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_body: &'static str,
    pub about_title: &'static str,
    pub plan_title: &'static str,
    pub action_title: &'static str,
    pub subject: &'static str,
    pub no_sources: &'static str,
    pub results_count_suffix: &'static str,
    /// Link to an entity's own Atom feed.
    pub watch_feed: &'static str,
    /// Link to `/sources`.
    pub source_health: &'static str,
}

pub static JA: Strings = Strings {
    site_name: "mieru 再生医療等 行政処分レジストリ",
    site_tagline: "再生医療等安全性確保法に基づく行政処分と、その対象となった医療機関・細胞培養加工施設・法人の記録",
    skip_to_content: "本文へ移動",
    nav_label: "メインメニュー",
    nav_search: "検索",
    nav_actions: "行政処分一覧",
    nav_about: "このサイトについて",
    other_language: "English",
    search_heading: "医療機関・細胞培養加工施設・法人を検索",
    search_label: "名称・旧名・所在地・計画番号・法人番号",
    search_placeholder: "例：銀座　再生クリニック",
    search_button: "検索",
    search_hint: "過去の名称でも検索できます。全角・半角、ひらがな・カタカナの違いは区別しません。",
    search_results: "検索結果",
    no_results: "該当する記録は見つかりませんでした。別の表記（旧名、法人名、所在地）でもお試しください。",
    empty_query: "検索語を入力してください。",
    recent_actions: "最近の行政処分",
    all_actions: "すべての行政処分を見る",
    former_names: "旧名",
    prefecture: "都道府県",
    kind: "種別",
    action_type: "処分の種類",
    year: "年",
    no_actions: "行政処分の記録なし",
    facets_heading: "絞り込み",
    clear_filters: "絞り込みを解除",
    pagination: "ページ送り",
    previous: "前へ",
    next: "次へ",
    status: "状況",
    address: "所在地",
    facility_numbers: "施設番号",
    corporate_number: "法人番号",
    actions_heading: "行政処分・命令",
    date: "日付",
    authority: "処分庁",
    articles: "根拠条文",
    findings: "確認された違反・事案",
    measures: "命じられた措置",
    targets: "対象",
    names_history: "名称の変遷",
    addresses_history: "所在地の変遷",
    operators: "開設者・運営法人",
    managers: "管理者",
    facilities: "施設",
    plans: "再生医療等提供計画",
    plan_number: "計画番号",
    title: "名称",
    risk_class: "区分",
    purpose: "目的",
    submitted_on: "提出日",
    provider: "提供機関",
    committee: "認定再生医療等委員会",
    cpcs: "細胞培養加工施設",
    timeline: "沿革",
    related: "関連する施設・法人",
    confirmed_links: "確認された関係",
    possible_links: "関連の可能性",
    possible_note: "以下は同一の施設・法人と確認されたものではありません。名称・所在地などの一致から関連の可能性があると判断したもので、根拠と確度を示しています。",
    evidence: "根拠",
    confidence: "確度",
    decided_by: "判定方法",
    sources: "出典",
    original: "原文",
    archived_copy: "保存版",
    fetched_at: "取得日時",
    period: "期間",
    seen_in_sources: "出典で確認された期間",
    current: "現在",
    none: "なし",
    unknown: "不明",
    as_of_banner: "この画面は次の日付時点で出典が示していた内容です：",
    as_of_clear: "最新の内容を表示",
    as_of_form: "過去の日付時点の内容を見る",
    as_of_submit: "表示",
    cite_heading: "この記録を引用する",
    permalink: "固定リンク",
    data_version_of: "データ版",
    version_banner: "この画面は次のデータ版の時点で mieru が収集していた内容の再現です：",
    fact_hashes_note: "各事実の出典欄に、保存した原資料の SHA-256 を示しています。",
    details: "詳細",
    actions_list: "行政処分・命令の一覧",
    filters: "条件",
    from: "開始日",
    to: "終了日",
    article: "条文",
    any: "すべて",
    apply: "絞り込む",
    older: "さらに古い処分",
    newest: "最新から表示",
    feed: "新着処分（Atomフィード）",
    api: "API（JSON）",
    data_version: "データ版",
    disclaimer: "公開資料をもとに作成した非公式のデータベースです。必ず原文（出典）でご確認ください。",
    not_found_title: "ページが見つかりません",
    not_found_body: "お探しのページは見つかりませんでした。URLをご確認いただくか、検索をお使いください。",
    back_home: "検索ページへ戻る",
    bad_input_title: "入力内容をご確認ください",
    unavailable_title: "一時的にご利用いただけません",
    unavailable_body: "データベースに接続できませんでした。しばらくしてから再度お試しください。",
    about_title: "このサイトについて",
    plan_title: "再生医療等提供計画",
    action_title: "行政処分",
    subject: "対象",
    no_sources: "出典の記録がありません。",
    results_count_suffix: "件",
    watch_feed: "更新を購読（Atom）",
    source_health: "情報源の状態",
};

pub static EN: Strings = Strings {
    site_name: "mieru — Regenerative Medicine Enforcement Registry",
    site_tagline: "Regulatory actions under Japan's Act on the Safety of Regenerative Medicine, and the clinics, cell-processing facilities and corporations they concern",
    skip_to_content: "Skip to main content",
    nav_label: "Main menu",
    nav_search: "Search",
    nav_actions: "Actions",
    nav_about: "About",
    other_language: "日本語",
    search_heading: "Search clinics, cell-processing facilities and corporations",
    search_label: "Name, former name, address, plan number or corporate number",
    search_placeholder: "e.g. Ginza regenerative clinic (Japanese names work best)",
    search_button: "Search",
    search_hint: "Former names are searchable too. Full-/half-width and hiragana/katakana differences are ignored.",
    search_results: "Search results",
    no_results: "No records matched. Try another spelling: a former name, the corporation's name or the address.",
    empty_query: "Please enter a search term.",
    recent_actions: "Recent actions",
    all_actions: "See all actions",
    former_names: "Former names",
    prefecture: "Prefecture",
    kind: "Kind",
    action_type: "Action type",
    year: "Year",
    no_actions: "No recorded actions",
    facets_heading: "Refine",
    clear_filters: "Clear filters",
    pagination: "Pagination",
    previous: "Previous",
    next: "Next",
    status: "Status",
    address: "Address",
    facility_numbers: "Facility number",
    corporate_number: "Corporate number",
    actions_heading: "Regulatory actions",
    date: "Date",
    authority: "Issuing authority",
    articles: "Legal basis",
    findings: "Findings",
    measures: "Measures ordered",
    targets: "Targets",
    names_history: "Names over time",
    addresses_history: "Addresses over time",
    operators: "Operators",
    managers: "Managers",
    facilities: "Facilities",
    plans: "Provision plans",
    plan_number: "Plan number",
    title: "Title",
    risk_class: "Class",
    purpose: "Purpose",
    submitted_on: "Submitted",
    provider: "Provider",
    committee: "Certified committee",
    cpcs: "Cell-processing facilities",
    timeline: "Timeline",
    related: "Related facilities and organizations",
    confirmed_links: "Established relations",
    possible_links: "Possibly related",
    possible_note: "The records below are NOT confirmed to be the same facility or organization. They may be related because names, addresses or other details match; the evidence and confidence are shown.",
    evidence: "Evidence",
    confidence: "Confidence",
    decided_by: "Decided by",
    sources: "Sources",
    original: "Original",
    archived_copy: "Archived copy",
    fetched_at: "Fetched",
    period: "Period",
    seen_in_sources: "Seen in sources",
    current: "current",
    none: "None",
    unknown: "Unknown",
    as_of_banner: "This page shows what sources had stated as of:",
    as_of_clear: "Show the latest",
    as_of_form: "See the record as of a past date",
    as_of_submit: "Show",
    cite_heading: "Cite this record",
    permalink: "Permalink",
    data_version_of: "Data version",
    version_banner: "This page reconstructs what mieru had collected as of data version:",
    fact_hashes_note: "Each fact's sources give the SHA-256 of the archived document.",
    details: "Details",
    actions_list: "Regulatory actions",
    filters: "Filters",
    from: "From",
    to: "To",
    article: "Article",
    any: "Any",
    apply: "Apply",
    older: "Older actions",
    newest: "Back to newest",
    feed: "New actions (Atom feed)",
    api: "API (JSON)",
    data_version: "Data version",
    disclaimer: "An unofficial database built from public documents. Always check the original source.",
    not_found_title: "Page not found",
    not_found_body: "We could not find that page. Check the address, or use the search.",
    back_home: "Back to search",
    bad_input_title: "Please check your input",
    unavailable_title: "Temporarily unavailable",
    unavailable_body: "The database could not be reached. Please try again in a moment.",
    about_title: "About this site",
    plan_title: "Provision plan",
    action_title: "Regulatory action",
    subject: "Subject",
    no_sources: "No sources recorded.",
    results_count_suffix: " results",
    watch_feed: "Subscribe to updates (Atom)",
    source_health: "Source health",
};

/// Display label of a machine code (`emergency_order`, `cpc`, `possible_successor` …);
/// unknown codes are shown as they are.
pub fn label(lang: Lang, code: &str) -> String {
    let pair: Option<(&str, &str)> = match code {
        // action types
        "emergency_order" => Some(("緊急命令", "Emergency order")),
        "improvement_order" => Some(("改善命令", "Improvement order")),
        "suspension_order" => Some(("提供・製造の停止命令", "Suspension order")),
        "licence_revocation" => Some(("許可の取消し", "Licence revocation")),
        "inspection" => Some(("立入検査", "On-site inspection")),
        "shipping_halt_request" => Some(("出荷停止の要請", "Request to halt shipping")),
        "lifting" => Some(("命令の解除", "Order lifted")),
        "other" => Some(("その他", "Other")),
        // entity kinds
        "facility" => Some(("医療機関", "Clinic / hospital")),
        "cpc" => Some(("細胞培養加工施設", "Cell-processing facility")),
        "organization" => Some(("法人・開設者", "Organization")),
        "action" => Some(("行政処分", "Action")),
        "plan" => Some(("提供計画", "Plan")),
        "person" => Some(("人物", "Person")),
        "committee" => Some(("委員会", "Committee")),
        // statuses
        "open" => Some(("開設中", "Open")),
        "closed" => Some(("廃止", "Closed")),
        "delisted" => Some(("掲載終了", "Delisted")),
        "unknown" => Some(("不明", "Unknown")),
        "in_force" => Some(("効力あり", "In force")),
        "lifted" => Some(("解除済み", "Lifted")),
        "superseded" => Some(("後続の処分あり", "Superseded")),
        "active" => Some(("有効", "Active")),
        "submitted" => Some(("提出済み", "Submitted")),
        "changed" => Some(("変更あり", "Changed")),
        "discontinued" => Some(("中止", "Discontinued")),
        "ended" => Some(("終了", "Ended")),
        "dissolved" => Some(("解散", "Dissolved")),
        "merged" => Some(("合併", "Merged")),
        // link kinds
        "same" => Some(("同一", "Same")),
        "renamed" => Some(("名称変更", "Renamed")),
        "successor" => Some(("後継", "Successor")),
        "predecessor" => Some(("前身", "Predecessor")),
        "possible_successor" => Some(("関連の可能性（後継）", "Possibly related (successor)")),
        "possible_predecessor" => Some(("関連の可能性（前身）", "Possibly related (predecessor)")),
        "possible_same" => Some(("関連の可能性（同一）", "Possibly related (same)")),
        // link origins
        "rule" => Some(("識別子・規則による判定", "Identifier rule")),
        "score" => Some(("類似度による推定", "Similarity score")),
        "human" => Some(("担当者による確認", "Human review")),
        // event kinds
        "relocated" => Some(("移転", "Relocated")),
        "operator_renamed" => Some(("開設者の名称変更", "Operator renamed")),
        "manager_changed" => Some(("管理者の変更", "Manager changed")),
        "plan_submitted" => Some(("計画の提出", "Plan submitted")),
        "plan_changed" => Some(("計画の変更", "Plan changed")),
        "plan_discontinued" => Some(("計画の中止", "Plan discontinued")),
        "plan_ended" => Some(("計画の終了", "Plan ended")),
        "action_issued" => Some(("行政処分", "Action issued")),
        "action_lifted" => Some(("処分の解除", "Action lifted")),
        "closure_filed" => Some(("廃止届", "Closure filed")),
        "closure_revoked" => Some(("閉鎖の取消し", "Closure revoked")),
        "merger_annulled" => Some(("合併の無効", "Merger annulled")),
        "registry_deleted" => Some(("記録の削除", "Record deleted")),
        "licensed" => Some(("許可", "Licensed")),
        "first_listed" => Some(("初出", "First listed")),
        "correction" => Some(("訂正", "Correction")),
        // evidence kinds
        "corporate_number" => Some(("法人番号の一致", "Same corporate number")),
        "facility_number" => Some(("施設番号の一致", "Same facility number")),
        "plan_number" => Some(("計画番号の一致", "Same plan number")),
        "name" => Some(("名称の類似", "Similar name")),
        "address" => Some(("所在地の一致", "Same address")),
        "phone" => Some(("電話番号の一致", "Same phone number")),
        "manager" => Some(("管理者の一致", "Same manager")),
        "registry_rename" => Some((
            "法人番号公表サイトの名称変更",
            "Rename in the corporate registry",
        )),
        "registry_successor" => Some((
            "法人番号公表サイトの承継",
            "Successor in the corporate registry",
        )),
        "release_rename" => Some(("報道発表の「現」表記", "Rename stated in a press release")),
        "judgement" => Some(("担当者の判断", "Reviewer's judgement")),
        // roles and purposes
        "operator" => Some(("開設者", "Operator")),
        "target" => Some(("対象", "Target")),
        "treatment" => Some(("治療", "Treatment")),
        "research" => Some(("研究", "Research")),
        "1" => Some(("第一種", "Class I")),
        "2" => Some(("第二種", "Class II")),
        "3" => Some(("第三種", "Class III")),
        _ => None,
    };
    match (pair, lang) {
        (Some((ja, _)), Lang::Ja) => ja.to_owned(),
        (Some((_, en)), Lang::En) => en.to_owned(),
        (None, _) => code.to_owned(),
    }
}

/// The friendly message for an input error code on HTML pages.
pub fn input_error(lang: Lang, code: &str) -> &'static str {
    let (ja, en) = match code {
        "missing_query" | "empty_query" => {
            ("検索語を入力してください。", "Please enter a search term.")
        }
        "query_too_long" => (
            "検索語が長すぎます。200文字以内で入力してください。",
            "The search term is too long: use at most 200 characters.",
        ),
        "invalid_query" => (
            "検索語に使用できない文字（制御文字）が含まれています。",
            "The search term contains characters that cannot be used (control characters).",
        ),
        "invalid_limit" | "invalid_offset" => (
            "ページの指定が正しくありません。",
            "The page requested is not valid.",
        ),
        "invalid_year" => ("年の指定が正しくありません。", "The year is not valid."),
        "invalid_date" | "invalid_date_range" => (
            "日付は YYYY-MM-DD の形で、開始日が終了日より前になるよう指定してください。",
            "Dates must be YYYY-MM-DD, with the start not after the end.",
        ),
        "invalid_cursor" => (
            "ページ送りの指定が正しくありません。最新の一覧から開き直してください。",
            "The page link is not valid. Please start again from the newest actions.",
        ),
        "invalid_id" => (
            "識別子の形式が正しくありません。",
            "The identifier is not valid.",
        ),
        _ => (
            "指定された条件を解釈できませんでした。",
            "The parameters could not be understood.",
        ),
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// `行政処分 3件` / `3 regulatory actions`.
pub fn action_count(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::Ja, n) => format!("行政処分 {n}件"),
        (Lang::En, 1) => "1 regulatory action".to_owned(),
        (Lang::En, n) => format!("{n} regulatory actions"),
    }
}

/// A bare count for headings that already say what is counted: `3件` / `3`.
pub fn count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ja => format!("{n}件"),
        Lang::En => n.to_string(),
    }
}

/// Confidence 0.0–1.0 as a percentage with a word.
pub fn confidence(lang: Lang, c: f64) -> String {
    let pct = (c.clamp(0.0, 1.0) * 100.0).round();
    let word = match (lang, c) {
        (Lang::Ja, c) if c >= 0.9 => "高",
        (Lang::Ja, c) if c >= 0.6 => "中",
        (Lang::Ja, _) => "低",
        (Lang::En, c) if c >= 0.9 => "high",
        (Lang::En, c) if c >= 0.6 => "medium",
        (Lang::En, _) => "low",
    };
    format!("{pct:.0}% ({word})")
}

#[cfg(test)]
mod tests;
