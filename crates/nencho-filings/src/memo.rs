//! 担当者メモ: what staff note on a declaration for each other — 「12/1 本人に電話、証明書は郵送
//! 予定」 — during the shared review, kept with who and when and never shown to the employee
//! (unlike a return comment, which is for them).

use nencho_kernel::{OffsetDateTime, UserId};

use crate::free_text::cleaned_within;

/// The most a memo may say, in characters.
pub const MAX_MEMO_CHARS: usize = 1000;

/// A memo that is not empty, at most [`MAX_MEMO_CHARS`] characters, read as every free text is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemoText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoError {
    #[error("メモを入力してください。")]
    Empty,
    #[error("メモは{MAX_MEMO_CHARS}文字以内にしてください(いま{0}文字です)。")]
    TooLong(usize),
}

impl MemoText {
    pub fn parse(text: &str) -> Result<Self, MemoError> {
        cleaned_within(text, MAX_MEMO_CHARS)
            .map_err(MemoError::TooLong)?
            .map(Self)
            .ok_or(MemoError::Empty)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One memo on a declaration, with who wrote it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMemo {
    pub at: OffsetDateTime,
    pub actor: UserId,
    /// `山田 太郎 (admin)`, as the history names people.
    pub actor_name: String,
    pub text: MemoText,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_says_something_and_at_most_a_thousand_characters() {
        assert_eq!(
            MemoText::parse(" 12/1 本人に電話\r\n証明書は郵送予定 ")
                .unwrap()
                .as_str(),
            "12/1 本人に電話\n証明書は郵送予定"
        );
        assert_eq!(MemoText::parse(" \u{3000}\n"), Err(MemoError::Empty));
        let longest = "メ".repeat(MAX_MEMO_CHARS);
        assert_eq!(MemoText::parse(&longest).unwrap().as_str(), longest);
        let error = MemoText::parse(&format!("{longest}モ")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "メモは1000文字以内にしてください(いま1001文字です)。"
        );
    }
}
