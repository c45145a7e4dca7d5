use async_trait::async_trait;
use nencho_kernel::{ChangeRequestId, CompanyId, EmployeeId, OffsetDateTime, TenantId, UserId};
use nencho_tenancy::{ChangeRequest, ChangeStatus, Employee};

use crate::StoreError;

/// How an administrator decided a request (登録内容の変更届).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeDecision {
    pub status: ChangeStatus,
    pub at: OffsetDateTime,
    pub by: UserId,
    pub by_name: String,
    pub comment: String,
}

/// Employees' requests to correct their master data.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ChangeRequestStore: Send + Sync {
    /// Stores a pending request; a pending one of the same employee is replaced (one at a time).
    async fn insert_change_request(&self, request: &ChangeRequest) -> Result<(), StoreError>;
    async fn find_change_request(
        &self,
        tenant_id: TenantId,
        id: ChangeRequestId,
    ) -> Result<Option<ChangeRequest>, StoreError>;
    /// The employee's requests, newest first (at most `limit`).
    async fn change_requests_of(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        limit: u32,
    ) -> Result<Vec<ChangeRequest>, StoreError>;
    /// Every request of the tenant after `after`, in id (time) order: the full export.
    async fn change_requests_after(
        &self,
        tenant_id: TenantId,
        after: Option<ChangeRequestId>,
        limit: u32,
    ) -> Result<Vec<ChangeRequest>, StoreError>;
    /// The company's pending requests, oldest first.
    async fn pending_change_requests(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<ChangeRequest>, StoreError>;
    /// Decides a pending request and, when `updated` is given, writes the employee record, in
    /// one transaction; [`StoreError::Conflict`] when the request is no longer pending.
    async fn decide_change_request<'a>(
        &self,
        tenant_id: TenantId,
        id: ChangeRequestId,
        decision: &ChangeDecision,
        updated: Option<&'a Employee>,
    ) -> Result<(), StoreError>;
}
