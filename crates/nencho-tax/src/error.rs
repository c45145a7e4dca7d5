/// Why the engine refused a request. Every variant is the caller's mistake or an unsupported
/// year, never an internal failure, so the web adapter can map all of them to a 4xx response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxError {
    /// The engine has no rules for this calendar tax year.
    #[error("tax year {0} is not supported")]
    UnsupportedYear(i32),
    /// A request field is unusable. `field` is the path in the calculator contract
    /// (docs: calculator-api.md), e.g. `relatives[2].birth_date`.
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: InputProblem },
}

/// What is wrong with one request field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InputProblem {
    #[error("must not be negative")]
    Negative,
    /// Larger than any real payroll amount ([`crate::MAXIMUM_AMOUNT`]); refusing it keeps the
    /// integer arithmetic far from overflow.
    #[error("is larger than 1,000,000,000,000 yen")]
    TooLarge,
    /// A person born after 31 December of the tax year did not exist on the day family status
    /// is judged (12月31日現況).
    #[error("is after the end of the tax year")]
    BornAfterYearEnd,
    /// `last_salary_tax_unwithheld` is a part of `tax_withheld`, so it cannot exceed it.
    #[error("must not exceed tax_withheld")]
    ExceedsTaxWithheld,
}

impl TaxError {
    pub(crate) fn invalid(field: impl Into<String>, reason: InputProblem) -> Self {
        TaxError::InvalidInput {
            field: field.into(),
            reason,
        }
    }
}
