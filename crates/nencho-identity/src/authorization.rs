//! Who may do what, and where (ID-4). ADMIN and administrators may do everything in the tenant.
//! The limited roles are given per company (optionally narrowed to departments): 承認者 reviews
//! and approves, 担当者 enters, edits and returns but does not approve, 参照者 only reads. Anyone
//! with an employee record acts on their own data as a general user.
//!
//! The table in `docs/authorization.md` states the same rules; a test keeps them equal.

use nencho_kernel::{CompanyId, UserId};

use crate::Role;

/// One thing a use case does. Each use case checks exactly one permission plus the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Register IDs, assign roles, disable and enable IDs (ID-1…5).
    ManageUsers,
    /// Create companies and change their settings.
    ManageCompanies,
    /// Register and update employees, one by one or by CSV import (ID-1).
    ManageEmployees,
    /// See employees and their master data.
    ViewEmployees,
    /// Open a tax year and set a company's periods.
    ManagePeriods,
    /// See declarations, their history and the progress dashboard.
    ViewFilings,
    /// Request (依頼) and remind.
    RequestFilings,
    /// Enter or edit a declaration for an employee (proxy entry).
    EditFilings,
    /// Return a declaration with a comment (差戻し).
    ReturnFilings,
    /// Approve (承認) and reopen (再年調).
    ApproveFilings,
    /// Export approved declarations to payroll (YEA-5).
    ExportPayroll,
    /// Export every kind of the tenant's data (SVC-3).
    ExportAll,
    /// Keep the contract's IP allow-list (SEC-2).
    ManageSiteAccess,
    /// See the 操作ログ: what administrators did to IDs, roles, settings and exports.
    ViewAuditLog,
}

impl Permission {
    pub const ALL: [Permission; 14] = [
        Permission::ManageUsers,
        Permission::ManageCompanies,
        Permission::ManageEmployees,
        Permission::ViewEmployees,
        Permission::ManagePeriods,
        Permission::ViewFilings,
        Permission::RequestFilings,
        Permission::EditFilings,
        Permission::ReturnFilings,
        Permission::ApproveFilings,
        Permission::ExportPayroll,
        Permission::ExportAll,
        Permission::ManageSiteAccess,
        Permission::ViewAuditLog,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::ManageUsers => "manage_users",
            Self::ManageCompanies => "manage_companies",
            Self::ManageEmployees => "manage_employees",
            Self::ViewEmployees => "view_employees",
            Self::ManagePeriods => "manage_periods",
            Self::ViewFilings => "view_filings",
            Self::RequestFilings => "request_filings",
            Self::EditFilings => "edit_filings",
            Self::ReturnFilings => "return_filings",
            Self::ApproveFilings => "approve_filings",
            Self::ExportPayroll => "export_payroll",
            Self::ExportAll => "export_all",
            Self::ManageSiteAccess => "manage_site_access",
            Self::ViewAuditLog => "view_audit_log",
        }
    }
}

/// The limited administrator roles, given per company (ID-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompanyRole {
    /// 承認者: reviews and approves.
    Approver,
    /// 担当者: enters, edits and returns; does not approve.
    Clerk,
    /// 参照者: reads only.
    Viewer,
}

impl CompanyRole {
    pub const ALL: [CompanyRole; 3] = [
        CompanyRole::Approver,
        CompanyRole::Clerk,
        CompanyRole::Viewer,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Approver => "approver",
            Self::Clerk => "clerk",
            Self::Viewer => "viewer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }

    /// The rule table for the limited roles.
    pub const fn permits(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Approver => matches!(
                permission,
                ViewEmployees
                    | ViewFilings
                    | RequestFilings
                    | EditFilings
                    | ReturnFilings
                    | ApproveFilings
                    | ExportPayroll
            ),
            Self::Clerk => matches!(
                permission,
                ViewEmployees | ViewFilings | RequestFilings | EditFilings | ReturnFilings
            ),
            Self::Viewer => matches!(permission, ViewEmployees | ViewFilings),
        }
    }
}

/// A limited role of one user in one company; `departments` empty means the whole company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    pub user_id: UserId,
    pub company_id: CompanyId,
    pub role: CompanyRole,
    pub departments: Vec<String>,
}

/// Where a permission reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every company of the tenant.
    Tenant,
    /// These companies (each, optionally, only some departments).
    Companies(Vec<(CompanyId, Vec<String>)>),
    Nothing,
}

/// What one user may do: their tenant role and their company roles.
#[derive(Debug, Clone)]
pub struct Grants {
    pub role: Role,
    pub assignments: Vec<RoleAssignment>,
}

impl Grants {
    /// The reach of `permission` for this user.
    pub fn scope(&self, permission: Permission) -> Scope {
        if self.role.manages_users() {
            return Scope::Tenant;
        }
        let companies: Vec<(CompanyId, Vec<String>)> = self
            .assignments
            .iter()
            .filter(|assignment| assignment.role.permits(permission))
            .map(|assignment| (assignment.company_id, assignment.departments.clone()))
            .collect();
        if companies.is_empty() {
            Scope::Nothing
        } else {
            Scope::Companies(companies)
        }
    }

    /// May this user do `permission` on data of `company` (and, if known, `department`)?
    pub fn allows(
        &self,
        permission: Permission,
        company: CompanyId,
        department: Option<&str>,
    ) -> bool {
        match self.scope(permission) {
            Scope::Tenant => true,
            Scope::Nothing => false,
            Scope::Companies(companies) => companies.iter().any(|(id, departments)| {
                *id == company
                    && (departments.is_empty()
                        || department.is_some_and(|wanted| departments.iter().any(|d| d == wanted)))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::FixedClock;
    use time::macros::datetime;

    fn ids() -> (UserId, CompanyId, CompanyId) {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let user = UserId::generate(&clock);
        clock.advance(time::Duration::milliseconds(1));
        let a = CompanyId::generate(&clock);
        clock.advance(time::Duration::milliseconds(1));
        (user, a, CompanyId::generate(&clock))
    }

    /// The markdown table of docs/authorization.md, as (permission code, role column) → allowed.
    fn documented_table() -> Vec<(String, Vec<bool>)> {
        let document = include_str!("../../../docs/authorization.md");
        document
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| {
                let cells: Vec<&str> = line
                    .split('|')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect();
                let code = cells[0].trim_matches('`').to_owned();
                let allowed = cells[2..].iter().map(|cell| *cell == "✓").collect();
                (code, allowed)
            })
            .collect()
    }

    #[test]
    fn the_code_and_docs_authorization_md_state_the_same_table() {
        let (user, company, _) = ids();
        let table = documented_table();
        assert_eq!(table.len(), Permission::ALL.len(), "one row per permission");
        for permission in Permission::ALL {
            let (_, documented) = table
                .iter()
                .find(|(code, _)| code == permission.code())
                .unwrap_or_else(|| panic!("{} is not in docs/authorization.md", permission.code()));
            // Columns: ADMIN, 管理者, 承認者, 担当者, 参照者, 一般ユーザー.
            let grants = |role: Role, company_role: Option<CompanyRole>| Grants {
                role,
                assignments: company_role
                    .map(|role| {
                        vec![RoleAssignment {
                            user_id: user,
                            company_id: company,
                            role,
                            departments: vec![],
                        }]
                    })
                    .unwrap_or_default(),
            };
            let actual = [
                grants(Role::Admin, None),
                grants(Role::Administrator, None),
                grants(Role::General, Some(CompanyRole::Approver)),
                grants(Role::General, Some(CompanyRole::Clerk)),
                grants(Role::General, Some(CompanyRole::Viewer)),
                grants(Role::General, None),
            ]
            .map(|grants| grants.allows(permission, company, None));
            assert_eq!(&actual[..], &documented[..], "{}", permission.code());
        }
    }

    #[test]
    fn limited_roles_reach_only_their_companies_and_departments() {
        let (user, a, b) = ids();
        let viewer_of_a = Grants {
            role: Role::General,
            assignments: vec![RoleAssignment {
                user_id: user,
                company_id: a,
                role: CompanyRole::Viewer,
                departments: vec![],
            }],
        };
        assert!(viewer_of_a.allows(Permission::ViewFilings, a, None));
        assert!(
            !viewer_of_a.allows(Permission::ViewFilings, b, None),
            "not company B"
        );
        assert!(
            !viewer_of_a.allows(Permission::EditFilings, a, None),
            "reads only"
        );

        let clerk_of_sales = Grants {
            role: Role::General,
            assignments: vec![RoleAssignment {
                user_id: user,
                company_id: a,
                role: CompanyRole::Clerk,
                departments: vec!["営業部".into()],
            }],
        };
        assert!(clerk_of_sales.allows(Permission::EditFilings, a, Some("営業部")));
        assert!(!clerk_of_sales.allows(Permission::EditFilings, a, Some("経理部")));
        assert!(
            !clerk_of_sales.allows(Permission::EditFilings, a, None),
            "an unknown department is outside a department scope"
        );
        assert!(!clerk_of_sales.allows(Permission::ApproveFilings, a, Some("営業部")));
        assert_eq!(
            clerk_of_sales.scope(Permission::ManageUsers),
            Scope::Nothing
        );
        assert_eq!(
            Grants {
                role: Role::Administrator,
                assignments: vec![]
            }
            .scope(Permission::ExportAll),
            Scope::Tenant
        );
    }
}
