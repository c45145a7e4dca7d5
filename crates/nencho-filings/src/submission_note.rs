//! 担当者への連絡事項: a few words the employee (or staff entering a paper declaration) hands in
//! with a submission — "証明書は後日提出します", "配偶者の所得を直しました" — kept as the
//! submission's comment in the history and shown to the reviewers.

use crate::free_text::cleaned_within;
use crate::history::FilingEvent;
use crate::workflow::FilingStatus;

/// The most a note may say, in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// A note that is not empty, at most [`MAX_NOTE_CHARS`] characters, with line breaks as `\n`
/// and no other control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubmissionNote(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("連絡事項は{MAX_NOTE_CHARS}文字以内にしてください(いま{0}文字です)。")]
    TooLong(usize),
}

impl SubmissionNote {
    /// Reads what was typed as every free text is read (blanks around it go, line breaks are
    /// unified); nothing left means no note.
    pub fn parse(text: &str) -> Result<Option<Self>, NoteError> {
        cleaned_within(text, MAX_NOTE_CHARS)
            .map(|text| text.map(Self))
            .map_err(NoteError::TooLong)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The note handed in with the latest submission of `events` (the history, oldest first), if
/// that submission carried one: an earlier submission's note is not repeated once the employee
/// submits again without one.
pub fn latest_submission_note(events: &[FilingEvent]) -> Option<&FilingEvent> {
    events
        .iter()
        .rev()
        .find(|event| is_submission(event))
        .filter(|event| event.comment.is_some())
}

/// Whether `event` is a submission (提出), as opposed to a declaration put back to 提出済 by
/// 対象に戻す.
pub(crate) fn is_submission(event: &FilingEvent) -> bool {
    event.to == FilingStatus::Submitted
        && event.from != FilingStatus::Submitted
        && event.from != FilingStatus::Excluded
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::UserId;
    use time::macros::datetime;

    #[test]
    fn a_note_is_trimmed_and_its_line_breaks_unified() {
        let note = SubmissionNote::parse("\u{3000} 証明書は\r\n後日提出します。\t\r").unwrap();
        assert_eq!(
            note.as_ref().map(SubmissionNote::as_str),
            Some("証明書は\n後日提出します。")
        );
        assert_eq!(SubmissionNote::parse(" \u{3000}\r\n ").unwrap(), None);
        assert_eq!(
            SubmissionNote::parse("a\u{0}b").unwrap().unwrap().as_str(),
            "a b"
        );
    }

    #[test]
    fn a_note_is_at_most_five_hundred_characters() {
        let longest = "あ".repeat(MAX_NOTE_CHARS);
        assert_eq!(
            SubmissionNote::parse(&longest).unwrap().unwrap().as_str(),
            longest
        );
        let error = SubmissionNote::parse(&format!("{longest}い")).unwrap_err();
        assert_eq!(error, NoteError::TooLong(501));
        assert_eq!(
            error.to_string(),
            "連絡事項は500文字以内にしてください(いま501文字です)。"
        );
    }

    fn event(from: FilingStatus, to: FilingStatus, comment: Option<&str>) -> FilingEvent {
        FilingEvent {
            at: datetime!(2026-11-20 09:00 UTC),
            actor: UserId::from_uuid(uuid::Uuid::from_u128(1)),
            actor_name: "山田 太郎".into(),
            from,
            to,
            action: String::new(),
            comment: comment.map(str::to_owned),
            proxy: false,
        }
    }

    #[test]
    fn only_the_latest_submission_s_note_is_current() {
        use FilingStatus::{Draft, Excluded, Requested, Returned, Submitted};
        let first = event(Draft, Submitted, Some("後日提出します"));
        let returned = event(Submitted, Returned, Some("証明書を添付してください"));
        let again_with = event(Returned, Submitted, Some("添付しました"));
        let again_without = event(Returned, Submitted, None);
        assert_eq!(
            latest_submission_note(std::slice::from_ref(&first)).and_then(|e| e.comment.as_deref()),
            Some("後日提出します")
        );
        assert_eq!(
            latest_submission_note(&[first.clone(), returned.clone(), again_with])
                .and_then(|e| e.comment.as_deref()),
            Some("添付しました")
        );
        assert_eq!(
            latest_submission_note(&[first.clone(), returned.clone(), again_without]),
            None
        );
        // A return's comment is no submission note, nor is 対象に戻す to 提出済.
        assert_eq!(latest_submission_note(&[returned]), None);
        let restored = event(Excluded, Submitted, Some("対象に戻しました"));
        assert_eq!(
            latest_submission_note(&[first, event(Submitted, Excluded, Some("退職")), restored])
                .and_then(|e| e.comment.as_deref()),
            Some("後日提出します")
        );
        assert_eq!(
            latest_submission_note(&[event(Requested, Draft, None)]),
            None
        );
    }
}
