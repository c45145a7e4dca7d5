/// What a user may do in a tenant (ID-4). ADMIN is the ID issued with the activation notice;
/// an administrator has the same powers; everyone else is a general user for their own data.
/// Limited administrator roles per company arrive with the companies issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Administrator,
    General,
}

impl Role {
    pub const fn as_code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Administrator => "administrator",
            Self::General => "general",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(Self::Admin),
            "administrator" => Some(Self::Administrator),
            "general" => Some(Self::General),
            _ => None,
        }
    }

    /// ADMIN and administrators manage IDs (ID-1, ID-3, ID-5).
    pub const fn manages_users(self) -> bool {
        matches!(self, Self::Admin | Self::Administrator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_admins_manage_users() {
        for role in [Role::Admin, Role::Administrator, Role::General] {
            assert_eq!(Role::from_code(role.as_code()), Some(role));
        }
        assert!(Role::Admin.manages_users());
        assert!(Role::Administrator.manages_users());
        assert!(!Role::General.manages_users());
    }
}
