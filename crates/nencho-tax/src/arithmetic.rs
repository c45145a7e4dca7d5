//! Integer helpers that [`Yen`] does not provide: multiplying by a fraction with an explicit
//! rounding direction. They compute in `i128`, so no input can overflow, and saturate at the
//! `i64` range when converting back.

use nencho_kernel::Yen;

/// `amount × numerator / denominator`, rounded down (切捨て). `denominator` must be positive.
pub(crate) fn scale_floor(amount: Yen, numerator: i64, denominator: i64) -> Yen {
    let product = i128::from(amount.amount()) * i128::from(numerator);
    saturate(product.div_euclid(i128::from(denominator.max(1))))
}

/// `amount × numerator / denominator`, rounded up (切上げ). `denominator` must be positive.
pub(crate) fn scale_ceil(amount: Yen, numerator: i64, denominator: i64) -> Yen {
    let product = i128::from(amount.amount()) * i128::from(numerator);
    let denominator = i128::from(denominator.max(1));
    saturate((product + denominator - 1).div_euclid(denominator))
}

/// `left − right` without overflow.
pub(crate) fn saturating_sub(left: Yen, right: Yen) -> Yen {
    Yen::new(left.amount().saturating_sub(right.amount()))
}

fn saturate(value: i128) -> Yen {
    Yen::new(i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_in_the_stated_direction() {
        assert_eq!(
            scale_floor(Yen::new(7_333_333), 90, 100),
            Yen::new(6_599_999)
        );
        assert_eq!(scale_ceil(Yen::new(20_001), 1, 2), Yen::new(10_001));
        assert_eq!(scale_ceil(Yen::new(20_000), 1, 2), Yen::new(10_000));
        assert_eq!(
            scale_floor(Yen::new(i64::MAX), 1_021, 1_000),
            Yen::new(i64::MAX)
        );
    }
}
