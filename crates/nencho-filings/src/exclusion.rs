//! 年末調整の対象外: the employees the year-end adjustment does not apply to, and how a
//! declaration set aside finds its way back.
//!
//! The employer settles the year's tax only for those who handed it a 扶養控除等申告書 and whose
//! salary stays within 20,000,000円 (所得税法190条); 国税庁 タックスアンサー No.2665
//! 「年末調整の対象となる人」 lists who is left out. Those people are asked for nothing: no request,
//! no reminder, no place in the count of who has not submitted.

use serde::{Deserialize, Serialize};

use crate::history::FilingEvent;
use crate::workflow::{FilingAction, FilingStatus};

/// Why an employee is 対象外 (国税庁 タックスアンサー No.2665).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// 乙欄: the 扶養控除等申告書 went to another employer (従たる給与), or none was handed in.
    SecondaryEmployer,
    /// 丙欄: a day labourer not employed continuously by the same employer.
    DayLaborer,
    /// 給与の収入金額が2,000万円を超える (所得税法190条).
    HighSalary,
    /// 年の中途で退職し、年末調整をしない (退職者のうち対象となる人以外).
    LeftDuringYear,
    /// 非居住者 (所得税法2条①五).
    NonResident,
    /// 災害減免法により源泉所得税の徴収猶予・還付を受けた.
    DisasterRelief,
    /// その他: the note says why.
    Other,
}

/// What makes an exclusion's wording unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExclusionError {
    #[error("「その他」を選んだときは理由を入力してください。")]
    NoteRequired,
    #[error("補足は{MAX_EXCLUSION_NOTE}文字以内で入力してください。")]
    NoteTooLong,
}

/// The longest note an exclusion keeps, in characters.
pub const MAX_EXCLUSION_NOTE: usize = 200;

impl ExclusionReason {
    pub const ALL: [ExclusionReason; 7] = [
        ExclusionReason::SecondaryEmployer,
        ExclusionReason::DayLaborer,
        ExclusionReason::HighSalary,
        ExclusionReason::LeftDuringYear,
        ExclusionReason::NonResident,
        ExclusionReason::DisasterRelief,
        ExclusionReason::Other,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            ExclusionReason::SecondaryEmployer => "secondary_employer",
            ExclusionReason::DayLaborer => "day_laborer",
            ExclusionReason::HighSalary => "high_salary",
            ExclusionReason::LeftDuringYear => "left_during_year",
            ExclusionReason::NonResident => "non_resident",
            ExclusionReason::DisasterRelief => "disaster_relief",
            ExclusionReason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }

    pub const fn japanese_name(self) -> &'static str {
        match self {
            ExclusionReason::SecondaryEmployer => {
                "乙欄(扶養控除等申告書を他の勤務先に提出、または未提出)"
            }
            ExclusionReason::DayLaborer => "丙欄(日雇いなど)",
            ExclusionReason::HighSalary => "給与の収入金額が2,000万円を超える",
            ExclusionReason::LeftDuringYear => "年の中途で退職(年末調整をしない)",
            ExclusionReason::NonResident => "非居住者",
            ExclusionReason::DisasterRelief => "災害減免法による徴収猶予・還付",
            ExclusionReason::Other => "その他",
        }
    }

    /// The reason a description made by [`ExclusionReason::describe`] starts with.
    pub fn of_description(description: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|reason| description.starts_with(reason.japanese_name()))
    }

    /// The reason as the declaration keeps it and the employee reads it: the name, then the
    /// note after 「: 」 when there is one. A note is required for [`ExclusionReason::Other`].
    pub fn describe(self, note: &str) -> Result<String, ExclusionError> {
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.chars().count() > MAX_EXCLUSION_NOTE {
            return Err(ExclusionError::NoteTooLong);
        }
        match (self, note.is_empty()) {
            (ExclusionReason::Other, true) => Err(ExclusionError::NoteRequired),
            (_, true) => Ok(self.japanese_name().to_owned()),
            (_, false) => Ok(format!("{}: {note}", self.japanese_name())),
        }
    }
}

/// How an excluded declaration comes back: the status it had when it was excluded, and the
/// comment it showed the employee then (a 差戻し comment, a reopen reason), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restoration {
    pub status: FilingStatus,
    pub comment: Option<String>,
}

impl Restoration {
    pub fn action(self) -> FilingAction {
        FilingAction::Include {
            restore: self.status,
            comment: self.comment,
        }
    }
}

/// The way back of a declaration excluded in `events` (its history, oldest first): the status
/// the latest exclusion left, and the latest comment shown before it. A history without an
/// exclusion (stored before one could happen) restores 未依頼 with no comment.
pub fn restoration(events: &[FilingEvent]) -> Restoration {
    let exclusion = events
        .iter()
        .rposition(|event| event.to == FilingStatus::Excluded && event.from != event.to);
    let Some(index) = exclusion else {
        return Restoration {
            status: FilingStatus::NotRequested,
            comment: None,
        };
    };
    let status = events[index].from;
    Restoration {
        status: if status.may_be_excluded() {
            status
        } else {
            FilingStatus::NotRequested
        },
        comment: comment_after(&events[..index]),
    }
}

/// The comment the declaration showed after `events`, replaying each event's effect on it as
/// [`crate::Filing::apply`] has it: a return or reopen sets its comment, an exclusion its reason
/// (keeping what it replaced), an include puts that back; nothing else touches it.
fn comment_after(events: &[FilingEvent]) -> Option<String> {
    let mut shown: Option<String> = None;
    let mut before_exclusion: Option<String> = None;
    for event in events {
        let excluded = event.to == FilingStatus::Excluded && event.from != event.to;
        let included = event.from == FilingStatus::Excluded && event.to != FilingStatus::Excluded;
        if excluded {
            before_exclusion = shown.clone();
            shown = event.comment.clone();
        } else if included {
            shown = before_exclusion.take();
        } else if event.comment.is_some() && !crate::submission_note::is_submission(event) {
            // A submission's note is for the reviewers, not the comment the employee is shown.
            shown = event.comment.clone();
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::UserId;
    use time::macros::datetime;

    fn event(from: FilingStatus, to: FilingStatus, action: &FilingAction) -> FilingEvent {
        FilingEvent {
            at: datetime!(2026-11-20 09:00 UTC),
            actor: UserId::from_uuid(uuid::Uuid::from_u128(1)),
            actor_name: "人事 花子 (hr)".into(),
            from,
            to,
            action: action.japanese_name().to_owned(),
            comment: action.comment().map(str::to_owned),
            proxy: false,
        }
    }

    #[test]
    fn reasons_are_worded_with_their_note() {
        assert_eq!(
            ExclusionReason::HighSalary.describe("  "),
            Ok("給与の収入金額が2,000万円を超える".into())
        );
        assert_eq!(
            ExclusionReason::SecondaryEmployer.describe(" 本務先は\n株式会社B "),
            Ok("乙欄(扶養控除等申告書を他の勤務先に提出、または未提出): 本務先は 株式会社B".into())
        );
        assert_eq!(
            ExclusionReason::Other.describe(""),
            Err(ExclusionError::NoteRequired)
        );
        assert_eq!(
            ExclusionReason::Other.describe(&"あ".repeat(201)),
            Err(ExclusionError::NoteTooLong)
        );
        for reason in ExclusionReason::ALL {
            assert_eq!(ExclusionReason::from_code(reason.code()), Some(reason));
            let described = reason.describe("補足").unwrap();
            assert_eq!(ExclusionReason::of_description(&described), Some(reason));
        }
        assert_eq!(ExclusionReason::of_description("乙"), None);
        assert_eq!(ExclusionReason::from_code("none"), None);
    }

    #[test]
    fn the_way_back_is_the_status_and_comment_before_the_exclusion() {
        use FilingStatus::*;
        let returned = FilingAction::Return {
            comment: "保険料を確認してください".into(),
            deadline: None,
        };
        let excluded = FilingAction::Exclude {
            reason: "非居住者".into(),
        };
        let history = vec![
            event(NotRequested, Requested, &FilingAction::Request),
            event(Requested, Submitted, &FilingAction::Submit { note: None }),
            event(Submitted, Returned, &returned),
            event(Returned, Excluded, &excluded),
        ];
        assert_eq!(
            restoration(&history),
            Restoration {
                status: Returned,
                comment: Some("保険料を確認してください".into()),
            }
        );
        assert_eq!(
            restoration(&history[..2]),
            Restoration {
                status: NotRequested,
                comment: None,
            }
        );
    }

    #[test]
    fn a_submission_s_note_is_not_the_comment_shown_to_the_employee() {
        use FilingStatus::*;
        let returned = FilingAction::Return {
            comment: "保険料を確認してください".into(),
            deadline: None,
        };
        let noted = FilingAction::Submit {
            note: crate::SubmissionNote::parse("直しました").unwrap(),
        };
        let excluded = FilingAction::Exclude {
            reason: "退職".into(),
        };
        let history = vec![
            event(Requested, Submitted, &noted),
            event(Submitted, Returned, &returned),
            event(Returned, Submitted, &noted),
            event(Submitted, Excluded, &excluded),
        ];
        // The return's comment stays what the declaration showed; the note went to reviewers.
        assert_eq!(
            restoration(&history),
            Restoration {
                status: Submitted,
                comment: Some("保険料を確認してください".into()),
            }
        );
    }

    #[test]
    fn a_second_exclusion_restores_what_the_first_include_restored() {
        use FilingStatus::*;
        let returned = FilingAction::Return {
            comment: "扶養親族の生年月日を確認".into(),
            deadline: None,
        };
        let first = FilingAction::Exclude {
            reason: "乙欄".into(),
        };
        let include = FilingAction::Include {
            restore: Returned,
            comment: Some("扶養親族の生年月日を確認".into()),
        };
        let second = FilingAction::Exclude {
            reason: "その他: 海外赴任".into(),
        };
        let history = vec![
            event(Submitted, Returned, &returned),
            event(Returned, Excluded, &first),
            event(Excluded, Returned, &include),
            event(Returned, Excluded, &second),
        ];
        assert_eq!(
            restoration(&history),
            Restoration {
                status: Returned,
                comment: Some("扶養親族の生年月日を確認".into()),
            }
        );
        let draft_history = vec![
            event(Requested, Draft, &FilingAction::Save),
            event(Draft, Excluded, &first),
            event(
                Excluded,
                Draft,
                &FilingAction::Include {
                    restore: Draft,
                    comment: None,
                },
            ),
            event(Draft, Excluded, &second),
        ];
        assert_eq!(
            restoration(&draft_history),
            Restoration {
                status: Draft,
                comment: None,
            }
        );
    }
}
