//! The workflow state machine of a declaration (YEA-3, YEA-4):
//!
//! ```text
//! 未依頼 ─request→ 依頼中 ─save→ 入力中 ─submit→ 提出済 ─approve→ 承認済
//!                    └──────submit──────────┘  │  ↑ withdraw↓      │
//!                                     差戻し ←return┘  入力中     reopen (理由) → 入力中
//!
//! 未依頼・依頼中・入力中・提出済・差戻し ─exclude (理由)→ 対象外 ─include→ the status it left
//! ```
//! Only a 提出済 declaration can be approved; an approved one changes only through a reopen
//! with a reason (再年調). An employee the year-end adjustment does not apply to (乙欄, more
//! than 20,000,000円, …: 所得税法190条) is set aside as 対象外 with the reason, by staff, and
//! nothing can happen to the declaration until staff take it back (include). Who may take an action is the use case's check (permissions); this
//! module says which actions exist in each state.

use nencho_kernel::Date;
use serde::{Deserialize, Serialize};

/// Where a declaration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// 未依頼: not requested yet.
    NotRequested,
    /// 依頼中: requested, the employee has not started.
    Requested,
    /// 入力中: being filled in.
    Draft,
    /// 提出済: submitted, waiting for review.
    Submitted,
    /// 差戻し: returned with a comment.
    Returned,
    /// 承認済: approved and locked.
    Approved,
    /// 対象外: the year-end adjustment does not apply to the employee this year (see
    /// [`crate::ExclusionReason`]); nothing is asked of them.
    Excluded,
}

impl FilingStatus {
    pub const ALL: [FilingStatus; 7] = [
        FilingStatus::NotRequested,
        FilingStatus::Requested,
        FilingStatus::Draft,
        FilingStatus::Submitted,
        FilingStatus::Returned,
        FilingStatus::Approved,
        FilingStatus::Excluded,
    ];

    pub const fn japanese_name(self) -> &'static str {
        match self {
            FilingStatus::NotRequested => "未依頼",
            FilingStatus::Requested => "依頼中",
            FilingStatus::Draft => "入力中",
            FilingStatus::Submitted => "提出済",
            FilingStatus::Returned => "差戻し",
            FilingStatus::Approved => "承認済",
            FilingStatus::Excluded => "対象外",
        }
    }

    /// The stable code stored and used in URLs and exports.
    pub const fn code(self) -> &'static str {
        match self {
            FilingStatus::NotRequested => "not_requested",
            FilingStatus::Requested => "requested",
            FilingStatus::Draft => "draft",
            FilingStatus::Submitted => "submitted",
            FilingStatus::Returned => "returned",
            FilingStatus::Approved => "approved",
            FilingStatus::Excluded => "excluded",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Whether staff may set the declaration aside as 対象外 (and so the statuses an include
    /// may restore): anything not approved and not already excluded.
    pub const fn may_be_excluded(self) -> bool {
        !matches!(self, FilingStatus::Approved | FilingStatus::Excluded)
    }

    /// Whether the employee still owes a submission (for bulk reminders).
    pub const fn awaits_employee(self) -> bool {
        matches!(
            self,
            FilingStatus::NotRequested
                | FilingStatus::Requested
                | FilingStatus::Draft
                | FilingStatus::Returned
        )
    }
}

/// Who acts: the employee on their own declaration, or staff (担当者 and above) on someone's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Employee,
    Staff,
}

/// Something someone does to a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilingAction {
    /// 依頼: ask the employee to file.
    Request,
    /// Save the document (a step of the flow, or staff's proxy entry).
    Save,
    /// 提出, with what the employee (or staff entering a paper declaration) tells the reviewers.
    Submit {
        note: Option<crate::SubmissionNote>,
    },
    /// The employee takes a submitted declaration back before review (取り下げ).
    Withdraw,
    /// 差戻し with a comment for the employee, and a day by which they may hand it in again
    /// when the company's 提出期間 is over or nearly (個別の提出期限; `None` keeps what was set).
    Return {
        comment: String,
        deadline: Option<Date>,
    },
    Approve,
    /// 再年調: reopen an approved declaration, with the reason.
    Reopen {
        reason: String,
    },
    /// 対象外にする: the year-end adjustment does not apply to the employee; the reason (as
    /// [`crate::ExclusionReason::describe`] words it) is shown to them.
    Exclude {
        reason: String,
    },
    /// 対象に戻す: back to the status the declaration had when it was excluded, with the
    /// comment it carried then (see [`crate::restoration`]).
    Include {
        restore: FilingStatus,
        comment: Option<String>,
    },
    /// 提出期限の変更: staff give this employee a day of their own to enter and submit by, after
    /// the company's 提出期間 (`None` takes it back). The status stays as it is.
    Extend {
        deadline: Option<Date>,
    },
    /// 確認済みにする (一次確認): a 担当者 has checked the submitted declaration, and it waits
    /// for the 承認者. The status stays 提出済; see [`crate::CheckMark`].
    Check,
    /// 確認を取り消す: the 一次確認 is taken back.
    Uncheck,
}

impl FilingAction {
    pub const fn japanese_name(&self) -> &'static str {
        match self {
            FilingAction::Request => "依頼",
            FilingAction::Save => "保存",
            FilingAction::Submit { .. } => "提出",
            FilingAction::Withdraw => "取り下げ",
            FilingAction::Return { .. } => "差戻し",
            FilingAction::Approve => "承認",
            FilingAction::Reopen { .. } => "再年調のための差戻し",
            FilingAction::Exclude { .. } => "対象外にする",
            FilingAction::Include { .. } => "対象に戻す",
            FilingAction::Extend { .. } => "提出期限の変更",
            FilingAction::Check => "確認済みにする",
            FilingAction::Uncheck => "確認を取り消す",
        }
    }

    /// The comment the action carries (a return comment, a reopen or exclusion reason, a
    /// submission's note).
    pub fn comment(&self) -> Option<&str> {
        match self {
            FilingAction::Return { comment, .. } => Some(comment),
            FilingAction::Submit { note } => note.as_ref().map(crate::SubmissionNote::as_str),
            FilingAction::Reopen { reason } | FilingAction::Exclude { reason } => Some(reason),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error(
        "承認済みの申告書は変更できません。再年調が必要な場合は理由を添えて差し戻してください。"
    )]
    Locked,
    #[error("{status}の申告書に「{action}」はできません。", status = .from.japanese_name())]
    NotAllowed {
        from: FilingStatus,
        action: &'static str,
    },
    #[error("コメント(理由)を入力してください。")]
    CommentRequired,
    #[error("従業員本人以外は「{0}」できません。")]
    EmployeeOnly(&'static str),
    #[error("従業員本人は「{0}」できません。")]
    StaffOnly(&'static str),
}

/// The state after `action` by `actor` on a declaration in `from`, or why it is refused.
pub fn transition(
    from: FilingStatus,
    action: &FilingAction,
    actor: Actor,
) -> Result<FilingStatus, WorkflowError> {
    use FilingStatus::*;
    let name = action.japanese_name();
    let refused = WorkflowError::NotAllowed { from, action: name };
    let staff_only = |next: FilingStatus| match actor {
        Actor::Staff => Ok(next),
        Actor::Employee => Err(WorkflowError::StaffOnly(name)),
    };
    if let Some(comment) = action.comment()
        && comment.trim().is_empty()
    {
        return Err(WorkflowError::CommentRequired);
    }
    match (action, from) {
        (FilingAction::Reopen { .. }, Approved) => staff_only(Draft),
        (FilingAction::Reopen { .. }, _) => Err(refused),
        (_, Approved) => Err(WorkflowError::Locked),
        (FilingAction::Include { restore, .. }, Excluded) if restore.may_be_excluded() => {
            staff_only(*restore)
        }
        (_, Excluded) => Err(refused),
        (FilingAction::Exclude { .. }, _) => staff_only(Excluded),
        (FilingAction::Include { .. }, _) => Err(refused),
        (FilingAction::Request, NotRequested) => staff_only(Requested),
        (FilingAction::Request, _) => Err(refused),
        (FilingAction::Save, NotRequested | Requested | Draft | Returned) => Ok(Draft),
        // Staff may correct a submitted declaration before approving it; it stays submitted and
        // the change is in its history.
        (FilingAction::Save, Submitted) => staff_only(Submitted),
        (FilingAction::Submit { .. }, NotRequested | Requested | Draft | Returned) => Ok(Submitted),
        (FilingAction::Submit { .. }, Submitted) => Err(refused),
        (FilingAction::Withdraw, Submitted) => match actor {
            Actor::Employee => Ok(Draft),
            Actor::Staff => Err(WorkflowError::EmployeeOnly(name)),
        },
        (FilingAction::Withdraw, _) => Err(refused),
        (FilingAction::Return { .. }, Submitted) => staff_only(Returned),
        (FilingAction::Return { .. }, _) => Err(refused),
        (FilingAction::Approve, Submitted) => staff_only(Approved),
        (FilingAction::Approve, _) => Err(refused),
        // Only while the employee still has something to hand in (or may take it back).
        (FilingAction::Extend { .. }, Requested | Draft | Returned | Submitted) => staff_only(from),
        (FilingAction::Extend { .. }, _) => Err(refused),
        // The 一次確認 is of what was handed in.
        (FilingAction::Check | FilingAction::Uncheck, Submitted) => staff_only(Submitted),
        (FilingAction::Check | FilingAction::Uncheck, _) => Err(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn action() -> impl Strategy<Value = FilingAction> {
        prop_oneof![
            Just(FilingAction::Request),
            Just(FilingAction::Save),
            Just(FilingAction::Submit { note: None }),
            Just(FilingAction::Withdraw),
            "[ a-z]{0,3}".prop_map(|comment| FilingAction::Return {
                comment,
                deadline: None
            }),
            proptest::option::of(0u8..60).prop_map(|days| FilingAction::Extend {
                deadline: days.map(|days| {
                    time::macros::date!(2026 - 12 - 01) + time::Duration::days(days.into())
                }),
            }),
            Just(FilingAction::Approve),
            Just(FilingAction::Check),
            Just(FilingAction::Uncheck),
            "[ a-z]{0,3}".prop_map(|reason| FilingAction::Reopen { reason }),
            "[ a-z]{0,3}".prop_map(|reason| FilingAction::Exclude { reason }),
            proptest::sample::select(FilingStatus::ALL.to_vec()).prop_map(|restore| {
                FilingAction::Include {
                    restore,
                    comment: None,
                }
            }),
        ]
    }

    fn actor() -> impl Strategy<Value = Actor> {
        prop_oneof![Just(Actor::Employee), Just(Actor::Staff)]
    }

    proptest! {
        /// No path reaches 承認済 except an approval of a 提出済 declaration by staff.
        #[test]
        fn approval_needs_a_submission(steps in proptest::collection::vec((action(), actor()), 0..40)) {
            let mut status = FilingStatus::NotRequested;
            let mut submitted_since_last_change = false;
            for (action, actor) in steps {
                if let Ok(next) = transition(status, &action, actor) {
                    if next == FilingStatus::Approved && status != FilingStatus::Approved {
                        prop_assert_eq!(status, FilingStatus::Submitted);
                        prop_assert!(submitted_since_last_change);
                        prop_assert_eq!(actor, Actor::Staff);
                    }
                    submitted_since_last_change = next == FilingStatus::Submitted;
                    status = next;
                }
            }
        }

        /// An approved declaration leaves 承認済 only through a reopen with a reason.
        #[test]
        fn approved_changes_only_through_reopen(action in action(), actor in actor()) {
            if let Ok(next) = transition(FilingStatus::Approved, &action, actor) {
                let reopened_with_reason = matches!(&action, FilingAction::Reopen { reason } if !reason.trim().is_empty());
                prop_assert!(reopened_with_reason);
                prop_assert_eq!(next, FilingStatus::Draft);
                prop_assert_eq!(actor, Actor::Staff);
            }
        }

        /// An excluded declaration changes only when staff include it again, and then goes back
        /// to a status it could have been excluded from.
        #[test]
        fn excluded_changes_only_through_include(action in action(), actor in actor()) {
            if let Ok(next) = transition(FilingStatus::Excluded, &action, actor) {
                let included = matches!(action, FilingAction::Include { .. });
                prop_assert!(included);
                prop_assert_eq!(actor, Actor::Staff);
                prop_assert!(next.may_be_excluded());
            }
        }

        /// Only staff exclude, never an approved declaration, and an exclusion needs a reason.
        #[test]
        fn exclusion_is_staff_with_a_reason(from in proptest::sample::select(FilingStatus::ALL.to_vec()), reason in "[ a-z]{0,3}", actor in actor()) {
            let result = transition(from, &FilingAction::Exclude { reason: reason.clone() }, actor);
            let allowed = actor == Actor::Staff && from.may_be_excluded() && !reason.trim().is_empty();
            prop_assert_eq!(result.is_ok(), allowed);
            if let Ok(next) = result {
                prop_assert_eq!(next, FilingStatus::Excluded);
            }
        }

        /// Employees can never return, approve, request, reopen, exclude or include.
        #[test]
        fn employees_cannot_review(from in proptest::sample::select(FilingStatus::ALL.to_vec()), action in action()) {
            let reviewing = matches!(action, FilingAction::Return { .. } | FilingAction::Approve | FilingAction::Request | FilingAction::Reopen { .. } | FilingAction::Exclude { .. } | FilingAction::Include { .. } | FilingAction::Extend { .. } | FilingAction::Check | FilingAction::Uncheck);
            if reviewing {
                prop_assert!(transition(from, &action, Actor::Employee).is_err());
            }
        }
    }

    #[test]
    fn the_happy_path_and_a_return() {
        use FilingStatus::*;
        let staff = Actor::Staff;
        let employee = Actor::Employee;
        let mut status = transition(NotRequested, &FilingAction::Request, staff).unwrap();
        assert_eq!(status, Requested);
        status = transition(status, &FilingAction::Save, employee).unwrap();
        assert_eq!(status, Draft);
        status = transition(status, &FilingAction::Submit { note: None }, employee).unwrap();
        let back = FilingAction::Return {
            comment: "保険料の金額を確認してください".into(),
            deadline: None,
        };
        status = transition(status, &back, staff).unwrap();
        assert_eq!(status, Returned);
        status = transition(status, &FilingAction::Submit { note: None }, employee).unwrap();
        status = transition(status, &FilingAction::Approve, staff).unwrap();
        assert_eq!(status, Approved);
        assert_eq!(
            transition(status, &FilingAction::Save, staff),
            Err(WorkflowError::Locked)
        );
        let empty = FilingAction::Reopen { reason: " ".into() };
        assert_eq!(
            transition(status, &empty, staff),
            Err(WorkflowError::CommentRequired)
        );
    }

    #[test]
    fn an_exclusion_and_its_undoing() {
        use FilingStatus::*;
        let staff = Actor::Staff;
        let exclude = FilingAction::Exclude {
            reason: "乙欄".into(),
        };
        assert_eq!(transition(Draft, &exclude, staff), Ok(Excluded));
        assert_eq!(
            transition(Approved, &exclude, staff),
            Err(WorkflowError::Locked)
        );
        assert!(transition(Excluded, &exclude, staff).is_err());
        assert_eq!(
            transition(Draft, &exclude, Actor::Employee),
            Err(WorkflowError::StaffOnly("対象外にする"))
        );
        assert!(transition(Excluded, &FilingAction::Save, Actor::Employee).is_err());
        assert!(
            transition(
                Excluded,
                &FilingAction::Submit { note: None },
                Actor::Employee
            )
            .is_err()
        );
        assert!(transition(Excluded, &FilingAction::Request, staff).is_err());
        let back = |restore| FilingAction::Include {
            restore,
            comment: None,
        };
        assert_eq!(transition(Excluded, &back(Returned), staff), Ok(Returned));
        assert!(transition(Excluded, &back(Approved), staff).is_err());
        assert!(transition(Excluded, &back(Excluded), staff).is_err());
        assert!(transition(Draft, &back(Draft), staff).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for status in FilingStatus::ALL {
            assert_eq!(FilingStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(FilingStatus::from_code("nope"), None);
    }
}
