//! 操作ログ (the administrators' audit log): who changed who may do what, the contract's security
//! settings and the companies, and who took personal data out (exports, prints), so that
//! "who gave this person the approver role?" and "who downloaded everything in March?" have an
//! answer. Kept as long as the contract, like the login history; the access log (LOG-1) holds
//! the addresses for 90 days.

use nencho_kernel::{OffsetDateTime, TenantId, UserId};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    UserDisabled,
    UserEnabled,
    InitialPasswordIssued,
    TenantRoleChanged,
    CompanyRoleAssigned,
    CompanyRoleRevoked,
    SecondFactorReset,
    StaffSecondFactorRule,
    CompanyRegistered,
    CompanySettingsChanged,
    EmployeesImported,
    ChangeRequestApplied,
    ChangeRequestDeclined,
    SiteAccessChanged,
    FullExport,
    PayrollExport,
    DeclarationsPrinted,
}

impl AuditAction {
    pub const ALL: [AuditAction; 17] = [
        Self::UserDisabled,
        Self::UserEnabled,
        Self::InitialPasswordIssued,
        Self::TenantRoleChanged,
        Self::CompanyRoleAssigned,
        Self::CompanyRoleRevoked,
        Self::SecondFactorReset,
        Self::StaffSecondFactorRule,
        Self::CompanyRegistered,
        Self::CompanySettingsChanged,
        Self::EmployeesImported,
        Self::ChangeRequestApplied,
        Self::ChangeRequestDeclined,
        Self::SiteAccessChanged,
        Self::FullExport,
        Self::PayrollExport,
        Self::DeclarationsPrinted,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::InitialPasswordIssued => "initial_password_issued",
            Self::TenantRoleChanged => "tenant_role_changed",
            Self::CompanyRoleAssigned => "company_role_assigned",
            Self::CompanyRoleRevoked => "company_role_revoked",
            Self::SecondFactorReset => "second_factor_reset",
            Self::StaffSecondFactorRule => "staff_second_factor_rule",
            Self::CompanyRegistered => "company_registered",
            Self::CompanySettingsChanged => "company_settings_changed",
            Self::EmployeesImported => "employees_imported",
            Self::ChangeRequestApplied => "change_request_applied",
            Self::ChangeRequestDeclined => "change_request_declined",
            Self::SiteAccessChanged => "site_access_changed",
            Self::FullExport => "full_export",
            Self::PayrollExport => "payroll_export",
            Self::DeclarationsPrinted => "declarations_printed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.code() == code)
    }

    pub const fn japanese_name(self) -> &'static str {
        match self {
            Self::UserDisabled => "IDの無効化",
            Self::UserEnabled => "IDの有効化",
            Self::InitialPasswordIssued => "初期パスワードの発行",
            Self::TenantRoleChanged => "管理者の任命・解除",
            Self::CompanyRoleAssigned => "会社ごとの権限の付与",
            Self::CompanyRoleRevoked => "会社ごとの権限の削除",
            Self::SecondFactorReset => "2段階認証のリセット",
            Self::StaffSecondFactorRule => "管理者・担当者の2段階認証の必須化",
            Self::CompanyRegistered => "会社の登録",
            Self::CompanySettingsChanged => "会社の設定変更",
            Self::EmployeesImported => "従業員CSVの取り込み",
            Self::ChangeRequestApplied => "登録内容の変更届の反映",
            Self::ChangeRequestDeclined => "登録内容の変更届の差戻し",
            Self::SiteAccessChanged => "IPアドレス制限の変更",
            Self::FullExport => "全データのエクスポート",
            Self::PayrollExport => "給与システム用CSVの出力",
            Self::DeclarationsPrinted => "申告書の一括印刷(PDF)",
        }
    }

    pub const fn english_name(self) -> &'static str {
        match self {
            Self::UserDisabled => "ID disabled",
            Self::UserEnabled => "ID enabled",
            Self::InitialPasswordIssued => "Initial password issued",
            Self::TenantRoleChanged => "Administrator role changed",
            Self::CompanyRoleAssigned => "Company role given",
            Self::CompanyRoleRevoked => "Company role removed",
            Self::SecondFactorReset => "Two-step verification reset",
            Self::StaffSecondFactorRule => "Two-step verification rule for staff",
            Self::CompanyRegistered => "Company registered",
            Self::CompanySettingsChanged => "Company settings changed",
            Self::EmployeesImported => "Employee CSV imported",
            Self::ChangeRequestApplied => "Change request applied",
            Self::ChangeRequestDeclined => "Change request declined",
            Self::SiteAccessChanged => "IP restriction changed",
            Self::FullExport => "Full export",
            Self::PayrollExport => "Payroll CSV",
            Self::DeclarationsPrinted => "Declarations printed (PDF)",
        }
    }
}

/// One line of the 操作ログ. The actor's ID and name are copied as they were, so the line stays
/// true when the user is renamed; `target` names what was acted on (an ID, a company) and
/// `detail` what changed, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub tenant_id: TenantId,
    pub at: OffsetDateTime,
    pub actor_id: UserId,
    pub actor_login_id: String,
    pub actor_name: String,
    pub action: AuditAction,
    pub target: String,
    pub detail: String,
}

/// An entry as stored, with the id that orders the log and pages it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub entry: AuditEntry,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_codes_round_trip_and_are_distinct() {
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
            assert!(!action.japanese_name().is_empty() && !action.english_name().is_empty());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::from_code("nosuch"), None);
    }
}
