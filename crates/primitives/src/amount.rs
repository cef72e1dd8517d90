//! Token amounts in integer base units.

use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{Error, FixedSize, Read, ReadExt, Write};
use core::fmt;

/// Ticker shown by wallets and the explorer.
pub const TOKEN_SYMBOL: &str = "TRN";
/// One token is `10^TOKEN_DECIMALS` base units.
pub const TOKEN_DECIMALS: u32 = 6;

/// An amount of the token in base units (1 TRN = 1_000_000 base units).
///
/// `u64` holds 18.4 trillion TRN, far above any supply a genesis may set; reward math that
/// multiplies amounts widens to `u128` first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(u64);

impl Amount {
    /// Zero base units.
    pub const ZERO: Self = Self(0);

    /// An amount of `base_units`.
    pub const fn new(base_units: u64) -> Self {
        Self(base_units)
    }

    /// Whole tokens, for genesis files and tests. `None` on overflow.
    pub const fn from_tokens(tokens: u64) -> Option<Self> {
        match tokens.checked_mul(10u64.pow(TOKEN_DECIMALS)) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }

    /// The amount in base units.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self + rhs`, or `None` on overflow.
    pub const fn checked_add(self, rhs: Self) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }

    /// `self - rhs`, or `None` if `rhs > self`.
    pub const fn checked_sub(self, rhs: Self) -> Option<Self> {
        match self.0.checked_sub(rhs.0) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }

    /// `self + rhs`, clamped at the maximum.
    pub const fn saturating_add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }

    /// `self - rhs`, clamped at zero.
    pub const fn saturating_sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses `"12.5"` (tokens, up to six decimals) or `"12500000u"` (base units).
    pub fn parse_tokens(text: &str) -> Option<Self> {
        if let Some(units) = text.strip_suffix('u') {
            return units.parse().ok().map(Self);
        }
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        if frac.len() > TOKEN_DECIMALS as usize || whole.is_empty() && frac.is_empty() {
            return None;
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let mut frac_units: u64 = 0;
        for (i, c) in frac.chars().enumerate() {
            let digit = u64::from(c.to_digit(10)?);
            frac_units = frac_units.checked_add(
                digit.checked_mul(10u64.pow(TOKEN_DECIMALS - 1 - u32::try_from(i).ok()?))?,
            )?;
        }
        Self::from_tokens(whole)?.checked_add(Self(frac_units))
    }
}

impl fmt::Display for Amount {
    /// Formats as tokens with six decimals and the symbol, e.g. `12.500000 TRN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10u64.pow(TOKEN_DECIMALS);
        write!(f, "{}.{:06} {TOKEN_SYMBOL}", self.0 / scale, self.0 % scale)
    }
}

impl Write for Amount {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for Amount {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self(u64::read(buf)?))
    }
}

impl FixedSize for Amount {
    const SIZE: usize = u64::SIZE;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tokens_and_base_units() {
        assert_eq!(Amount::parse_tokens("1"), Some(Amount::new(1_000_000)));
        assert_eq!(Amount::parse_tokens("0.5"), Some(Amount::new(500_000)));
        assert_eq!(
            Amount::parse_tokens("2.000001"),
            Some(Amount::new(2_000_001))
        );
        assert_eq!(Amount::parse_tokens("42u"), Some(Amount::new(42)));
        assert_eq!(Amount::parse_tokens("1.0000001"), None);
        assert_eq!(Amount::parse_tokens("x"), None);
        assert_eq!(Amount::parse_tokens("."), None);
    }

    #[test]
    fn displays_six_decimals_with_symbol() {
        assert_eq!(Amount::new(12_500_000).to_string(), "12.500000 TRN");
    }

    #[test]
    fn checked_math_reports_overflow_instead_of_wrapping() {
        assert_eq!(Amount::new(u64::MAX).checked_add(Amount::new(1)), None);
        assert_eq!(Amount::new(1).checked_sub(Amount::new(2)), None);
        assert_eq!(Amount::new(1).saturating_sub(Amount::new(2)), Amount::ZERO);
    }
}
