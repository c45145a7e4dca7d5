//! The year-end adjustment declarations (年末調整の申告書) as one typed document per employee
//! and tax year, the workflow that carries it from request to approval, the company's periods
//! that say when who may do what, and the history of every transition and changed value.
//!
//! Pure domain: no I/O, no clock (times are passed in), no storage format beyond serde derives.
//! Every deduction is computed by `nencho-tax` from the document ([`compute`]); nothing on a
//! form is a hand-entered deduction amount.

mod attachments;
mod claims;
mod computation;
mod document;
mod exclusion;
mod filing;
#[cfg(test)]
mod fixtures;
mod forms;
mod free_text;
mod guidance;
mod history;
mod memo;
mod originals;
mod periods;
mod reminders;
mod review_digest;
mod slip;
mod submission;
mod submission_note;
mod validation;
mod workflow;

pub use attachments::{
    Attachment, AttachmentError, AttachmentFormat, AttachmentKind, ExpectedAttachment,
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_FILING, check_attachment, clean_file_name,
    expected_attachments,
};
pub use claims::{
    Claim, ClaimFinding, ClaimRecord, ClaimRole, KeyedEmployee, NEXT_YEAR_ORDINAL, PersonKey,
    all_claims_of, claims_of, next_year_claims_of, review_claims,
};
pub use computation::{ComputedAmounts, compute, tax_request};
pub use document::{
    Answers, Declaration, DisabilityKind, EarthquakePolicy, EarthquakePolicyKind, HousingLoan,
    LifeContractAge, LifePolicy, LifePolicyKind, MutualAidKind, MutualAidPayment, NextYearSection,
    PersonName, PreviousEmployment, PreviousEmploymentTotals, RelativeEntry, SCHEMA_VERSION,
    SocialInsurancePayment, SpouseEntry, TaxpayerSection,
};
pub use exclusion::{
    ExclusionError, ExclusionReason, MAX_EXCLUSION_NOTE, Restoration, restoration,
};
pub use filing::{Applied, Author, CheckMark, Filing, OWN_DEADLINE_PATH};
pub use forms::{Form, forms_of};
pub use guidance::{GuidanceError, GuidancePiece, GuidanceText, MAX_GUIDANCE_CHARS};
pub use history::{FieldChange, FilingEvent, FlatField, ValueChange, diff, flatten};
pub use memo::{MAX_MEMO_CHARS, MemoError, MemoText, StaffMemo};
pub use originals::{
    NOT_RECEIVED, OriginalError, OriginalLine, OriginalMethod, OriginalReceipt, awaits_originals,
    original_lines, parse_original_key, pending_originals, receipt_change,
};
pub use periods::{
    DateRange, EditScope, FilingPeriods, FilingWindow, PeriodError, adjustment_year,
};
pub use reminders::{
    REMINDER_DAYS_BEFORE, REMINDER_HOUR, ReminderDay, due_reminder, reminder_schedule,
};
pub use review_digest::{REVIEW_DIGEST_HOUR, due_review_digest};
pub use slip::{
    ConsentMethod, IssuedSlip, MidYearChange, SLIP_NAMED_PERSONS, SlipConsent, SlipEmployee,
    SlipParties, SlipPerson, WithholdingSlip, unadjusted_slip, withholding_slip,
};
pub use submission::SubmissionRule;
pub use submission_note::{MAX_NOTE_CHARS, NoteError, SubmissionNote, latest_submission_note};
pub use validation::{Problem, validate, validate_for_employee};
pub use workflow::{Actor, FilingAction, FilingStatus, WorkflowError, transition};
