//! The shared vocabulary of the nencho domain: typed ids, integer [`Yen`], [`TaxYear`] and the
//! [`Clock`] through which every other crate reads the time.
//!
//! Must not depend on any I/O crate (database, web, SMTP, file system, sockets). The wall clock is
//! read in exactly one place, [`SystemClock`]; everything else receives a `&dyn Clock`.

pub mod business_days;
mod clock;
mod email;
mod ids;
mod japanese_date;
mod money;
mod tax_year;
pub mod text;

pub use business_days::{add_business_days, business_days_between, is_business_day};
pub use clock::{Clock, FixedClock, JAPAN_STANDARD_TIME, SystemClock, format_japan_datetime};
pub use email::{EmailAddress, EmailAddressError};
pub use ids::{
    AttachmentId, ChangeRequestId, CompanyId, EmployeeId, FilingId, IdParseError, NoticeId,
    TenantId, UserId,
};
pub use japanese_date::{
    JapaneseDate, JapaneseDateError, JapaneseEra, format_wareki, japanese_weekday,
    parse_japanese_date, wareki_or_iso,
};
pub use money::{Yen, YenParseError};
pub use tax_year::{TaxYear, TaxYearError};

/// Re-exported so that crates speaking of dates use the same type as the kernel.
pub use time::{Date, Month, OffsetDateTime, UtcOffset};
