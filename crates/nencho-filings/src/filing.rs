//! One employee's declaration for one tax year, with where it stands in the workflow.

use nencho_kernel::{
    CompanyId, Date, EmployeeId, FilingId, OffsetDateTime, TaxYear, TenantId, UserId,
};

use crate::document::Declaration;
use crate::history::{FieldChange, FilingEvent, ValueChange, diff};

/// The history's path of the 個別の提出期限 (not a value of the document).
pub const OWN_DEADLINE_PATH: &str = "own_deadline";
use crate::workflow::{Actor, FilingAction, FilingStatus, WorkflowError, transition};

/// 一次確認: a 担当者 (or anyone reviewing) checked the submitted declaration, which then waits
/// for the 承認者 — a 承認者 filters on it and approves in bulk. It stands for the content as
/// checked: anything that happens to the declaration but a deadline change takes it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckMark {
    pub at: OffsetDateTime,
    pub by: UserId,
}

/// Who acts, as the history names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: UserId,
    /// `山田 太郎 (emp001)`.
    pub name: String,
    pub kind: Actor,
}

/// A declaration after an action, with what its history keeps of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The new state, at the next version.
    pub filing: Filing,
    /// The transition: present for every action but a save that keeps the status.
    pub event: Option<FilingEvent>,
    /// Every value the action changed.
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub id: FilingId,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub employee_id: EmployeeId,
    pub tax_year: TaxYear,
    pub status: FilingStatus,
    pub document: Declaration,
    /// Some of the content was entered by staff for the employee (代理入力, a paper filing).
    pub proxy_entered: bool,
    /// Reopened after approval (再年調): the employee may change only the dependants and
    /// insurance sections, within the re-filing period.
    pub reopened: bool,
    /// The latest return comment (差戻しコメント), reopen reason or exclusion reason, shown to
    /// the employee.
    pub last_comment: Option<String>,
    pub requested_at: Option<OffsetDateTime>,
    pub submitted_at: Option<OffsetDateTime>,
    pub approved_at: Option<OffsetDateTime>,
    /// 個別の提出期限: a day staff gave this employee to enter and submit by after the company's
    /// 提出期間 (a return late in the period, a straggler); see
    /// [`crate::FilingPeriods::scope_of`].
    pub own_deadline: Option<Date>,
    /// 一次確認 of a 提出済 declaration, while it stands.
    pub checked: Option<CheckMark>,
    pub updated_at: OffsetDateTime,
    /// Optimistic concurrency: a write names the version it read; a stale one is refused, so two
    /// people editing at once never overwrite each other silently.
    pub version: i64,
}

impl Filing {
    /// A filing that does not exist yet (未依頼), with an empty document.
    pub fn new(
        id: FilingId,
        tenant_id: TenantId,
        company_id: CompanyId,
        employee_id: EmployeeId,
        tax_year: TaxYear,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            tenant_id,
            company_id,
            employee_id,
            tax_year,
            status: FilingStatus::NotRequested,
            document: Declaration::default(),
            proxy_entered: false,
            reopened: false,
            last_comment: None,
            requested_at: None,
            submitted_at: None,
            approved_at: None,
            own_deadline: None,
            checked: None,
            updated_at: now,
            version: 0,
        }
    }
}

impl Filing {
    /// Applies `action` by `author` at `now`, with the new document for a save (`None` keeps
    /// the document). The workflow decides whether the action is allowed ([`transition`]);
    /// the result carries the next version, the times and flags the action sets, the event of
    /// the transition and the changed values, so that storing them together keeps the history
    /// complete.
    pub fn apply(
        &self,
        action: &FilingAction,
        author: &Author,
        document: Option<Declaration>,
        now: OffsetDateTime,
    ) -> Result<Applied, WorkflowError> {
        let next = transition(self.status, action, author.kind)?;
        let mut after = self.clone();
        after.status = next;
        after.updated_at = now;
        after.version = self.version + 1;
        if let Some(mut document) = document {
            // Saving a step is the confirmation a carried-over document waits for.
            document.carried_over_unconfirmed = false;
            after.document = document;
        }
        let proxy = author.kind == Actor::Staff
            && matches!(action, FilingAction::Save | FilingAction::Submit { .. });
        after.proxy_entered |= proxy;
        match action {
            FilingAction::Request => after.requested_at = Some(now),
            FilingAction::Submit { .. } => after.submitted_at = Some(now),
            FilingAction::Approve => after.approved_at = Some(now),
            FilingAction::Return { comment, deadline } => {
                after.last_comment = Some(comment.trim().to_owned());
                if deadline.is_some() {
                    after.own_deadline = *deadline;
                }
            }
            FilingAction::Extend { deadline } => after.own_deadline = *deadline,
            FilingAction::Reopen { reason } => {
                after.last_comment = Some(reason.trim().to_owned());
                after.reopened = true;
                after.approved_at = None;
            }
            FilingAction::Exclude { reason } => after.last_comment = Some(reason.trim().to_owned()),
            FilingAction::Include { comment, .. } => after.last_comment = comment.clone(),
            FilingAction::Save
            | FilingAction::Withdraw
            | FilingAction::Check
            | FilingAction::Uncheck => {}
        }
        after.checked = match action {
            FilingAction::Check => Some(CheckMark {
                at: now,
                by: author.id,
            }),
            FilingAction::Extend { .. } => self.checked,
            _ => None,
        };
        let deadline_change = (self.own_deadline != after.own_deadline).then(|| ValueChange {
            path: OWN_DEADLINE_PATH.to_owned(),
            label: "個別の提出期限".to_owned(),
            before: self.own_deadline.map(|day| day.to_string()),
            after: after.own_deadline.map(|day| day.to_string()),
        });
        let changes = diff(&self.document, &after.document)
            .into_iter()
            .chain(deadline_change)
            .map(|change| FieldChange {
                at: now,
                actor: author.id,
                actor_name: author.name.clone(),
                change,
            })
            .collect();
        // Every transition is an event; a save that keeps the status leaves only its values.
        let transitioned = self.status != next || !matches!(action, FilingAction::Save);
        let event = transitioned.then(|| FilingEvent {
            at: now,
            actor: author.id,
            actor_name: author.name.clone(),
            from: self.status,
            to: next,
            action: action.japanese_name().to_owned(),
            comment: action.comment().map(|comment| comment.trim().to_owned()),
            proxy,
        });
        Ok(Applied {
            filing: after,
            event,
            changes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::Yen;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn filing() -> Filing {
        Filing::new(
            FilingId::from_uuid(uuid_of(1)),
            TenantId::from_uuid(uuid_of(2)),
            CompanyId::from_uuid(uuid_of(3)),
            EmployeeId::from_uuid(uuid_of(4)),
            TaxYear::new(2026).unwrap(),
            datetime!(2026-11-01 00:00 UTC),
        )
    }

    fn uuid_of(value: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(value)
    }

    fn action() -> impl Strategy<Value = FilingAction> {
        prop_oneof![
            Just(FilingAction::Request),
            Just(FilingAction::Save),
            Just(FilingAction::Submit { note: None }),
            Just(FilingAction::Withdraw),
            ("[ あ]{0,2}", proptest::option::of(1u8..40)).prop_map(|(comment, days)| {
                FilingAction::Return {
                    comment,
                    deadline: days.map(|days| {
                        time::macros::date!(2026 - 12 - 01) + time::Duration::days(days.into())
                    }),
                }
            }),
            proptest::option::of(1u8..40).prop_map(|days| FilingAction::Extend {
                deadline: days.map(|days| {
                    time::macros::date!(2026 - 12 - 01) + time::Duration::days(days.into())
                }),
            }),
            Just(FilingAction::Approve),
            Just(FilingAction::Check),
            Just(FilingAction::Uncheck),
            "[ あ]{0,2}".prop_map(|reason| FilingAction::Reopen { reason }),
            "[ あ]{0,2}".prop_map(|reason| FilingAction::Exclude { reason }),
            proptest::sample::select(crate::FilingStatus::ALL.to_vec()).prop_map(|restore| {
                FilingAction::Include {
                    restore,
                    comment: None,
                }
            }),
        ]
    }

    fn author() -> impl Strategy<Value = Author> {
        prop_oneof![Just(Actor::Employee), Just(Actor::Staff)].prop_map(|kind| Author {
            id: UserId::from_uuid(uuid_of(9)),
            name: "山田 太郎 (emp001)".into(),
            kind,
        })
    }

    #[test]
    fn a_deadline_of_their_own_is_set_by_staff_and_kept_in_the_history() {
        let staff = Author {
            id: UserId::from_uuid(uuid_of(8)),
            name: "人事 花子 (jinji)".into(),
            kind: Actor::Staff,
        };
        let now = datetime!(2026-12-01 09:00 UTC);
        let mut submitted = filing();
        submitted.status = FilingStatus::Submitted;
        submitted.version = 3;
        let returned = submitted
            .apply(
                &FilingAction::Return {
                    comment: "証明書を添付してください".into(),
                    deadline: Some(time::macros::date!(2026 - 12 - 07)),
                },
                &staff,
                None,
                now,
            )
            .unwrap();
        assert_eq!(returned.filing.status, FilingStatus::Returned);
        assert_eq!(
            returned.filing.own_deadline,
            Some(time::macros::date!(2026 - 12 - 07))
        );
        let change = &returned.changes[0].change;
        assert_eq!(
            (change.path.as_str(), change.label.as_str()),
            (OWN_DEADLINE_PATH, "個別の提出期限")
        );
        assert_eq!(
            (change.before.as_deref(), change.after.as_deref()),
            (None, Some("2026-12-07"))
        );
        // Taken back: the status stays, the event says what happened, the change is recorded.
        let cancelled = returned
            .filing
            .apply(&FilingAction::Extend { deadline: None }, &staff, None, now)
            .unwrap();
        assert_eq!(cancelled.filing.status, FilingStatus::Returned);
        assert_eq!(cancelled.filing.own_deadline, None);
        let event = cancelled.event.unwrap();
        assert_eq!(
            (event.from, event.to, event.action.as_str()),
            (
                FilingStatus::Returned,
                FilingStatus::Returned,
                "提出期限の変更"
            )
        );
        assert_eq!(
            cancelled.changes[0].change.before.as_deref(),
            Some("2026-12-07")
        );
        // Employees cannot give themselves one; an approved declaration takes none.
        let employee = Author {
            kind: Actor::Employee,
            ..staff.clone()
        };
        let extend = FilingAction::Extend {
            deadline: Some(time::macros::date!(2026 - 12 - 10)),
        };
        assert!(
            returned
                .filing
                .apply(&extend, &employee, None, now)
                .is_err()
        );
        let mut approved = filing();
        approved.status = FilingStatus::Approved;
        assert_eq!(
            approved.apply(&extend, &staff, None, now),
            Err(WorkflowError::Locked)
        );
    }

    #[test]
    fn a_check_marks_a_submitted_declaration_until_anything_but_a_deadline_changes() {
        let clerk = Author {
            id: UserId::from_uuid(uuid_of(7)),
            name: "担当 一郎 (tanto)".into(),
            kind: Actor::Staff,
        };
        let now = datetime!(2026-11-27 01:00 UTC);
        let mut submitted = filing();
        submitted.status = FilingStatus::Submitted;
        let checked = submitted
            .apply(&FilingAction::Check, &clerk, None, now)
            .unwrap();
        assert_eq!(checked.filing.status, FilingStatus::Submitted);
        assert_eq!(
            checked.filing.checked,
            Some(CheckMark {
                at: now,
                by: clerk.id
            })
        );
        let event = checked.event.unwrap();
        assert_eq!(
            (event.from, event.to, event.action.as_str()),
            (
                FilingStatus::Submitted,
                FilingStatus::Submitted,
                "確認済みにする"
            )
        );
        let extended = checked
            .filing
            .apply(
                &FilingAction::Extend {
                    deadline: Some(time::macros::date!(2026 - 12 - 07)),
                },
                &clerk,
                None,
                now,
            )
            .unwrap();
        assert!(
            extended.filing.checked.is_some(),
            "a deadline is no content"
        );
        // Staff correcting the content, taking the check back, approving: the mark goes.
        let mut corrected = extended.filing.document.clone();
        corrected.taxpayer.estimated_salary = Yen::new(5_000_000);
        for (action, document) in [
            (FilingAction::Save, Some(corrected)),
            (FilingAction::Uncheck, None),
            (FilingAction::Approve, None),
        ] {
            let after = extended
                .filing
                .apply(&action, &clerk, document, now)
                .unwrap();
            assert_eq!(after.filing.checked, None, "{action:?}");
        }
        // Only staff, only on 提出済.
        let employee = Author {
            kind: Actor::Employee,
            ..clerk.clone()
        };
        assert_eq!(
            submitted.apply(&FilingAction::Check, &employee, None, now),
            Err(WorkflowError::StaffOnly("確認済みにする"))
        );
        let mut draft = filing();
        draft.status = FilingStatus::Draft;
        assert!(
            draft
                .apply(&FilingAction::Check, &clerk, None, now)
                .is_err()
        );
    }

    proptest! {
        /// Every transition leaves a history entry that names it; a status never changes
        /// without one; every changed value is recorded; versions go up by one.
        #[test]
        fn every_transition_leaves_a_history_entry(
            steps in proptest::collection::vec((action(), author(), 0i64..3), 1..40)
        ) {
            let mut current = filing();
            let mut now = datetime!(2026-11-10 09:00 UTC);
            for (action, author, salary) in steps {
                now += time::Duration::minutes(1);
                let mut document = current.document.clone();
                document.taxpayer.estimated_salary = Yen::new(salary * 1_000_000);
                let document = matches!(action, FilingAction::Save).then_some(document);
                let Ok(applied) = current.apply(&action, &author, document.clone(), now) else {
                    continue;
                };
                prop_assert_eq!(applied.filing.version, current.version + 1);
                if applied.filing.status != current.status {
                    let event = applied.event.as_ref();
                    prop_assert!(event.is_some(), "a status change without an event");
                }
                if let Some(event) = &applied.event {
                    prop_assert_eq!(event.from, current.status);
                    prop_assert_eq!(event.to, applied.filing.status);
                    prop_assert_eq!(event.at, now);
                } else {
                    prop_assert!(matches!(action, FilingAction::Save));
                }
                let salary_changed = document.is_some_and(|document| {
                    document.taxpayer.estimated_salary != current.document.taxpayer.estimated_salary
                });
                prop_assert_eq!(
                    applied.changes.iter().any(|change| change.change.path == "taxpayer.estimated_salary"),
                    salary_changed
                );
                if current.status == FilingStatus::Approved {
                    let reopened = matches!(action, FilingAction::Reopen { .. });
                    prop_assert!(reopened, "an approved declaration changed by {action:?}");
                }
                // The 一次確認 holds only on a 提出済 declaration, set by a check, and survives
                // nothing but a deadline change.
                if let Some(mark) = applied.filing.checked {
                    prop_assert_eq!(applied.filing.status, FilingStatus::Submitted);
                    let kept = matches!(action, FilingAction::Extend { .. }) && current.checked == Some(mark);
                    let set = matches!(action, FilingAction::Check) && mark.at == now && mark.by == author.id;
                    prop_assert!(kept || set, "checked after {action:?}");
                }
                current = applied.filing;
            }
        }
    }
}
