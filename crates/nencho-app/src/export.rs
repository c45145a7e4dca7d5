//! The full export (SVC-3): every kind of the tenant's data, for ADMIN and administrators
//! (`export_all`), while the contract has not ended.
//!
//! The export is pulled page by page ([`FullExport::next_page`]), table by table — companies,
//! employees (every company, departed ones included, in keyset pages), users, role assignments,
//! login history (per user), then the declarations: each company's periods, the declarations
//! (every company, every opened tax year, in pages of [`FILING_PAGE_SIZE`]), and again the same
//! declarations for their values, their transitions and their changed values — so the adapter
//! that writes it never holds the whole tenant. Users come without their password hashes:
//! [`ExportedUser`] has no field for one.
//!
//! A ZIP is written one file after the other, so each declaration table is a pass of its own
//! over the store (`FilingCursor`): `list_filings` with the departed employees included, one
//! keyset page per company and year.

use std::collections::HashMap;
use std::sync::Arc;

use nencho_filings::{ComputedAmounts, FieldChange, Filing, FilingEvent, FilingPeriods, compute};
use nencho_identity::{
    CompanyRole, DisplayName, LoginAttempt, LoginId, Permission, Role, UserStatus,
};
use nencho_kernel::{CompanyId, EmailAddress, FilingId, OffsetDateTime, TaxYear, TenantId, UserId};
use nencho_ports::{EmployeeQuery, FilingQuery, Store};
use nencho_tenancy::{Company, Employee, EmployeeNumber, Tenant};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Employees per page read from the store.
pub const EMPLOYEE_PAGE_SIZE: u32 = 5_000;

/// Declarations per page read from the store (each carries its whole document).
pub const FILING_PAGE_SIZE: u32 = 500;

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

/// A declaration as exported: with its employee and the deductions computed from it (or why
/// they cannot be, in words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFiling {
    pub employee: Employee,
    pub filing: Filing,
    pub computed: Result<ComputedAmounts, String>,
}

/// The history entries (transitions or changed values) of one declaration, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedHistory<T> {
    pub employee: Employee,
    pub filing_id: FilingId,
    pub tax_year: TaxYear,
    pub entries: Vec<T>,
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
    /// Every tax year opened for one company, newest first.
    FilingPeriods {
        company: Arc<Company>,
        periods: Vec<FilingPeriods>,
    },
    /// Declarations of one company (one or more pages per company).
    Filings {
        company: Arc<Company>,
        filings: Vec<ExportedFiling>,
    },
    /// The same declarations again, for their values (`nencho_filings::flatten`).
    FilingValues {
        company: Arc<Company>,
        filings: Vec<ExportedFiling>,
    },
    /// The transitions of the same declarations.
    FilingHistory {
        company: Arc<Company>,
        filings: Vec<ExportedHistory<FilingEvent>>,
    },
    /// The changed values of the same declarations.
    FilingChanges {
        company: Arc<Company>,
        filings: Vec<ExportedHistory<FieldChange>>,
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
    FilingPeriods,
    Filings,
    FilingValues,
    FilingHistory,
    FilingChanges,
}

impl ExportTable {
    pub const ALL: [ExportTable; 10] = [
        ExportTable::Companies,
        ExportTable::Employees,
        ExportTable::Users,
        ExportTable::Roles,
        ExportTable::LoginHistory,
        ExportTable::FilingPeriods,
        ExportTable::Filings,
        ExportTable::FilingValues,
        ExportTable::FilingHistory,
        ExportTable::FilingChanges,
    ];

    /// The table's place in [`ExportTable::ALL`].
    pub fn index(self) -> usize {
        match self {
            ExportTable::Companies => 0,
            ExportTable::Employees => 1,
            ExportTable::Users => 2,
            ExportTable::Roles => 3,
            ExportTable::LoginHistory => 4,
            ExportTable::FilingPeriods => 5,
            ExportTable::Filings => 6,
            ExportTable::FilingValues => 7,
            ExportTable::FilingHistory => 8,
            ExportTable::FilingChanges => 9,
        }
    }
}

impl ExportPage {
    pub fn table(&self) -> ExportTable {
        match self {
            Self::Companies(_) => ExportTable::Companies,
            Self::Employees { .. } => ExportTable::Employees,
            Self::Users(_) => ExportTable::Users,
            Self::Roles(_) => ExportTable::Roles,
            Self::LoginHistory { .. } => ExportTable::LoginHistory,
            Self::FilingPeriods { .. } => ExportTable::FilingPeriods,
            Self::Filings { .. } => ExportTable::Filings,
            Self::FilingValues { .. } => ExportTable::FilingValues,
            Self::FilingHistory { .. } => ExportTable::FilingHistory,
            Self::FilingChanges { .. } => ExportTable::FilingChanges,
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
    FilingPeriods {
        index: usize,
    },
    /// A pass over every declaration for one of the declaration tables.
    Declarations {
        table: ExportTable,
        cursor: FilingCursor,
    },
    Done,
}

/// Where a pass over the declarations stands: the company at `company`; within it, each
/// opened tax year's declarations, departed employees' included (keyset pages of
/// `list_filings`).
#[derive(Debug)]
struct FilingCursor {
    company: usize,
    /// The tax years opened for that company, loaded when the pass reaches it.
    years: Option<Vec<TaxYear>>,
    /// The year at this index of `years`, from after this employee number.
    year: usize,
    after: Option<EmployeeNumber>,
}

impl FilingCursor {
    fn start() -> Self {
        Self {
            company: 0,
            years: None,
            year: 0,
            after: None,
        }
    }

    fn next_company(&mut self) {
        *self = Self {
            company: self.company + 1,
            ..Self::start()
        };
    }

    /// The next declarations of one company (never an empty batch), or `None` when the pass is
    /// over.
    async fn next(
        &mut self,
        store: &dyn Store,
        tenant_id: TenantId,
        companies: &[Arc<Company>],
    ) -> Result<Option<(Arc<Company>, Vec<(Employee, Filing)>)>, AppError> {
        loop {
            let Some(company) = companies.get(self.company).cloned() else {
                return Ok(None);
            };
            let years = match &self.years {
                Some(years) => years.clone(),
                None => {
                    let years: Vec<TaxYear> = store
                        .list_periods(tenant_id, company.id)
                        .await?
                        .iter()
                        .map(|periods| periods.tax_year)
                        .collect();
                    self.years = Some(years.clone());
                    years
                }
            };
            if years.is_empty() {
                self.next_company();
                continue;
            }
            let Some(&tax_year) = years.get(self.year) else {
                self.next_company();
                continue;
            };
            let query = FilingQuery {
                company_id: company.id,
                tax_year,
                status: None,
                search: None,
                department: None,
                include_departed: true,
                after: self.after.take(),
                limit: FILING_PAGE_SIZE,
            };
            let page = store.list_filings(tenant_id, &query).await?;
            match page.next {
                Some(next) => self.after = Some(next),
                None => self.year += 1,
            }
            let batch: Vec<(Employee, Filing)> = page
                .rows
                .into_iter()
                .filter_map(|row| row.filing.map(|filing| (row.employee, filing)))
                .collect();
            if !batch.is_empty() {
                return Ok(Some((company, batch)));
            }
        }
    }
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
    if tenant.status.is_over() {
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
                        self.stage = Stage::FilingPeriods { index: 0 };
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
                Stage::FilingPeriods { index } => {
                    let Some(company) = self.companies.get(index).cloned() else {
                        self.stage = Stage::Declarations {
                            table: ExportTable::Filings,
                            cursor: FilingCursor::start(),
                        };
                        continue;
                    };
                    self.stage = Stage::FilingPeriods { index: index + 1 };
                    let periods = self
                        .store
                        .list_periods(self.tenant_id(), company.id)
                        .await?;
                    if periods.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::FilingPeriods { company, periods }));
                }
                Stage::Declarations { table, mut cursor } => {
                    let batch = cursor
                        .next(self.store.as_ref(), self.tenant_id(), &self.companies)
                        .await?;
                    let Some((company, filings)) = batch else {
                        self.stage = match table {
                            ExportTable::Filings => Stage::Declarations {
                                table: ExportTable::FilingValues,
                                cursor: FilingCursor::start(),
                            },
                            ExportTable::FilingValues => Stage::Declarations {
                                table: ExportTable::FilingHistory,
                                cursor: FilingCursor::start(),
                            },
                            ExportTable::FilingHistory => Stage::Declarations {
                                table: ExportTable::FilingChanges,
                                cursor: FilingCursor::start(),
                            },
                            _ => Stage::Done,
                        };
                        continue;
                    };
                    self.stage = Stage::Declarations { table, cursor };
                    return Ok(Some(self.declaration_page(table, company, filings).await?));
                }
                Stage::Done => return Ok(None),
            }
        }
    }

    /// The page of `table` for a batch of declarations of `company`.
    async fn declaration_page(
        &self,
        table: ExportTable,
        company: Arc<Company>,
        filings: Vec<(Employee, Filing)>,
    ) -> Result<ExportPage, AppError> {
        match table {
            ExportTable::Filings | ExportTable::FilingValues => {
                let filings = filings
                    .into_iter()
                    .map(|(employee, filing)| ExportedFiling {
                        computed: compute(&filing.document, filing.tax_year)
                            .map_err(|error| error.to_string()),
                        employee,
                        filing,
                    })
                    .collect();
                Ok(if table == ExportTable::Filings {
                    ExportPage::Filings { company, filings }
                } else {
                    ExportPage::FilingValues { company, filings }
                })
            }
            _ => {
                let mut events = Vec::new();
                let mut changes = Vec::new();
                for (employee, filing) in filings {
                    let history = self
                        .store
                        .filing_history(self.tenant_id(), filing.id)
                        .await?;
                    if table == ExportTable::FilingHistory {
                        events.push(ExportedHistory {
                            employee,
                            filing_id: filing.id,
                            tax_year: filing.tax_year,
                            entries: history.events,
                        });
                    } else {
                        changes.push(ExportedHistory {
                            employee,
                            filing_id: filing.id,
                            tax_year: filing.tax_year,
                            entries: history.changes,
                        });
                    }
                }
                Ok(if table == ExportTable::FilingHistory {
                    ExportPage::FilingHistory {
                        company,
                        filings: events,
                    }
                } else {
                    ExportPage::FilingChanges {
                        company,
                        filings: changes,
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use nencho_filings::FilingStatus;
    use nencho_identity::{PasswordState, User};
    use nencho_kernel::{Clock, EmployeeId, FixedClock};
    use nencho_ports::FilingWrite;
    use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
    use nencho_tenancy::{CompanyName, EmploymentType, Slug, TenantName};
    use time::macros::{date, datetime};

    use super::*;

    fn employee(company: &Company, n: u32, clock: &FixedClock) -> Employee {
        Employee {
            id: EmployeeId::generate(clock),
            tenant_id: company.tenant_id,
            company_id: company.id,
            number: EmployeeNumber::parse(&format!("E{n:05}")).unwrap(),
            name: nencho_tenancy::PersonName {
                family: "山田".into(),
                given: "太郎".into(),
                family_kana: "ヤマダ".into(),
                given_kana: "タロウ".into(),
            },
            birth_date: date!(1990 - 04 - 01),
            postal_code: None,
            address: "東京都千代田区丸の内1-1-1".into(),
            email: None,
            department: None,
            employment_type: EmploymentType::Regular,
            hire_date: None,
            // Every hundredth has left: `list_filings` leaves them out.
            leave_date: n.is_multiple_of(100).then_some(date!(2026 - 12 - 20)),
            user_id: None,
            updated_at: clock.now(),
        }
    }

    fn periods(company: &Company, year: i32) -> (FilingPeriods, nencho_ports::PeriodChange) {
        let range = |start, end| nencho_filings::DateRange::new(start, end).unwrap();
        let start = time::Date::from_calendar_date(year, time::Month::November, 1).unwrap();
        let end = time::Date::from_calendar_date(year, time::Month::December, 31).unwrap();
        let periods = FilingPeriods::new(
            company.id,
            TaxYear::new(year).unwrap(),
            range(start, end),
            range(start, end),
            None,
            false,
        )
        .unwrap();
        let change = nencho_ports::PeriodChange {
            company_id: company.id,
            tax_year: periods.tax_year,
            at: datetime!(2026-11-01 00:00 UTC),
            actor: UserId::from_uuid(Default::default()),
            actor_name: "admin".into(),
            summary: format!("{year}年分"),
        };
        (periods, change)
    }

    /// 1,203 employees, twelve of them departed; 2026 declarations for all, 2025 ones for the
    /// first ten; a second company with an opened year and no declaration, a third without.
    #[tokio::test]
    async fn a_pass_hands_out_every_declaration_once_in_pages_departed_ones_included() {
        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let tenant = Tenant::open(
            Slug::parse("acme").unwrap(),
            TenantName::parse("株式会社アクメ").unwrap(),
            EmailAddress::parse("hr@acme.example").unwrap(),
            &clock,
        );
        let admin = User {
            id: UserId::generate(&clock),
            tenant_id: tenant.id,
            login_id: LoginId::parse("admin").unwrap(),
            display_name: DisplayName::parse("管理 太郎").unwrap(),
            email: None,
            role: Role::Admin,
            status: UserStatus::Active,
            password: PasswordState::NotSet,
            created_at: clock.now(),
        };
        store.open_tenant(&tenant, &admin).await.unwrap();
        let mut companies = Vec::new();
        for name in ["株式会社エー", "株式会社ビー", "株式会社シー"] {
            let company = Company::register(tenant.id, CompanyName::parse(name).unwrap(), &clock);
            store.insert_company(tenant.id, &company).await.unwrap();
            companies.push(Arc::new(company));
        }
        let first = &companies[0];
        let employees: Vec<Employee> = (1..=1_203).map(|n| employee(first, n, &clock)).collect();
        store
            .apply_employees(tenant.id, first.id, &employees, &[])
            .await
            .unwrap();
        for (company, year) in [(first, 2026), (first, 2025), (&companies[1], 2026)] {
            let (periods, change) = periods(company, year);
            store
                .put_periods(tenant.id, &periods, &change)
                .await
                .unwrap();
        }
        let mut writes = Vec::new();
        for (index, employee) in employees.iter().enumerate() {
            let years: &[i32] = if index < 10 { &[2026, 2025] } else { &[2026] };
            for &year in years {
                let mut filing = Filing::new(
                    FilingId::generate(&clock),
                    tenant.id,
                    first.id,
                    employee.id,
                    TaxYear::new(year).unwrap(),
                    clock.now(),
                );
                filing.status = FilingStatus::Requested;
                filing.version = 1;
                writes.push(FilingWrite {
                    filing,
                    expected_version: 0,
                    event: None,
                    changes: Vec::new(),
                    mail: None,
                });
            }
        }
        store.write_filings(tenant.id, &writes).await.unwrap();

        let mut cursor = FilingCursor::start();
        let mut seen = BTreeSet::new();
        let mut batches = Vec::new();
        let mut departed = 0;
        while let Some((company, batch)) = cursor
            .next(store.as_ref(), tenant.id, &companies)
            .await
            .unwrap()
        {
            assert_eq!(company.id, first.id, "only the first has declarations");
            assert!(!batch.is_empty() && batch.len() <= FILING_PAGE_SIZE as usize * 2);
            for (employee, filing) in &batch {
                assert_eq!(employee.id, filing.employee_id);
                assert!(seen.insert(filing.id), "no declaration twice");
                departed += usize::from(employee.leave_date.is_some());
            }
            batches.push(batch.len());
        }
        assert_eq!(seen.len(), writes.len(), "every declaration");
        assert_eq!(departed, 12, "the departed employees' declarations too");
        assert_eq!(
            batches,
            [500, 500, 203, 10],
            "2026 in keyset pages (the departed among them), then 2025"
        );
        assert!(
            cursor
                .next(store.as_ref(), tenant.id, &companies)
                .await
                .unwrap()
                .is_none(),
            "it stays done"
        );
    }
}
