//! Facility and organization records at a point in time, with their citation.

use chrono::NaiveDate;
use mieru_web::model::*;

/// Records that can be shown at a point in time and cited: read from their stored form
/// (latest version) or from a projection's JSON (older versions).
pub(super) trait PointInTimeRecord:
    serde::de::DeserializeOwned + crate::pipeline::project::stored::Record
{
    const ORGANIZATION: bool;
    fn at_date(self, date: NaiveDate) -> Self;
    fn set_citation(&mut self, citation: Citation);
}

impl PointInTimeRecord for FacilityDetail {
    const ORGANIZATION: bool = false;
    fn at_date(self, date: NaiveDate) -> Self {
        crate::serve::history::facility_as_of(self, date)
    }
    fn set_citation(&mut self, citation: Citation) {
        self.citation = Some(citation);
    }
}

impl PointInTimeRecord for OrganizationDetail {
    const ORGANIZATION: bool = true;
    fn at_date(self, date: NaiveDate) -> Self {
        crate::serve::history::organization_as_of(self, date)
    }
    fn set_citation(&mut self, citation: Citation) {
        self.citation = Some(citation);
    }
}
