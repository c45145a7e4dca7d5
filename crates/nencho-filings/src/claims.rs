//! 重複扶養チェック: the people a declaration claims (the spouse of a 配偶者(特別)控除, each
//! 扶養親族 — 年少 too, for the 住民税 — and each 特定親族), and what the reviewer must look at
//! when they meet another declaration of the same company and year:
//!
//! - the same person claimed twice — a 扶養親族 belongs to one taxpayer only (所得税法85条④,
//!   所得税法施行令219条①), as does a 特定親族 (所得税法84条の2, 令和7年度改正);
//! - two employees claiming each other as spouse — the 配偶者特別控除 cannot go both ways
//!   (所得税法83条の2②), and a 配偶者控除 needs the other's income within the limit;
//! - a claimed person who is an employee of the company, or the employee claimed by a colleague,
//!   where the income the claimer declared can be set against the person's own declaration.
//!
//! People are matched by birth date and either the フリガナ (however typed: hiragana, half-width)
//! or the name (spaces and widths ignored). A match is a question for the reviewer, never a
//! refusal: the same name and birthday may still be two people.

use nencho_kernel::text::{fold_width, to_katakana};
use nencho_kernel::{Date, EmployeeId, FilingId, TaxYear, Yen};

use crate::computation::compute;
use crate::document::{Declaration, PersonName};

/// How a person is matched: their birth date with their フリガナ (`カ:ヤマダタロウ:2015-04-01`) or
/// their name (`名:山田太郎:2015-04-01`), normalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonKey(String);

impl PersonKey {
    /// Every key of a person: none for a blank name and kana.
    pub fn of(name: &str, kana: &str, birth_date: Date) -> Vec<PersonKey> {
        let kana: String = to_katakana(&fold_width(kana))
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '・')
            .collect();
        let name: String = fold_width(name)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        [("カ", kana), ("名", name)]
            .into_iter()
            .filter(|(_, text)| !text.is_empty())
            .map(|(kind, text)| PersonKey(format!("{kind}:{text}:{birth_date}")))
            .collect()
    }

    /// A key as stored.
    pub fn from_stored(key: String) -> Self {
        PersonKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a declaration claims a person as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimRole {
    /// The spouse of a 配偶者控除 or 配偶者特別控除.
    Spouse,
    /// A 扶養親族 (年少扶養親族 included).
    Dependent,
    /// A 特定親族 of the 特定親族特別控除.
    SpecificRelative,
}

impl ClaimRole {
    pub fn code(self) -> &'static str {
        match self {
            ClaimRole::Spouse => "spouse",
            ClaimRole::Dependent => "dependent",
            ClaimRole::SpecificRelative => "specific_relative",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            ClaimRole::Spouse,
            ClaimRole::Dependent,
            ClaimRole::SpecificRelative,
        ]
        .into_iter()
        .find(|role| role.code() == code)
    }

    pub fn japanese(self) -> &'static str {
        match self {
            ClaimRole::Spouse => "配偶者(配偶者控除等)",
            ClaimRole::Dependent => "扶養親族",
            ClaimRole::SpecificRelative => "特定親族",
        }
    }
}

/// One person a declaration claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// 0 for the spouse, 1 + the index for a relative: stable while the document is.
    pub ordinal: u32,
    pub role: ClaimRole,
    pub name: String,
    /// The 合計所得金額 (見積額) the declaration gives for the person.
    pub declared_income: Yen,
    pub keys: Vec<PersonKey>,
}

/// The people `declaration` claims in `tax_year`. A relative the employee marks as deducted by
/// another earner (他の所得者が控除) is not claimed; nor is one whose income is too high, nor a
/// spouse without a 配偶者(特別)控除. When the document cannot be computed (a date the engine
/// refuses), everyone listed is taken as claimed, so that a check errs towards asking.
pub fn claims_of(declaration: &Declaration, tax_year: TaxYear) -> Vec<Claim> {
    if declaration.spouse.is_none() && declaration.relatives.is_empty() {
        return Vec::new();
    }
    let computed = compute(declaration, tax_year).ok();
    let mut claims = Vec::new();
    if let Some(spouse) = &declaration.spouse {
        let claimed = computed
            .as_ref()
            .is_none_or(|amounts| amounts.deductions.spouse > Yen::ZERO);
        if claimed {
            claims.push(claim(
                0,
                ClaimRole::Spouse,
                &spouse.name,
                spouse.birth_date,
                spouse.estimated_income,
            ));
        }
    }
    for (index, relative) in declaration.relatives.iter().enumerate() {
        if relative.claimed_by_other_earner {
            continue;
        }
        let class = computed
            .as_ref()
            .and_then(|amounts| amounts.relative_classes.get(index).copied());
        let role = match class {
            None => ClaimRole::Dependent,
            Some(class) if class.is_dependent() => ClaimRole::Dependent,
            Some(nencho_tax::RelativeClass::SpecificRelative) => ClaimRole::SpecificRelative,
            Some(_) => continue,
        };
        let ordinal = u32::try_from(index + 1).unwrap_or(u32::MAX);
        claims.push(claim(
            ordinal,
            role,
            &relative.name,
            relative.birth_date,
            relative.estimated_income,
        ));
    }
    claims.retain(|claim| !claim.keys.is_empty());
    claims
}

fn claim(ordinal: u32, role: ClaimRole, name: &PersonName, birth: Date, income: Yen) -> Claim {
    Claim {
        ordinal,
        role,
        name: name.name.trim().to_owned(),
        declared_income: income,
        keys: PersonKey::of(&name.name, &name.kana, birth),
    }
}

/// A stored claim of some declaration, as a search by key finds it (one per matching key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    pub filing_id: FilingId,
    pub employee_id: EmployeeId,
    pub ordinal: u32,
    pub role: ClaimRole,
    pub person_name: String,
    pub declared_income: Yen,
    pub key: PersonKey,
}

/// An employee of the company with the keys of their own name and birth date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedEmployee {
    pub employee_id: EmployeeId,
    pub keys: Vec<PersonKey>,
}

/// What the reviewer should look at, about one declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimFinding {
    /// A person this declaration claims is claimed in another declaration too.
    ClaimedTwice {
        claim: Claim,
        other_filing: FilingId,
        other_employee: EmployeeId,
        other_role: ClaimRole,
    },
    /// This employee and another claim each other as spouse (所得税法83条の2②).
    MutualSpouse {
        claim: Claim,
        other_filing: FilingId,
        other_employee: EmployeeId,
        /// The income the other declaration gives for this employee.
        declared_income_of_employee: Yen,
    },
    /// A person this declaration claims is an employee of the company: their own declaration
    /// tells their income.
    ClaimedPersonIsEmployee { claim: Claim, employee: EmployeeId },
    /// Another declaration claims this employee (as spouse, 扶養親族 or 特定親族).
    EmployeeClaimedByOther {
        other_filing: FilingId,
        other_employee: EmployeeId,
        role: ClaimRole,
        /// The income the other declaration gives for this employee.
        declared_income: Yen,
    },
}

impl ClaimFinding {
    /// Whether the finding breaks a rule by itself (the same person claimed twice, spouses
    /// claiming each other), rather than asking for a comparison of incomes.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            ClaimFinding::ClaimedTwice { .. } | ClaimFinding::MutualSpouse { .. }
        )
    }
}

/// The findings for the declaration `own_filing` of `own_employee`, whose claims are
/// `own_claims` and whose own keys are `own_keys`: `records` are the stored claims found under
/// any of those keys (the declaration's own among them, ignored), `employees` the employees of
/// the company found under the claims' keys. Each other declaration or employee is named once
/// per claim, conflicts first.
pub fn review_claims(
    own_filing: FilingId,
    own_employee: EmployeeId,
    own_claims: &[Claim],
    own_keys: &[PersonKey],
    records: &[ClaimRecord],
    employees: &[KeyedEmployee],
) -> Vec<ClaimFinding> {
    let others: Vec<&ClaimRecord> = records
        .iter()
        .filter(|record| record.filing_id != own_filing && record.employee_id != own_employee)
        .collect();
    let shares_key = |keys: &[PersonKey], key: &PersonKey| keys.contains(key);
    let mut findings = Vec::new();
    // Spouses claiming each other: this declaration's spouse is employee X, and X's declaration
    // claims this employee as spouse.
    let mut mutual_with = Vec::new();
    for claim in own_claims.iter().filter(|c| c.role == ClaimRole::Spouse) {
        for employee in employees
            .iter()
            .filter(|e| e.keys.iter().any(|key| shares_key(&claim.keys, key)))
        {
            let back = others.iter().find(|record| {
                record.employee_id == employee.employee_id
                    && record.role == ClaimRole::Spouse
                    && shares_key(own_keys, &record.key)
            });
            if let Some(back) = back {
                mutual_with.push(employee.employee_id);
                findings.push(ClaimFinding::MutualSpouse {
                    claim: claim.clone(),
                    other_filing: back.filing_id,
                    other_employee: back.employee_id,
                    declared_income_of_employee: back.declared_income,
                });
            }
        }
    }
    for claim in own_claims {
        let mut seen = Vec::new();
        for record in others
            .iter()
            .filter(|record| shares_key(&claim.keys, &record.key))
        {
            if seen.contains(&record.filing_id) {
                continue;
            }
            seen.push(record.filing_id);
            findings.push(ClaimFinding::ClaimedTwice {
                claim: claim.clone(),
                other_filing: record.filing_id,
                other_employee: record.employee_id,
                other_role: record.role,
            });
        }
    }
    for claim in own_claims {
        let mut seen = Vec::new();
        for employee in employees.iter().filter(|employee| {
            employee.employee_id != own_employee
                && !mutual_with.contains(&employee.employee_id)
                && employee.keys.iter().any(|key| shares_key(&claim.keys, key))
        }) {
            if !seen.contains(&employee.employee_id) {
                seen.push(employee.employee_id);
                findings.push(ClaimFinding::ClaimedPersonIsEmployee {
                    claim: claim.clone(),
                    employee: employee.employee_id,
                });
            }
        }
    }
    let mut seen = Vec::new();
    for record in others.iter().filter(|record| {
        shares_key(own_keys, &record.key) && !mutual_with.contains(&record.employee_id)
    }) {
        if !seen.contains(&(record.filing_id, record.ordinal)) {
            seen.push((record.filing_id, record.ordinal));
            findings.push(ClaimFinding::EmployeeClaimedByOther {
                other_filing: record.filing_id,
                other_employee: record.employee_id,
                role: record.role,
                declared_income: record.declared_income,
            });
        }
    }
    findings.sort_by_key(|finding| !finding.is_conflict());
    findings
}

#[cfg(test)]
mod tests;
