//! What the crawler emits: archived documents and the facts each one states.
//!
//! These types are the contract between the crawler and whatever stores its output (the root
//! package's ingest). They carry no storage concerns: no row IDs, no database types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The name of a source adapter, as used on the command line (`--source e-saisei`).
pub type SourceName = &'static str;

/// Everything known about one fetched (or user-ingested) document, apart from its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Adapter that fetched and read it.
    pub source: String,
    /// The real (public) URL, never the mirror URL; for an ingested file `file:///<sha256>/<name>`.
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub http_status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Lower-case hex SHA-256 of the raw bytes as received (the archive key).
    pub sha256: String,
    pub size: u64,
    /// Character encoding used to decode a text body (`Shift_JIS`, `UTF-8`, …), if any.
    pub encoding: Option<String>,
}

/// What kind of real-world thing a subject key denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A clinic or hospital providing regenerative medicine (再生医療等提供機関).
    Facility,
    /// A cell culture processing facility (細胞培養加工施設).
    Cpc,
    /// A corporation or other legal person (法人 / 開設者).
    Organization,
    /// A natural person named by a source (管理者, 代表者, 実施責任者).
    Person,
    /// A provision plan (再生医療等提供計画) or research plan.
    Plan,
    /// A regulatory action (命令, 処分, 立入検査の結果 …).
    Action,
    /// A certified committee (認定再生医療等委員会).
    Committee,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Facility => "facility",
            Self::Cpc => "cpc",
            Self::Organization => "organization",
            Self::Person => "person",
            Self::Plan => "plan",
            Self::Action => "action",
            Self::Committee => "committee",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "facility" => Self::Facility,
            "cpc" => Self::Cpc,
            "organization" => Self::Organization,
            "person" => Self::Person,
            "plan" => Self::Plan,
            "action" => Self::Action,
            "committee" => Self::Committee,
            _ => return None,
        })
    }
}

/// A source-local key for one subject, e.g. `cpc:kouseikyoku:FC3140012` or
/// `facility:mhlw-press:0000152281#1`. Stable across crawls of the same document, so that a
/// re-crawl restates the same facts instead of adding new ones. Resolution clusters these keys
/// into mieru entities; adapters never decide identity across documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubjectKey(pub String);

impl SubjectKey {
    /// `kind:source:local` — the local part is whatever the source makes stable.
    pub fn new(kind: SubjectKind, source: &str, local: &str) -> Self {
        Self(format!("{}:{}:{}", kind.as_str(), source, local))
    }

    pub fn kind(&self) -> Option<SubjectKind> {
        self.0.split(':').next().and_then(SubjectKind::parse)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SubjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The vocabulary of facts. Reference properties (`operator`, `target`, …) hold a
/// [`SubjectKey`] string as their value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    // -- identity and description of facilities, organizations, persons, committees --
    /// Name as the source writes it (facility, organization, person, committee).
    Name,
    /// A name the source says the subject had before (`旧名（現　新名）`).
    FormerName,
    /// Reading in katakana (法人番号 furigana).
    NameKana,
    /// English name.
    NameEn,
    /// Full address as written, including the prefecture when the source gives it.
    Address,
    /// Prefecture (都道府県), e.g. `東京都`.
    Prefecture,
    Phone,
    /// 13-digit 法人番号.
    CorporateNumber,
    /// 施設番号 of a cell culture processing facility (`FC3140012`).
    FacilityNumber,
    /// Committee number (`NA8150016`).
    CommitteeNumber,
    /// Corporation kind code or form (`301`, `医療法人社団` …).
    OrgKind,
    /// CPC licence kind: 許可 / 届出 / 認定; a committee's certification: 特定認定 / 認定.
    LicenceKind,
    /// Operator (開設者 / 法人) of a facility or CPC → organization subject key.
    Operator,
    /// Manager (管理者) of a facility → person subject key.
    Manager,
    /// Representative (代表者) of an organization → person subject key.
    Representative,
    /// Date a name took effect (法人番号 changeDate of a name change), value `YYYY-MM-DD`.
    NameChangedOn,
    /// Date an address took effect, value `YYYY-MM-DD`.
    AddressChangedOn,
    /// Closure / abolition date (廃止, 閉鎖), value `YYYY-MM-DD`.
    ClosedOn,
    /// Closure cause code or text.
    CloseCause,
    /// Successor (合併後存続法人 etc.) → subject key of the successor.
    Successor,
    /// Date the subject was registered / licensed / opened, value `YYYY-MM-DD`.
    RegisteredOn,

    // -- plans --
    /// 計画番号 (`02C1910156`) or jRCT ID (`jRCTb030190134`).
    PlanNumber,
    Title,
    /// Risk class: `1`, `2` or `3`.
    RiskClass,
    /// `treatment` (治療) or `research` (研究).
    Purpose,
    /// Status as the source words it (提供中, 中止, 終了, 募集中 …).
    Status,
    /// Provider facility of a plan → facility subject key.
    Provider,
    /// Committee that reviewed a plan → committee subject key.
    Committee,
    /// CPC used by a plan → cpc subject key.
    UsesCpc,
    /// Date the plan was submitted / first published, `YYYY-MM-DD`.
    SubmittedOn,
    /// Date the plan was changed, `YYYY-MM-DD` (one fact per change).
    ChangedOn,
    /// A change the source lists (`項目: 旧 → 新`), dated by `observed_on`.
    Change,
    /// Date the plan was discontinued (中止), `YYYY-MM-DD`.
    DiscontinuedOn,
    /// Date the plan ended (終了), `YYYY-MM-DD`.
    EndedOn,
    /// Link to a published attachment of the plan (URL).
    Attachment,

    // -- actions --
    /// Action type code, see the crawler's `ActionType`.
    ActionType,
    /// Date of issue, `YYYY-MM-DD`.
    IssuedOn,
    /// Issuing authority (`厚生労働大臣`, `九州厚生局長` …).
    Authority,
    /// Legal basis, normalised (`法第22条`, `法第48条第2項`).
    Article,
    /// Target of the action → facility / cpc / organization / person subject key.
    Target,
    /// Plan named by the action → plan subject key.
    ConcernsPlan,
    /// One finding (確認された法律違反 / 事案), as text.
    Finding,
    /// One measure ordered, as text.
    Measure,
    /// A document body: title of the release / notice.
    Headline,
    /// Date an action was lifted (解除), `YYYY-MM-DD`.
    LiftedOn,
    /// The role a target plays in the action that names it (`provider`, `manager`,
    /// `operator`, `manufacturer`, `cpc`, `committee`); set on the action's target subject.
    Role,
    /// First day of the period an order runs for, when the document states one.
    EffectiveFrom,
    /// Last day of the period an order runs for, when the document states one.
    EffectiveUntil,
    /// Listing of the subject in a published list; value is the list's name.
    ListedIn,

    // -- registry life-cycle (法人番号 process codes beyond new / change / closure) --
    /// Date a registry closure was withdrawn (法人番号 process 22, 登記記録の閉鎖等の取消し),
    /// `YYYY-MM-DD`: the corporation is active again. A [`Property::ClosedOn`] of the same
    /// subject observed on or before this date, and the close cause and successor stated with
    /// it, no longer stand.
    ClosureRevokedOn,
    /// Date an absorption merger recorded on this (surviving) subject was annulled (process 72,
    /// 吸収合併無効), `YYYY-MM-DD`.
    MergerAnnulledOn,
    /// The registry withdrew the successor link from this subject to the referenced one
    /// (process 72 naming the absorbed corporation) → subject key of the former successor. A
    /// [`Property::Successor`] fact to the same subject observed on or before it no longer stands.
    SuccessorAnnulled,
    /// Date the registry record was deleted (process 99, 削除: the number's record is void and
    /// every earlier fact the source stated about it is withdrawn) or its trade-name
    /// registration struck off (process 81, 商号の登記の抹消: the record no longer stands),
    /// `YYYY-MM-DD`.
    DeletedOn,
    /// Date the registry corrected the change observed on this fact's `observed_on` date
    /// (法人番号 correct = 1), `YYYY-MM-DD`: the values stated with the latest correction of a
    /// change supersede the earlier values of the same change.
    CorrectedOn,
}

impl Property {
    /// The properties whose value is a [`SubjectKey`] of another subject.
    pub const REFERENCES: [Property; 10] = [
        Self::Operator,
        Self::Manager,
        Self::Representative,
        Self::Successor,
        Self::SuccessorAnnulled,
        Self::Provider,
        Self::Committee,
        Self::UsesCpc,
        Self::Target,
        Self::ConcernsPlan,
    ];

    /// Whether the value is a [`SubjectKey`] of another subject.
    pub fn is_reference(self) -> bool {
        Self::REFERENCES.contains(&self)
    }

    pub fn as_str(self) -> &'static str {
        // The table below is the one list of names; a test checks it agrees with serde.
        PROPERTY_NAMES
            .iter()
            .find(|(p, _)| *p == self)
            .map(|(_, n)| *n)
            .unwrap_or("unknown")
    }

    pub fn parse(s: &str) -> Option<Self> {
        PROPERTY_NAMES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(p, _)| *p)
    }
}

macro_rules! property_names {
    ($($variant:ident => $name:literal),* $(,)?) => {
        const PROPERTY_NAMES: &[(Property, &str)] = &[$((Property::$variant, $name)),*];
    };
}

property_names! {
    Name => "name", FormerName => "former_name", NameKana => "name_kana", NameEn => "name_en",
    Address => "address", Prefecture => "prefecture", Phone => "phone",
    CorporateNumber => "corporate_number", FacilityNumber => "facility_number",
    CommitteeNumber => "committee_number", OrgKind => "org_kind", LicenceKind => "licence_kind",
    Operator => "operator", Manager => "manager", Representative => "representative",
    NameChangedOn => "name_changed_on", AddressChangedOn => "address_changed_on",
    ClosedOn => "closed_on", CloseCause => "close_cause", Successor => "successor",
    RegisteredOn => "registered_on", PlanNumber => "plan_number", Title => "title",
    RiskClass => "risk_class", Purpose => "purpose", Status => "status", Provider => "provider",
    Committee => "committee", UsesCpc => "uses_cpc", SubmittedOn => "submitted_on",
    ChangedOn => "changed_on", Change => "change", DiscontinuedOn => "discontinued_on",
    EndedOn => "ended_on", Attachment => "attachment", ActionType => "action_type",
    IssuedOn => "issued_on", Authority => "authority", Article => "article", Target => "target",
    ConcernsPlan => "concerns_plan", Finding => "finding", Measure => "measure",
    Headline => "headline", LiftedOn => "lifted_on", ListedIn => "listed_in", Role => "role",
    EffectiveFrom => "effective_from", EffectiveUntil => "effective_until",
    ClosureRevokedOn => "closure_revoked_on", MergerAnnulledOn => "merger_annulled_on",
    SuccessorAnnulled => "successor_annulled", DeletedOn => "deleted_on",
    CorrectedOn => "corrected_on",
}

/// Kinds of regulatory action; the value of [`Property::ActionType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionType {
    /// 緊急命令 (法第22条 provision / 法第47条 manufacture suspension).
    EmergencyOrder,
    /// 改善命令 (法第23条第1項, 法第48条第2項).
    ImprovementOrder,
    /// 提供の停止命令 / 製造の停止命令 (suspension / prohibition).
    SuspensionOrder,
    /// 許可の取消し (licence revocation).
    LicenceRevocation,
    /// 立入検査 results published.
    Inspection,
    /// 出荷停止の要請 to a foreign CPC.
    ShippingHaltRequest,
    /// Lifting of an earlier order (解除).
    Lifting,
    /// Anything else the source calls 処分 / 命令 / 指導.
    Other,
}

impl ActionType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmergencyOrder => "emergency_order",
            Self::ImprovementOrder => "improvement_order",
            Self::SuspensionOrder => "suspension_order",
            Self::LicenceRevocation => "licence_revocation",
            Self::Inspection => "inspection",
            Self::ShippingHaltRequest => "shipping_halt_request",
            Self::Lifting => "lifting",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::EmergencyOrder,
            Self::ImprovementOrder,
            Self::SuspensionOrder,
            Self::LicenceRevocation,
            Self::Inspection,
            Self::ShippingHaltRequest,
            Self::Lifting,
            Self::Other,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// One attribute value about one subject, as one document states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fact {
    pub subject: SubjectKey,
    pub property: Property,
    /// Text value; dates as `YYYY-MM-DD`; references as a subject key string.
    pub value: String,
    /// The date the source states this as true (a release's date, a registry row's
    /// update date), if it says; otherwise the fetch date applies.
    pub observed_on: Option<NaiveDate>,
}

impl Fact {
    pub fn new(subject: &SubjectKey, property: Property, value: impl Into<String>) -> Self {
        Self {
            subject: subject.clone(),
            property,
            value: value.into(),
            observed_on: None,
        }
    }

    pub fn on(mut self, date: Option<NaiveDate>) -> Self {
        self.observed_on = date;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_names_round_trip_and_match_serde() {
        for (p, name) in PROPERTY_NAMES {
            assert_eq!(Property::parse(name), Some(*p));
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(name));
            assert_eq!(p.as_str(), *name);
        }
    }

    #[test]
    fn subject_key_knows_its_kind() {
        let k = SubjectKey::new(SubjectKind::Cpc, "kouseikyoku", "FC3140012");
        assert_eq!(k.as_str(), "cpc:kouseikyoku:FC3140012");
        assert_eq!(k.kind(), Some(SubjectKind::Cpc));
    }
}
