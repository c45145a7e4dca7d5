use nencho_identity::PasswordRejection;
use nencho_ports::{HashError, StoreError};

/// Why a use case did not do what was asked. The HTTP adapter maps each variant to a status and
/// a message in one place.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Wrong ID or password, a disabled or locked ID: deliberately one answer for all.
    #[error("the ID or password is not correct, or the ID cannot log in now")]
    InvalidCredentials,
    #[error("the current password is not correct")]
    WrongCurrentPassword,
    /// 2段階認証: a code (the app's or a recovery code) that is wrong, used before or too old, or
    /// an ID locked by failures; deliberately one answer for all.
    #[error("the verification code is not correct")]
    WrongCode,
    #[error("the new password is refused: {0:?}")]
    PasswordRejected(PasswordRejection),
    #[error("the two new passwords differ")]
    PasswordsDiffer,
    /// A link that is unknown, expired, already used or for another purpose.
    #[error("the link is invalid or has expired")]
    InvalidLink,
    #[error("not allowed")]
    Forbidden,
    /// The contract has ended: nothing can be exported any more (SVC-3).
    #[error("the contract has ended")]
    ContractEnded,
    #[error("not found")]
    NotFound,
    /// Input that does not parse; the text names the field.
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Rows of an import that cannot get their user ID (every one of them, by row).
    #[error("{} rows of the import cannot get a login ID", .0.len())]
    ImportRows(Vec<crate::import::ImportRowError>),
    #[error("already exists: {0}")]
    Conflict(String),
    /// The rules refuse the action now (a closed period, a locked declaration); the text says
    /// why, in Japanese, for the user.
    #[error("{0}")]
    Refused(String),
    /// The declaration cannot be submitted until these are fixed.
    #[error("{} problems to fix before submitting", .0.len())]
    Incomplete(Vec<nencho_filings::Problem>),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    /// A sealed authenticator key that does not open: another deployment secret, or damage.
    #[error(transparent)]
    Seal(#[from] nencho_ports::SealError),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(what) => Self::Conflict(what),
            other => Self::Store(other),
        }
    }
}
