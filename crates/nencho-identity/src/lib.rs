//! Identity: who may log in and how — login IDs, users and their roles, the password policy
//! (NIST SP 800-63B rev. 4), the password-hash policy (PBKDF2 parameters and when to re-hash),
//! one-time tokens (password reset, e-mail confirmation), sessions and login throttling, and the
//! login history a user sees, and 2段階認証 (TOTP codes and recovery codes).
//!
//! Pure domain: no I/O, no clock (times are parameters), no randomness (random bytes are given
//! by the caller). Entry points: [`PasswordPolicy::check`], [`SessionPolicy::evaluate`],
//! [`LoginThrottlePolicy::is_locked`], [`User`].

mod audit;
mod authorization;
mod login_history;
mod login_id;
mod password_hash;
mod password_policy;
mod role;
mod sealed;
mod second_factor;
mod session;
mod throttle;
mod token;
mod user;

pub use audit::{AuditAction, AuditEntry, AuditRecord};
pub use authorization::{CompanyRole, Grants, Permission, RoleAssignment, Scope};
pub use login_history::{LoginAttempt, LoginOutcome};
pub use login_id::{LoginId, LoginIdError};
pub use password_hash::{PasswordHash, PasswordHashPolicy};
pub use password_policy::{
    InitialPassword, PasswordContext, PasswordPolicy, PasswordRejection, WeakPasswordReason,
};
pub use role::Role;
pub use sealed::{SealedSecret, SealingKeyRegistration};
pub use second_factor::{
    RecoveryCode, SecondFactor, SecondFactorInput, TotpPolicy, TotpSecret, hotp,
};
pub use session::{Session, SessionPolicy, SessionStage, SessionState};
pub use throttle::LoginThrottlePolicy;
pub use token::{OneTimeToken, SecretToken, TokenHash, TokenPurpose};
pub use user::{DisplayName, DisplayNameError, PasswordState, User, UserStatus};
