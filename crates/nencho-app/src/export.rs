//! The full export (SVC-3): every kind of the tenant's data, for ADMIN and administrators
//! (`export_all`), while the contract has not ended.
//!
//! The export is pulled page by page ([`FullExport::next_page`]), table by table — companies,
//! employees (every company, departed ones included, in keyset pages), users, role assignments,
//! login history (per user) — so the adapter that writes it never holds the whole tenant. Users
//! come without their password hashes: [`ExportedUser`] has no field for one.

use std::collections::HashMap;
use std::sync::Arc;

use nencho_identity::{
    CompanyRole, DisplayName, LoginAttempt, LoginId, Permission, Role, UserStatus,
};
use nencho_kernel::{CompanyId, EmailAddress, OffsetDateTime, TenantId, UserId};
use nencho_ports::{EmployeeQuery, Store};
use nencho_tenancy::{Company, ContractStatus, Employee, EmployeeNumber, Tenant};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Employees per page read from the store.
pub const EMPLOYEE_PAGE_SIZE: u32 = 5_000;

/// A user as exported: everything but the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedUser {
    pub id: UserId,
    pub login_id: LoginId,
    pub display_name: DisplayName,
    pub email: Option<EmailAddress>,
    pub role: Role,
    pub status: UserStatus,
    /// Whether the ID has a password yet (an invitation not used has none).
    pub has_password: bool,
    pub created_at: OffsetDateTime,
}

/// One per-company role, with the names a reader of the export needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedRole {
    pub company_id: CompanyId,
    pub company_name: String,
    pub user_id: UserId,
    /// `None` when the user is unknown (never expected).
    pub login_id: Option<LoginId>,
    pub role: CompanyRole,
    pub departments: Vec<String>,
}

/// One page of the export. Pages of a table come together and in the order of
/// [`ExportTable::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportPage {
    Companies(Vec<Company>),
    /// Employees of one company in employee-number order (a company has one or more pages).
    Employees {
        company: Arc<Company>,
        employees: Vec<Employee>,
    },
    Users(Vec<ExportedUser>),
    Roles(Vec<ExportedRole>),
    /// Every login attempt of one user, newest first.
    LoginHistory {
        user: Arc<ExportedUser>,
        attempts: Vec<LoginAttempt>,
    },
}

/// The tables of the export, in the order they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportTable {
    Companies,
    Employees,
    Users,
    Roles,
    LoginHistory,
}

impl ExportTable {
    pub const ALL: [ExportTable; 5] = [
        ExportTable::Companies,
        ExportTable::Employees,
        ExportTable::Users,
        ExportTable::Roles,
        ExportTable::LoginHistory,
    ];
}

impl ExportPage {
    pub fn table(&self) -> ExportTable {
        match self {
            Self::Companies(_) => ExportTable::Companies,
            Self::Employees { .. } => ExportTable::Employees,
            Self::Users(_) => ExportTable::Users,
            Self::Roles(_) => ExportTable::Roles,
            Self::LoginHistory { .. } => ExportTable::LoginHistory,
        }
    }
}

#[derive(Debug)]
enum Stage {
    Companies,
    /// The company at this index, from after this number.
    Employees {
        index: usize,
        after: Option<EmployeeNumber>,
    },
    Users,
    Roles,
    LoginHistory {
        index: usize,
    },
    Done,
}

/// An export under way: call [`FullExport::next_page`] until it answers `None`. Owns what it
/// needs (no borrow of the request), so it can be driven from another task.
pub struct FullExport {
    store: Arc<dyn Store>,
    tenant: Tenant,
    exported_at: OffsetDateTime,
    stage: Stage,
    companies: Vec<Arc<Company>>,
    users: Vec<Arc<ExportedUser>>,
}

impl std::fmt::Debug for FullExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FullExport")
            .field("tenant", &self.tenant.slug)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

/// Checks `export_all` and that the contract has not ended, then starts the export.
pub async fn start_export(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<FullExport, AppError> {
    require(context, actor, Permission::ExportAll, None).await?;
    let tenant = context
        .store
        .find_tenant(actor.tenant.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if tenant.status == ContractStatus::Ended {
        return Err(AppError::ContractEnded);
    }
    Ok(FullExport {
        store: Arc::clone(&context.store),
        tenant,
        exported_at: context.clock.now(),
        stage: Stage::Companies,
        companies: Vec::new(),
        users: Vec::new(),
    })
}

impl FullExport {
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// When the export was started, by the application's clock.
    pub fn exported_at(&self) -> OffsetDateTime {
        self.exported_at
    }

    fn tenant_id(&self) -> TenantId {
        self.tenant.id
    }

    /// The next page, or `None` when everything has been handed out.
    pub async fn next_page(&mut self) -> Result<Option<ExportPage>, AppError> {
        loop {
            match std::mem::replace(&mut self.stage, Stage::Done) {
                Stage::Companies => {
                    let companies = self.store.list_companies(self.tenant_id()).await?;
                    self.companies = companies.iter().cloned().map(Arc::new).collect();
                    self.stage = Stage::Employees {
                        index: 0,
                        after: None,
                    };
                    return Ok(Some(ExportPage::Companies(companies)));
                }
                Stage::Employees { index, after } => {
                    let Some(company) = self.companies.get(index).cloned() else {
                        self.stage = Stage::Users;
                        continue;
                    };
                    let query = EmployeeQuery {
                        include_departed: true,
                        after,
                        ..EmployeeQuery::first_page(company.id, EMPLOYEE_PAGE_SIZE)
                    };
                    let page = self.store.list_employees(self.tenant_id(), &query).await?;
                    self.stage = match page.next {
                        Some(next) => Stage::Employees {
                            index,
                            after: Some(next),
                        },
                        None => Stage::Employees {
                            index: index + 1,
                            after: None,
                        },
                    };
                    if page.employees.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::Employees {
                        company,
                        employees: page.employees,
                    }));
                }
                Stage::Users => {
                    let users: Vec<ExportedUser> = self
                        .store
                        .list_users(self.tenant_id())
                        .await?
                        .into_iter()
                        .map(|user| ExportedUser {
                            id: user.id,
                            has_password: user.password.hash().is_some(),
                            login_id: user.login_id,
                            display_name: user.display_name,
                            email: user.email,
                            role: user.role,
                            status: user.status,
                            created_at: user.created_at,
                        })
                        .collect();
                    self.users = users.iter().cloned().map(Arc::new).collect();
                    self.stage = Stage::Roles;
                    return Ok(Some(ExportPage::Users(users)));
                }
                Stage::Roles => {
                    let login_ids: HashMap<UserId, &LoginId> = self
                        .users
                        .iter()
                        .map(|user| (user.id, &user.login_id))
                        .collect();
                    let mut roles = Vec::new();
                    for company in &self.companies {
                        for holder in self
                            .store
                            .role_holders(self.tenant_id(), company.id)
                            .await?
                        {
                            roles.push(ExportedRole {
                                company_id: company.id,
                                company_name: company.name.as_str().to_owned(),
                                user_id: holder.user_id,
                                login_id: login_ids.get(&holder.user_id).map(|id| (*id).clone()),
                                role: holder.role,
                                departments: holder.departments,
                            });
                        }
                    }
                    self.stage = Stage::LoginHistory { index: 0 };
                    return Ok(Some(ExportPage::Roles(roles)));
                }
                Stage::LoginHistory { index } => {
                    let Some(user) = self.users.get(index).cloned() else {
                        self.stage = Stage::Done;
                        continue;
                    };
                    self.stage = Stage::LoginHistory { index: index + 1 };
                    let attempts = self
                        .store
                        .list_login_attempts(self.tenant_id(), user.id, u32::MAX)
                        .await?;
                    if attempts.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::LoginHistory { user, attempts }));
                }
                Stage::Done => return Ok(None),
            }
        }
    }
}
