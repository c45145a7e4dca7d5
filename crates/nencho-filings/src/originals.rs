//! The certificates' originals (控除証明書等の原本). A photo or scan attached to a declaration
//! lets the reviewer check the figures, but it does not replace the certificate itself: the
//! employer must receive the paper original or the certificate's electronic data (電子的控除証明書,
//! 所得税法196条②・198条④, 国税庁「年末調整手続の電子化に向けた取組について」). Each certificate
//! the declaration calls for ([`expected_attachments`]) is therefore marked by the reviewer when
//! it arrives; the dashboard counts the declarations still waiting for one.

use nencho_kernel::{OffsetDateTime, UserId};

use crate::attachments::{AttachmentKind, ExpectedAttachment, expected_attachments};
use crate::document::Declaration;
use crate::history::ValueChange;
use crate::workflow::FilingStatus;

/// How a certificate reached the employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OriginalMethod {
    /// The paper original (原本).
    Paper,
    /// The certificate's electronic data (電子的控除証明書, XML with the issuer's signature), checked
    /// by the reviewer.
    Electronic,
}

impl OriginalMethod {
    pub const ALL: [OriginalMethod; 2] = [OriginalMethod::Paper, OriginalMethod::Electronic];

    /// The stored and posted code.
    pub const fn code(self) -> &'static str {
        match self {
            OriginalMethod::Paper => "paper",
            OriginalMethod::Electronic => "electronic",
        }
    }

    pub fn from_code(code: &str) -> Option<OriginalMethod> {
        OriginalMethod::ALL
            .into_iter()
            .find(|method| method.code() == code)
    }

    /// How the history and the pages say it.
    pub const fn japanese_name(self) -> &'static str {
        match self {
            OriginalMethod::Paper => "原本受領",
            OriginalMethod::Electronic => "電子データで確認",
        }
    }
}

/// The history's word for a certificate not (or no longer) received.
pub const NOT_RECEIVED: &str = "未受領";

/// A certificate received for a declaration: which one ([`ExpectedAttachment::original_key`]),
/// how, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalReceipt {
    pub key: String,
    pub method: OriginalMethod,
    pub at: OffsetDateTime,
    pub actor: UserId,
    pub actor_name: String,
}

impl ExpectedAttachment {
    /// How lists, mails and printouts name it: `生命保険料控除証明書: 生命保険1 (A生命)`.
    pub fn label(&self) -> String {
        format!("{}: {}", self.kind.japanese_name(), self.subject)
    }

    /// What a receipt is kept under: the kind and the subject (生命保険1 (A生命)), so a
    /// certificate the declaration no longer calls for (the policy was removed or its insurer
    /// changed) stops counting, and its receipt stays on record.
    pub fn original_key(&self) -> String {
        format!("{}:{}", self.kind.code(), self.subject)
    }
}

/// The kind and the subject an [`ExpectedAttachment::original_key`] names (the part before and
/// after its first `:`); no kind for a code this version does not know, and the whole key as
/// the subject when it has no `:`.
pub fn parse_original_key(key: &str) -> (Option<AttachmentKind>, &str) {
    match key.split_once(':') {
        Some((code, subject)) => (AttachmentKind::from_code(code), subject),
        None => (None, key),
    }
}

/// One certificate the declaration calls for, with its receipt once it has arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalLine {
    pub expected: ExpectedAttachment,
    pub receipt: Option<OriginalReceipt>,
}

/// The certificates `document` calls for, in form order, each with its receipt among
/// `receipts` (receipts of certificates no longer called for are left out).
pub fn original_lines(document: &Declaration, receipts: &[OriginalReceipt]) -> Vec<OriginalLine> {
    expected_attachments(document)
        .into_iter()
        .map(|expected| {
            let key = expected.original_key();
            let receipt = receipts.iter().find(|receipt| receipt.key == key).cloned();
            OriginalLine { expected, receipt }
        })
        .collect()
}

/// How many certificates `document` calls for that are not among the `received` keys.
pub fn pending_originals<S: AsRef<str>>(document: &Declaration, received: &[S]) -> u32 {
    let pending = expected_attachments(document)
        .iter()
        .filter(|expected| {
            let key = expected.original_key();
            !received.iter().any(|received| received.as_ref() == key)
        })
        .count();
    u32::try_from(pending).unwrap_or(u32::MAX)
}

/// Whether a declaration in `status` is one whose certificates the employer waits for: handed
/// in (提出済), sent back (差戻し) or approved (承認済). A draft's list still changes.
pub const fn awaits_originals(status: FilingStatus) -> bool {
    matches!(
        status,
        FilingStatus::Submitted | FilingStatus::Returned | FilingStatus::Approved
    )
}

/// Why a receipt cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginalError {
    #[error("この申告では求められていない書類です。画面を再読み込みしてください。")]
    NotExpected,
    #[error("その書類はすでにその状態です。")]
    Unchanged,
}

/// The history line of a receipt recorded (`after` = how) or withdrawn (`after` = `None`) for
/// the certificate `key` of `document`, checked against what the declaration calls for and what
/// is already on record.
pub fn receipt_change(
    document: &Declaration,
    receipts: &[OriginalReceipt],
    key: &str,
    after: Option<OriginalMethod>,
) -> Result<ValueChange, OriginalError> {
    let line = original_lines(document, receipts)
        .into_iter()
        .find(|line| line.expected.original_key() == key)
        .ok_or(OriginalError::NotExpected)?;
    let before = line.receipt.as_ref().map(|receipt| receipt.method);
    if before == after {
        return Err(OriginalError::Unchanged);
    }
    let word = |method: Option<OriginalMethod>| {
        method
            .map_or(NOT_RECEIVED, OriginalMethod::japanese_name)
            .to_owned()
    };
    Ok(ValueChange {
        path: format!("originals.{key}"),
        label: format!(
            "原本: {} {}",
            line.expected.kind.japanese_name(),
            line.expected.subject
        ),
        before: Some(word(before)),
        after: Some(word(after)),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::fixtures::{earthquake_policy, life_policy};

    fn declaration() -> Declaration {
        Declaration {
            life_policies: vec![life_policy("A生命"), life_policy("B生命")],
            earthquake_policies: vec![earthquake_policy("C損保")],
            ..Declaration::default()
        }
    }

    fn receipt(key: &str, method: OriginalMethod) -> OriginalReceipt {
        OriginalReceipt {
            key: key.to_owned(),
            method,
            at: datetime!(2026-11-26 10:00 UTC),
            actor: UserId::from_uuid(uuid::Uuid::nil()),
            actor_name: "jimu".to_owned(),
        }
    }

    #[test]
    fn each_certificate_called_for_is_pending_until_received() {
        let document = declaration();
        let keys: Vec<String> = expected_attachments(&document)
            .iter()
            .map(ExpectedAttachment::original_key)
            .collect();
        assert_eq!(
            keys,
            [
                "life_insurance:生命保険1 (A生命)",
                "life_insurance:生命保険2 (B生命)",
                "earthquake_insurance:地震保険1 (C損保)",
            ]
        );
        assert_eq!(pending_originals::<&str>(&document, &[]), 3);
        assert_eq!(pending_originals(&document, &[keys[0].as_str()]), 2);
        assert_eq!(pending_originals(&document, &keys), 0);
        assert_eq!(pending_originals::<&str>(&Declaration::default(), &[]), 0);
    }

    #[test]
    fn a_receipt_of_a_certificate_no_longer_called_for_does_not_count() {
        let mut document = declaration();
        let received = ["life_insurance:生命保険2 (B生命)"];
        assert_eq!(pending_originals(&document, &received), 2);
        // The employee removes the first policy: the second becomes 生命保険1, a new key.
        document.life_policies.remove(0);
        assert_eq!(pending_originals(&document, &received), 2);
        let lines = original_lines(
            &document,
            &[receipt(
                "life_insurance:生命保険2 (B生命)",
                OriginalMethod::Paper,
            )],
        );
        assert!(lines.iter().all(|line| line.receipt.is_none()));
    }

    #[test]
    fn receiving_and_withdrawing_leave_history_lines() {
        let document = declaration();
        let key = "earthquake_insurance:地震保険1 (C損保)";
        let received = receipt_change(&document, &[], key, Some(OriginalMethod::Paper));
        assert_eq!(
            received,
            Ok(ValueChange {
                path: format!("originals.{key}"),
                label: "原本: 地震保険料控除証明書 地震保険1 (C損保)".to_owned(),
                before: Some("未受領".to_owned()),
                after: Some("原本受領".to_owned()),
            })
        );
        let on_record = [receipt(key, OriginalMethod::Paper)];
        let changed = receipt_change(&document, &on_record, key, Some(OriginalMethod::Electronic));
        assert_eq!(
            changed.map(|change| (change.before, change.after)),
            Ok((
                Some("原本受領".to_owned()),
                Some("電子データで確認".to_owned())
            ))
        );
        let withdrawn = receipt_change(&document, &on_record, key, None);
        assert_eq!(
            withdrawn.map(|change| change.after),
            Ok(Some("未受領".to_owned()))
        );
    }

    #[test]
    fn only_certificates_called_for_and_only_real_changes_are_recorded() {
        let document = declaration();
        assert_eq!(
            receipt_change(
                &document,
                &[],
                "life_insurance:生命保険9 (Z生命)",
                Some(OriginalMethod::Paper)
            ),
            Err(OriginalError::NotExpected)
        );
        let key = "life_insurance:生命保険1 (A生命)";
        assert_eq!(
            receipt_change(&document, &[], key, None),
            Err(OriginalError::Unchanged)
        );
        assert_eq!(
            receipt_change(
                &document,
                &[receipt(key, OriginalMethod::Paper)],
                key,
                Some(OriginalMethod::Paper)
            ),
            Err(OriginalError::Unchanged)
        );
    }

    #[test]
    fn a_key_reads_back_as_its_kind_and_subject() {
        for expected in expected_attachments(&declaration()) {
            assert_eq!(
                parse_original_key(&expected.original_key()),
                (Some(expected.kind), expected.subject.as_str())
            );
        }
        assert_eq!(parse_original_key("passport:x:y"), (None, "x:y"));
        assert_eq!(parse_original_key("no-colon"), (None, "no-colon"));
    }

    #[test]
    fn codes_read_back() {
        for method in OriginalMethod::ALL {
            assert_eq!(OriginalMethod::from_code(method.code()), Some(method));
        }
        assert_eq!(OriginalMethod::from_code("scan"), None);
        assert!(awaits_originals(FilingStatus::Submitted));
        assert!(awaits_originals(FilingStatus::Approved));
        assert!(!awaits_originals(FilingStatus::Draft));
    }
}
