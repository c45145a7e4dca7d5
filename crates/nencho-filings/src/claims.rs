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
//! The 翌年分 扶養控除等(異動)申告書 claims people too, for next year's monthly withholding
//! (所得税法194条: a 源泉控除対象配偶者 and the 控除対象扶養親族 counted there belong to one
//! withholding agent's form). Its claims ([`next_year_claims_of`]) are matched only with other
//! declarations' 翌年分 claims ([`PersonKey::for_next_year`]): the two families a declaration
//! gives are two questions.
//!
//! People are matched by birth date and either the フリガナ (however typed: hiragana, half-width)
//! or the name (spaces and widths ignored). A match is a question for the reviewer, never a
//! refusal: the same name and birthday may still be two people.

use std::collections::HashSet;

use nencho_kernel::text::{fold_width, to_katakana};
use nencho_kernel::{Date, EmployeeId, FilingId, TaxYear, Yen};

use crate::computation::compute;
use crate::document::{Declaration, PersonName, RelativeEntry, SpouseEntry};

/// What sets a 翌年分 claim's keys apart.
const NEXT_YEAR_KEY_PREFIX: &str = "翌:";

/// Added to a 翌年分 claim's ordinal (0 spouse, 1 + the index of a relative of next year's
/// family), so that the two families' claims of one declaration never share an ordinal.
pub const NEXT_YEAR_ORDINAL: u32 = 1000;

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

    /// The key under which a 翌年分 claim of the person is stored: never equal to a key of this
    /// year's claims, so the two years meet only themselves.
    pub fn for_next_year(&self) -> PersonKey {
        PersonKey(format!("{NEXT_YEAR_KEY_PREFIX}{}", self.0))
    }

    /// A key of a 翌年分 claim.
    pub fn is_next_year(&self) -> bool {
        self.0.starts_with(NEXT_YEAR_KEY_PREFIX)
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
    /// A claim of the 翌年分 扶養控除等(異動)申告書 (its keys are [`PersonKey::for_next_year`]).
    pub next_year: bool,
}

impl Claim {
    /// Whether `other` is this claim's person in the other year's family (the same keys but for
    /// the 翌年分 prefix).
    fn same_person_as(&self, other: &Claim) -> bool {
        let plain = |claim: &Claim| -> Vec<String> {
            claim
                .keys
                .iter()
                .map(|key| {
                    key.as_str()
                        .trim_start_matches(NEXT_YEAR_KEY_PREFIX)
                        .to_owned()
                })
                .collect()
        };
        let (mine, theirs) = (plain(self), plain(other));
        mine.iter().any(|key| theirs.contains(key))
    }
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
    family_claims(
        0,
        declaration.spouse.as_ref(),
        &declaration.relatives,
        computed.as_ref().map(|amounts| {
            (
                amounts.deductions.spouse > Yen::ZERO,
                amounts.relative_classes.as_slice(),
            )
        }),
    )
}

/// The claims of one family: the spouse when `computed` says so (its spouse flag) or cannot say,
/// and each relative not left to another earner whose class (`computed`'s, in the relatives'
/// order) is a 扶養親族 or a 特定親族 — everyone listed when not computed. Ordinals from
/// `first_ordinal` (the spouse) and `first_ordinal + 1 + index` (the relatives).
fn family_claims(
    first_ordinal: u32,
    spouse: Option<&SpouseEntry>,
    relatives: &[RelativeEntry],
    computed: Option<(bool, &[nencho_tax::RelativeClass])>,
) -> Vec<Claim> {
    let mut claims = Vec::new();
    if let Some(spouse) = spouse
        && computed.is_none_or(|(spouse_claimed, _)| spouse_claimed)
    {
        claims.push(claim(
            first_ordinal,
            ClaimRole::Spouse,
            &spouse.name,
            spouse.birth_date,
            spouse.estimated_income,
        ));
    }
    for (index, relative) in relatives.iter().enumerate() {
        if relative.claimed_by_other_earner {
            continue;
        }
        let class = computed.and_then(|(_, classes)| classes.get(index).copied());
        let role = match class {
            None => ClaimRole::Dependent,
            Some(class) if class.is_dependent() => ClaimRole::Dependent,
            Some(nencho_tax::RelativeClass::SpecificRelative) => ClaimRole::SpecificRelative,
            Some(_) => continue,
        };
        let ordinal = u32::try_from(index + 1)
            .unwrap_or(u32::MAX)
            .saturating_add(first_ordinal);
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
        next_year: false,
    }
}

/// The people the 翌年分 扶養控除等(異動)申告書 of `declaration` (filed in the `tax_year`
/// adjustment) claims for next year: next year's family ([`Declaration::next_year_family`]) —
/// the spouse when a 源泉控除対象配偶者, each relative whose class at next year's end is a
/// 扶養親族 (年少 too) or a 特定親族 and who is not left to another earner. Next year's rules
/// are provisional where `nencho-tax` has none yet, as for the payroll export. When the
/// document cannot be computed, everyone listed is taken as claimed.
pub fn next_year_claims_of(declaration: &Declaration, tax_year: TaxYear) -> Vec<Claim> {
    let (spouse, relatives) = declaration.next_year_family();
    if spouse.is_none() && relatives.is_empty() {
        return Vec::new();
    }
    let computed = compute(declaration, tax_year).ok();
    let mut claims = family_claims(
        NEXT_YEAR_ORDINAL,
        spouse,
        relatives,
        computed.as_ref().map(|amounts| {
            (
                amounts.next_year_withholding_spouse,
                amounts.next_year_relative_classes.as_slice(),
            )
        }),
    );
    for claim in &mut claims {
        claim.next_year = true;
        claim.keys = claim.keys.iter().map(PersonKey::for_next_year).collect();
    }
    claims
}

/// Every claim of the declaration: this year's ([`claims_of`]), then next year's
/// ([`next_year_claims_of`]) — what the store indexes and the reviewer's check searches.
pub fn all_claims_of(declaration: &Declaration, tax_year: TaxYear) -> Vec<Claim> {
    let mut claims = claims_of(declaration, tax_year);
    claims.extend(next_year_claims_of(declaration, tax_year));
    claims
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
    // A 翌年分 claim that meets the same declaration as this year's claim of the same person
    // says nothing new (next year's family is this year's): this year's finding stands for both.
    let mut this_year_met: Vec<(&Claim, HashSet<FilingId>)> = Vec::new();
    let this_year_first = own_claims
        .iter()
        .filter(|claim| !claim.next_year)
        .chain(own_claims.iter().filter(|claim| claim.next_year));
    for claim in this_year_first {
        // The declarations this year's claim of the same person met already.
        let repeated: HashSet<FilingId> = if claim.next_year {
            this_year_met
                .iter()
                .filter(|(met, _)| met.same_person_as(claim))
                .flat_map(|(_, filings)| filings.iter().copied())
                .collect()
        } else {
            HashSet::new()
        };
        let mut seen = HashSet::new();
        for record in others
            .iter()
            .filter(|record| shares_key(&claim.keys, &record.key))
        {
            if !seen.insert(record.filing_id) || repeated.contains(&record.filing_id) {
                continue;
            }
            findings.push(ClaimFinding::ClaimedTwice {
                claim: claim.clone(),
                other_filing: record.filing_id,
                other_employee: record.employee_id,
                other_role: record.role,
            });
        }
        if !claim.next_year {
            this_year_met.push((claim, seen));
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
