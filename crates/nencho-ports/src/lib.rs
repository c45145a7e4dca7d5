//! The driven ports: async traits through which the application layer reaches storage, mail and
//! other infrastructure. They take and return domain types only, and their errors say nothing
//! about the backend. Every tenant-scoped method takes the [`TenantId`] explicitly, so no adapter
//! can forget the tenant.
//!
//! Must not depend on any adapter technology (sqlx, poem, lettre). With the `mocks` feature every
//! port has a mockall mock (`MockTenantStore`, …) for use-case unit tests.

mod access_log;
mod attachments;
mod audit_log;
mod availability;
mod backup;
mod change_requests;
mod claims;
mod crypto;
mod employees;
mod filings;
mod identity;
mod ip_allow_list;
mod mail;
mod notices;
mod operator_log;
mod originals;
mod outbox;
mod reminders;
mod review_digests;
mod second_factor;
mod slips;
mod store;

#[cfg(feature = "mocks")]
pub use access_log::MockAccessLogStore;
pub use access_log::{
    AccessCursor, AccessLogStore, AccessPage, AccessRecord, path_without_query, user_agent_of,
};
pub use attachments::AttachmentStore;
#[cfg(feature = "mocks")]
pub use attachments::MockAttachmentStore;
pub use audit_log::AuditLogStore;
#[cfg(feature = "mocks")]
pub use audit_log::MockAuditLogStore;
pub use availability::AvailabilityStore;
#[cfg(feature = "mocks")]
pub use availability::MockAvailabilityStore;
#[cfg(feature = "mocks")]
pub use backup::MockBackupRunner;
pub use backup::{BackupError, BackupRunner};
#[cfg(feature = "mocks")]
pub use change_requests::MockChangeRequestStore;
pub use change_requests::{ChangeDecision, ChangeRequestStore};
pub use claims::ClaimStore;
#[cfg(feature = "mocks")]
pub use claims::MockClaimStore;
pub use crypto::{HashError, PasswordHasher, RandomSource, SealError, SecretSealer};
#[cfg(feature = "mocks")]
pub use crypto::{MockPasswordHasher, MockRandomSource, MockSecretSealer};
pub use employees::{
    EmployeePage, EmployeeQuery, EmployeeStore, ImportTransaction, ImportWrite, RoleAssignmentStore,
};
#[cfg(feature = "mocks")]
pub use employees::{MockEmployeeStore, MockRoleAssignmentStore};
#[cfg(feature = "mocks")]
pub use filings::MockFilingStore;
pub use filings::{
    DepartmentCounts, FilingHistory, FilingMark, FilingPage, FilingQuery, FilingRow, FilingStore,
    FilingWrite, PeriodChange, StatusCounts,
};
pub use identity::{LoginHistoryStore, SessionStore, TokenStore, UserStore};
#[cfg(feature = "mocks")]
pub use identity::{MockLoginHistoryStore, MockSessionStore, MockTokenStore, MockUserStore};
pub use ip_allow_list::IpAllowListStore;
#[cfg(feature = "mocks")]
pub use ip_allow_list::MockIpAllowListStore;
#[cfg(feature = "mocks")]
pub use operator_log::MockOperatorLogStore;
pub use operator_log::{OperatorAction, OperatorLogStore};
#[cfg(feature = "mocks")]
pub use originals::MockOriginalStore;
pub use originals::{OriginalReceiptWrite, OriginalStore};
#[cfg(feature = "mocks")]
pub use outbox::MockOutboxStore;
pub use outbox::{DeliveryResult, OutboxMessage, OutboxStore};
#[cfg(feature = "mocks")]
pub use reminders::MockReminderStore;
pub use reminders::ReminderStore;
#[cfg(feature = "mocks")]
pub use review_digests::MockReviewDigestStore;
pub use review_digests::{AwaitingReview, ReviewDigestStore, SentReviewDigest};
#[cfg(feature = "mocks")]
pub use second_factor::MockSecondFactorStore;
pub use second_factor::SecondFactorStore;
#[cfg(feature = "mocks")]
pub use slips::MockSlipStore;
pub use slips::SlipStore;

#[cfg(feature = "mocks")]
pub use mail::MockMailer;
pub use mail::{MailError, Mailer, OutgoingMail};

pub use nencho_operations::{MaintenanceNotice, PlannedMaintenance};
#[cfg(feature = "mocks")]
pub use notices::MockNoticeStore;
pub use notices::NoticeStore;

pub use store::{
    AppliedMigration, CompanyStore, PurgeReport, Store, StoreError, StoreHealth, StoreMaintenance,
    TableRows, TenantStore,
};

#[cfg(feature = "mocks")]
pub use store::{MockCompanyStore, MockStoreHealth, MockStoreMaintenance, MockTenantStore};

pub use nencho_kernel::TenantId;
