//! 源泉徴収票の税務署への提出範囲: which employees' 給与所得の源泉徴収票 the employer must also file
//! with the tax office (by 31 January, with the 法定調書合計表). Every employee gets theirs; the
//! tax office gets only those above the limits of 所得税法226条① and 所得税法施行規則93条②,
//! as the NTA states them in タックスアンサー No.7411 「「給与所得の源泉徴収票」の提出範囲と提出
//! 方法」.
//!
//! Not covered: the 250万円 limit for 弁護士・司法書士・税理士 and the other professions of
//! No.7411 1(2) paid a salary (nencho does not know a profession: such an employee is judged
//! under the general 500万円 limit, so check them by hand).

use nencho_kernel::Yen;

use crate::ExclusionReason;
use crate::slip::WithholdingSlip;

/// Which limit of No.7411 applies to an employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionRule {
    /// 1(1): 年末調整をした、その年中に役員であった人 — 支払金額が150万円を超えるもの.
    AdjustedOfficer,
    /// 1(3): 年末調整をした、役員・士業以外の人 — 500万円を超えるもの.
    Adjusted,
    /// 2(1): 扶養控除等申告書を提出し、年の中途で退職した人又は災害減免法により徴収猶予を受けた人
    /// (年末調整をしなかった) — 250万円を超えるもの (役員は50万円を超えるもの).
    LeftOrDisaster { officer: bool },
    /// 2(2): 給与の収入金額が2,000万円を超えるため年末調整をしなかった人 — 全部.
    HighSalary,
    /// 2(3): 扶養控除等申告書を提出しなかった人 (乙欄・丙欄の適用者) — 50万円を超えるもの.
    NoDeclaration,
}

impl SubmissionRule {
    /// The rule for an employee's slip: adjusted or not (the slip says), an officer or not (the
    /// employee master), and why staff set them aside when they did (`Other` for a reason
    /// nencho cannot read). `None` when no rule can be chosen: a 非居住者 (no 給与所得の源泉徴収票:
    /// a 支払調書 instead) or a reason of `Other`.
    pub fn for_slip(
        slip: &WithholdingSlip,
        officer: bool,
        set_aside: Option<ExclusionReason>,
    ) -> Option<Self> {
        if slip.adjusted {
            return Some(if officer {
                Self::AdjustedOfficer
            } else {
                Self::Adjusted
            });
        }
        match set_aside {
            // Not adjusted without being set aside: the salary was above 2,000万円.
            None | Some(ExclusionReason::HighSalary) => Some(Self::HighSalary),
            Some(ExclusionReason::LeftDuringYear | ExclusionReason::DisasterRelief) => {
                Some(Self::LeftOrDisaster { officer })
            }
            Some(ExclusionReason::SecondaryEmployer | ExclusionReason::DayLaborer) => {
                Some(Self::NoDeclaration)
            }
            Some(ExclusionReason::NonResident | ExclusionReason::Other) => None,
        }
    }

    /// The 支払金額 the slip must exceed to be filed; `None` when every slip is filed.
    pub fn limit(self) -> Option<Yen> {
        match self {
            Self::AdjustedOfficer => Some(Yen::new(1_500_000)),
            Self::Adjusted => Some(Yen::new(5_000_000)),
            Self::LeftOrDisaster { officer: true } | Self::NoDeclaration => Some(Yen::new(500_000)),
            Self::LeftOrDisaster { officer: false } => Some(Yen::new(2_500_000)),
            Self::HighSalary => None,
        }
    }

    /// Whether a slip of `payment` (its 支払金額) goes to the tax office.
    pub fn requires_filing(self, payment: Yen) -> bool {
        self.limit().is_none_or(|limit| payment > limit)
    }

    /// The rule as the results name it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::AdjustedOfficer => "年末調整をした役員(150万円超)",
            Self::Adjusted => "年末調整をした人(500万円超)",
            Self::LeftOrDisaster { officer: true } => "中途退職・災害者の役員(50万円超)",
            Self::LeftOrDisaster { officer: false } => "中途退職・災害者(250万円超)",
            Self::HighSalary => "給与2,000万円超(全員)",
            Self::NoDeclaration => "乙欄・丙欄(50万円超)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::TaxYear;
    use time::macros::date;

    fn slip(adjusted: bool, payment: i64) -> WithholdingSlip {
        WithholdingSlip {
            adjusted,
            payment: Yen::new(payment),
            ..WithholdingSlip::empty(TaxYear::new(2026).unwrap(), date!(1980 - 04 - 01))
        }
    }

    /// Both sides of every limit of No.7411: 「…を超えるもの」, so the limit itself is not filed.
    #[test]
    fn each_limit_is_exceeded_not_reached() {
        let cases = [
            (slip(true, 0), true, None, 1_500_000),
            (slip(true, 0), false, None, 5_000_000),
            (
                slip(false, 0),
                true,
                Some(ExclusionReason::LeftDuringYear),
                500_000,
            ),
            (
                slip(false, 0),
                false,
                Some(ExclusionReason::LeftDuringYear),
                2_500_000,
            ),
            (
                slip(false, 0),
                false,
                Some(ExclusionReason::DisasterRelief),
                2_500_000,
            ),
            (
                slip(false, 0),
                false,
                Some(ExclusionReason::SecondaryEmployer),
                500_000,
            ),
            (
                slip(false, 0),
                true,
                Some(ExclusionReason::DayLaborer),
                500_000,
            ),
        ];
        for (slip, officer, reason, limit) in cases {
            let rule = SubmissionRule::for_slip(&slip, officer, reason).unwrap();
            assert_eq!(rule.limit(), Some(Yen::new(limit)), "{rule:?}");
            assert!(
                !rule.requires_filing(Yen::new(limit)),
                "{rule:?} at the limit"
            );
            assert!(
                rule.requires_filing(Yen::new(limit + 1)),
                "{rule:?} above it"
            );
        }
    }

    #[test]
    fn above_twenty_million_every_slip_is_filed() {
        for reason in [None, Some(ExclusionReason::HighSalary)] {
            let rule = SubmissionRule::for_slip(&slip(false, 0), false, reason).unwrap();
            assert_eq!(rule, SubmissionRule::HighSalary);
            assert!(rule.requires_filing(Yen::ZERO));
        }
    }

    #[test]
    fn no_rule_for_a_non_resident_or_an_unknown_reason() {
        for reason in [ExclusionReason::NonResident, ExclusionReason::Other] {
            assert_eq!(
                SubmissionRule::for_slip(&slip(false, 9_000_000), false, Some(reason)),
                None
            );
        }
    }
}
