//! The curation and admin sides: `CurationRegistry` and `AdminRegistry`, thin over
//! `crate::curation` (see `crate::curation::registry`), `pipeline::jobs` and
//! `serve::admin_ingest`.

use super::DbRegistry;
use mieru_web::jobs::{Job, WithJob};
use mieru_web::model::*;
use mieru_web::registry::RegistryError;

impl mieru_web::registry::CurationRegistry for DbRegistry {
    fn authenticate(
        &self,
        token: &str,
    ) -> Result<Option<mieru_web::curation::CuratorInfo>, RegistryError> {
        crate::curation::registry::authenticate(&self.pool, token)
    }

    fn submit_correction(
        &self,
        new: &mieru_web::curation::NewCorrection,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::submit(&self.pool, new)
    }

    fn corrections(
        &self,
        filter: &mieru_web::curation::CorrectionFilter,
    ) -> Result<Page<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::list(&self.pool, filter)
    }

    fn correction(
        &self,
        id: &str,
    ) -> Result<Option<mieru_web::curation::Correction>, RegistryError> {
        crate::curation::registry::get(&self.pool, id)
    }

    fn decide_correction(
        &self,
        id: &str,
        decision: &mieru_web::curation::Decision,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<WithJob<mieru_web::curation::Correction>>, RegistryError>
    {
        crate::curation::registry::decide(&self.pool, &self.bell, id, decision, by)
    }

    fn judge(
        &self,
        request: &mieru_web::curation::JudgementRequest,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<
        mieru_web::curation::Curated<WithJob<mieru_web::curation::JudgementRecorded>>,
        RegistryError,
    > {
        crate::curation::registry::judge(&self.pool, &self.bell, request, by)
    }

    fn annotate(
        &self,
        new: &mieru_web::curation::NewAnnotation,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<WithJob<mieru_web::curation::Annotation>>, RegistryError>
    {
        crate::curation::registry::annotate(&self.pool, &self.bell, new, by)
    }

    fn withdraw_annotation(
        &self,
        id: i64,
        reason: &str,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<WithJob<mieru_web::curation::Annotation>>, RegistryError>
    {
        crate::curation::registry::withdraw(&self.pool, &self.bell, id, reason, by)
    }

    fn job(&self, id: i64) -> Result<Option<Job>, RegistryError> {
        let mut conn = self.conn()?;
        crate::pipeline::jobs::find(&mut conn, id).map_err(super::unavailable)
    }

    fn entity_facts(
        &self,
        id: &str,
    ) -> Result<Option<Vec<mieru_web::curation::FactInfo>>, RegistryError> {
        crate::curation::registry::entity_facts(&self.pool, id)
    }

    fn audit_log(
        &self,
        filter: &mieru_web::curation::AuditFilter,
    ) -> Result<Page<mieru_web::curation::AuditEntry>, RegistryError> {
        crate::curation::registry::audit_log(&self.pool, filter)
    }
}

impl mieru_web::registry::AdminRegistry for DbRegistry {
    fn add_curator(
        &self,
        new: &mieru_web::curation::NewCurator,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<mieru_web::curation::IssuedToken>, RegistryError> {
        crate::curation::registry::add_curator(&self.pool, new, by)
    }

    fn revoke_curator(
        &self,
        name: &str,
        reason: &str,
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::curation::Curated<()>, RegistryError> {
        crate::curation::registry::revoke_curator(&self.pool, name, reason, by)
    }

    fn ingest_document(
        &self,
        request: &mieru_web::admin::IngestRequest,
        body: &[u8],
        by: &mieru_web::curation::CuratorInfo,
    ) -> Result<mieru_web::admin::IngestResult, RegistryError> {
        crate::serve::admin_ingest::ingest_document(
            &self.pool,
            &self.archive,
            &self.bell,
            request,
            body,
            by,
        )
    }
}
