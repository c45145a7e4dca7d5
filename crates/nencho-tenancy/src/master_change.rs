//! 登録内容の変更届: an employee asks for their name or address on record to be corrected (a
//! move, a marriage) — the 扶養控除等申告書 prints them from the record — and an administrator
//! applies the request to the record or declines it with a comment.

use nencho_kernel::text::{fold_width, is_name_kana, to_katakana, trim};
use nencho_kernel::{ChangeRequestId, CompanyId, EmployeeId, OffsetDateTime, TenantId, UserId};

use crate::{Employee, PersonName, PostalCode};

/// A required text field, full-width letters and digits folded; its error is pushed.
fn text_field(
    errors: &mut Vec<MasterChangeError>,
    field: &'static str,
    value: &str,
    max: usize,
) -> String {
    let value = fold_width(trim(value));
    if value.is_empty() {
        errors.push(MasterChangeError {
            field,
            message: "入力してください。",
        });
    } else if value.chars().count() > max || value.chars().any(char::is_control) {
        errors.push(MasterChangeError {
            field,
            message: "長すぎるか、使えない文字が含まれています。",
        });
    }
    value
}

/// The record's fields an employee may ask to change, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterChange {
    pub name: PersonName,
    pub postal_code: Option<PostalCode>,
    pub address: String,
    /// Why (e.g. 転居 2026年10月1日), for the administrator.
    pub note: String,
}

/// The form's fields as typed.
#[derive(Debug, Clone, Default)]
pub struct MasterChangeForm {
    pub family: String,
    pub given: String,
    pub family_kana: String,
    pub given_kana: String,
    pub postal_code: String,
    pub address: String,
    pub note: String,
}

/// A field of the form and what is wrong with it, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterChangeError {
    pub field: &'static str,
    pub message: &'static str,
}

const NAME_MAX: usize = 50;
const ADDRESS_MAX: usize = 200;
const NOTE_MAX: usize = 500;

impl MasterChange {
    /// The record as it stands: the form starts from it.
    pub fn of(employee: &Employee) -> Self {
        Self {
            name: employee.name.clone(),
            postal_code: employee.postal_code,
            address: employee.address.clone(),
            note: String::new(),
        }
    }

    /// Every wrong field at once. Kana is stored in full-width katakana however typed
    /// (hiragana, half-width); an empty postal code is none.
    pub fn parse(form: &MasterChangeForm) -> Result<Self, Vec<MasterChangeError>> {
        let mut errors = Vec::new();
        let family = text_field(&mut errors, "family", &form.family, NAME_MAX);
        let given = text_field(&mut errors, "given", &form.given, NAME_MAX);
        let family_kana = to_katakana(&text_field(
            &mut errors,
            "family_kana",
            &form.family_kana,
            NAME_MAX,
        ));
        let given_kana = to_katakana(&text_field(
            &mut errors,
            "given_kana",
            &form.given_kana,
            NAME_MAX,
        ));
        let address = text_field(&mut errors, "address", &form.address, ADDRESS_MAX);
        for (field, kana) in [("family_kana", &family_kana), ("given_kana", &given_kana)] {
            if !kana.chars().all(is_name_kana) {
                errors.push(MasterChangeError {
                    field,
                    message: "フリガナはカタカナで入力してください。",
                });
            }
        }
        let note = trim(&form.note).to_owned();
        if note.chars().count() > NOTE_MAX {
            errors.push(MasterChangeError {
                field: "note",
                message: "500文字以内で入力してください。",
            });
        }
        let postal_code = match trim(&form.postal_code) {
            "" => None,
            typed => match PostalCode::parse(typed) {
                Some(code) => Some(code),
                None => {
                    errors.push(MasterChangeError {
                        field: "postal_code",
                        message: "7桁の郵便番号を入力してください(例: 100-0013)。",
                    });
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            name: PersonName {
                family,
                given,
                family_kana,
                given_kana,
            },
            postal_code,
            address,
            note,
        })
    }

    /// What would change on the record: (label, now, asked), only the fields that differ.
    pub fn differences(&self, employee: &Employee) -> Vec<(&'static str, String, String)> {
        let postal =
            |code: Option<PostalCode>| code.map(|code| code.to_string()).unwrap_or_default();
        [
            ("氏(漢字)", &employee.name.family, &self.name.family),
            ("名(漢字)", &employee.name.given, &self.name.given),
            (
                "氏(フリガナ)",
                &employee.name.family_kana,
                &self.name.family_kana,
            ),
            (
                "名(フリガナ)",
                &employee.name.given_kana,
                &self.name.given_kana,
            ),
            ("住所", &employee.address, &self.address),
        ]
        .into_iter()
        .filter(|(_, now, asked)| now != asked)
        .map(|(label, now, asked)| (label, now.clone(), asked.clone()))
        .chain((employee.postal_code != self.postal_code).then(|| {
            (
                "郵便番号",
                postal(employee.postal_code),
                postal(self.postal_code),
            )
        }))
        .collect()
    }

    /// The record with the request applied.
    pub fn apply_to(&self, employee: &Employee, at: OffsetDateTime) -> Employee {
        Employee {
            name: self.name.clone(),
            postal_code: self.postal_code,
            address: self.address.clone(),
            updated_at: at,
            ..employee.clone()
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    Pending,
    Applied,
    Declined,
}

impl ChangeStatus {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Applied => "applied",
            Self::Declined => "declined",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Pending, Self::Applied, Self::Declined]
            .into_iter()
            .find(|status| status.code() == code)
    }

    pub const fn japanese_name(self) -> &'static str {
        match self {
            Self::Pending => "確認待ち",
            Self::Applied => "反映済み",
            Self::Declined => "差戻し",
        }
    }
}

/// One request: what was asked, by whom, and how it was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub id: ChangeRequestId,
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub employee_id: EmployeeId,
    pub requested_at: OffsetDateTime,
    pub requested_by: UserId,
    pub change: MasterChange,
    pub status: ChangeStatus,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by_name: Option<String>,
    /// The administrator's comment when declining (or applying).
    pub comment: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::{Clock, FixedClock};
    use time::macros::{date, datetime};

    fn employee(clock: &FixedClock) -> Employee {
        Employee {
            id: EmployeeId::generate(clock),
            tenant_id: TenantId::generate(clock),
            company_id: CompanyId::generate(clock),
            number: crate::EmployeeNumber::parse("E0001").unwrap_or_else(|_| unreachable!()),
            name: PersonName {
                family: "山田".into(),
                given: "花子".into(),
                family_kana: "ヤマダ".into(),
                given_kana: "ハナコ".into(),
            },
            birth_date: date!(1990 - 04 - 01),
            postal_code: PostalCode::parse("100-0013"),
            address: "東京都千代田区霞が関1-1-1".into(),
            email: None,
            department: None,
            employment_type: crate::EmploymentType::Regular,
            hire_date: None,
            leave_date: None,
            user_id: None,
            updated_at: clock.now(),
        }
    }

    fn form_of(change: &MasterChange) -> MasterChangeForm {
        MasterChangeForm {
            family: change.name.family.clone(),
            given: change.name.given.clone(),
            family_kana: change.name.family_kana.clone(),
            given_kana: change.name.given_kana.clone(),
            postal_code: change
                .postal_code
                .map(|code| code.to_string())
                .unwrap_or_default(),
            address: change.address.clone(),
            note: String::new(),
        }
    }

    #[test]
    fn the_record_unchanged_differs_in_nothing() {
        let clock = FixedClock::at(datetime!(2026-11-26 09:00 UTC));
        let record = employee(&clock);
        let asked = MasterChange::parse(&form_of(&MasterChange::of(&record)));
        assert_eq!(asked.map(|change| change.differences(&record)), Ok(vec![]));
    }

    #[test]
    fn a_marriage_and_a_move_are_read_as_typed_and_applied() {
        let clock = FixedClock::at(datetime!(2026-11-26 09:00 UTC));
        let record = employee(&clock);
        let mut form = form_of(&MasterChange::of(&record));
        form.family = "佐藤".into();
        form.family_kana = "さとう".into();
        form.postal_code = "〒５３０－０００１".into();
        form.address = "大阪府大阪市北区梅田1-1".into();
        form.note = "結婚と転居(2026年10月1日)".into();
        let Ok(change) = MasterChange::parse(&form) else {
            unreachable!("a good form");
        };
        assert_eq!(
            change.name.family_kana, "サトウ",
            "hiragana read as katakana"
        );
        assert_eq!(
            change.differences(&record),
            vec![
                ("氏(漢字)", "山田".to_owned(), "佐藤".to_owned()),
                ("氏(フリガナ)", "ヤマダ".to_owned(), "サトウ".to_owned()),
                (
                    "住所",
                    "東京都千代田区霞が関1-1-1".to_owned(),
                    "大阪府大阪市北区梅田1-1".to_owned()
                ),
                ("郵便番号", "100-0013".to_owned(), "530-0001".to_owned()),
            ]
        );
        let later = datetime!(2026-11-27 09:00 UTC);
        let updated = change.apply_to(&record, later);
        assert_eq!(updated.name.family, "佐藤");
        assert_eq!(updated.postal_code, PostalCode::parse("5300001"));
        assert_eq!(updated.updated_at, later);
        assert_eq!(
            (updated.number, updated.birth_date),
            (record.number, record.birth_date),
            "nothing else moves"
        );
    }

    #[test]
    fn every_wrong_field_is_named() {
        let form = MasterChangeForm {
            family: " ".into(),
            given: "花子".into(),
            family_kana: "Yamada".into(),
            given_kana: "".into(),
            postal_code: "12345".into(),
            address: "あ".repeat(201),
            note: String::new(),
        };
        let Err(errors) = MasterChange::parse(&form) else {
            unreachable!("a bad form");
        };
        let fields: Vec<&str> = errors.iter().map(|error| error.field).collect();
        assert_eq!(
            fields,
            [
                "family",
                "given_kana",
                "address",
                "family_kana",
                "postal_code"
            ]
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for status in [
            ChangeStatus::Pending,
            ChangeStatus::Applied,
            ChangeStatus::Declined,
        ] {
            assert_eq!(ChangeStatus::from_code(status.code()), Some(status));
        }
    }
}
