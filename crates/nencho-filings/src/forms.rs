//! Which of the forms a declaration fills, decided by its content.

use nencho_tax::RelativeClass;

use crate::document::Declaration;

/// The declaration forms (申告書) of a year-end adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// 給与所得者の扶養控除等(異動)申告書.
    Dependents,
    /// 給与所得者の基礎控除申告書兼配偶者控除等申告書兼所得金額調整控除申告書.
    BasicAndSpouse,
    /// 給与所得者の特定親族特別控除申告書 (from 2025).
    SpecificRelative,
    /// 給与所得者の保険料控除申告書.
    Insurance,
    /// 給与所得者の(特定増改築等)住宅借入金等特別控除申告書.
    HousingLoan,
    /// 前職分の源泉徴収票: not a 申告書 but the slips of earlier employers of the year, handed in
    /// with the declarations (中途入社); listed with them so review and print show the 前職分.
    PreviousEmployment,
    /// 翌年分の給与所得者の扶養控除等(異動)申告書, filed with this year's adjustment for next
    /// year's monthly withholding.
    DependentsNextYear,
}

impl Form {
    pub const fn japanese_name(self) -> &'static str {
        match self {
            Form::Dependents => "扶養控除等(異動)申告書",
            Form::BasicAndSpouse => "基礎控除申告書兼配偶者控除等申告書兼所得金額調整控除申告書",
            Form::SpecificRelative => "特定親族特別控除申告書",
            Form::Insurance => "保険料控除申告書",
            Form::HousingLoan => "住宅借入金等特別控除申告書",
            Form::PreviousEmployment => "前職分の源泉徴収票(提出分)",
            Form::DependentsNextYear => "翌年分 扶養控除等(異動)申告書",
        }
    }
}

/// The forms the declaration fills, in the order they are printed. `relative_classes` are the
/// classes of the document's relatives ([`crate::ComputedAmounts::relative_classes`]).
pub fn forms_of(declaration: &Declaration, relative_classes: &[RelativeClass]) -> Vec<Form> {
    let mut forms = vec![Form::Dependents, Form::BasicAndSpouse];
    if relative_classes.contains(&RelativeClass::SpecificRelative) {
        forms.push(Form::SpecificRelative);
    }
    let insured = !declaration.life_policies.is_empty()
        || !declaration.earthquake_policies.is_empty()
        || !declaration.social_insurance.is_empty()
        || !declaration.mutual_aid.is_empty();
    if insured {
        forms.push(Form::Insurance);
    }
    if declaration.housing_loan.is_some() {
        forms.push(Form::HousingLoan);
    }
    if !declaration.previous_employments.is_empty() {
        forms.push(Form::PreviousEmployment);
    }
    forms.push(Form::DependentsNextYear);
    forms
}
