//! Who got an epoch's rewards: the share of each behaviour, and of cheaters against honest
//! devices.
//!
//! ```text
//! epoch 3: honest 100.00 % (787.402 TRN), cheaters 0.00 % (spoofer 0, ring 0, replayer 0, inflator 0, skewer 0, wormhole 0)
//! ```
//! Amounts are summed exactly in base units; only the percentages are floats.

use crate::behavior::Behavior;
use core::fmt;
use terrane_primitives::{Amount, DeviceId, Epoch, TOKEN_DECIMALS, TOKEN_SYMBOL};

/// One epoch's rewards, by behaviour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochShares {
    /// The epoch.
    pub epoch: Epoch,
    /// Base units paid to each behaviour, indexed by [`Behavior::index`].
    pub by_behavior: [u64; Behavior::ALL.len()],
    /// Base units paid to devices the fleet does not know.
    pub unknown: u64,
}

impl EpochShares {
    /// Sums `rewards` by the behaviour `behavior_of` gives each device.
    ///
    /// # Panics
    /// If the amounts overflow `u64` (more than the whole supply).
    pub fn new(
        epoch: Epoch,
        rewards: &[(DeviceId, Amount)],
        behavior_of: impl Fn(&DeviceId) -> Option<Behavior>,
    ) -> Self {
        let mut by_behavior = [0u64; Behavior::ALL.len()];
        let mut unknown = 0u64;
        for (device, amount) in rewards {
            let slot = match behavior_of(device) {
                Some(b) => &mut by_behavior[b.index()],
                None => &mut unknown,
            };
            *slot = slot
                .checked_add(amount.get())
                .expect("rewards fit the supply");
        }
        Self {
            epoch,
            by_behavior,
            unknown,
        }
    }

    /// Everything paid, base units.
    pub fn total(&self) -> u64 {
        self.by_behavior.iter().sum::<u64>() + self.unknown
    }

    /// Paid to `behavior`, base units.
    pub fn amount(&self, behavior: Behavior) -> u64 {
        self.by_behavior[behavior.index()]
    }

    /// Paid to cheaters of every kind, base units.
    pub fn cheaters(&self) -> u64 {
        Behavior::CHEATERS.iter().map(|b| self.amount(*b)).sum()
    }

    /// `behavior`'s share of the total, 0..=1 (0 when nothing was paid).
    pub fn share(&self, behavior: Behavior) -> f64 {
        ratio(self.amount(behavior), self.total())
    }

    /// The cheaters' share of the total, 0..=1.
    pub fn cheater_share(&self) -> f64 {
        ratio(self.cheaters(), self.total())
    }
}

fn ratio(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    // Amounts below 2^53 base units are exact, and a ratio needs no more.
    #[allow(clippy::cast_precision_loss)]
    let r = part as f64 / total as f64;
    r
}

/// Base units as tokens, trailing zeros of the fraction dropped (`1234.5`, `0`).
pub fn tokens(base_units: u64) -> String {
    let scale = 10u64.pow(TOKEN_DECIMALS);
    let whole = base_units / scale;
    let frac = base_units % scale;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:0width$}", width = TOKEN_DECIMALS as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

impl fmt::Display for EpochShares {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "epoch {}: honest {:.2} % ({} {TOKEN_SYMBOL}), cheaters {:.2} % (",
            self.epoch.get(),
            100.0 * self.share(Behavior::Honest),
            tokens(self.amount(Behavior::Honest)),
            100.0 * self.cheater_share(),
        )?;
        for (i, b) in Behavior::CHEATERS.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", b.name(), tokens(self.amount(*b)))?;
        }
        f.write_str(")")?;
        if self.unknown > 0 {
            write!(
                f,
                ", unknown devices {} {TOKEN_SYMBOL}",
                tokens(self.unknown)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_by_behavior_and_display_as_documented() {
        let (h, s, x) = (
            DeviceId::new([1; 32]),
            DeviceId::new([2; 32]),
            DeviceId::new([3; 32]),
        );
        let rewards = [
            (h, Amount::new(1_234_500_000)),
            (s, Amount::new(0)),
            (h, Amount::new(0)),
        ];
        let shares = EpochShares::new(Epoch::new(3), &rewards, |d| match d {
            d if *d == h => Some(Behavior::Honest),
            d if *d == s => Some(Behavior::Spoofer),
            _ => None,
        });
        assert_eq!(shares.total(), 1_234_500_000);
        assert_eq!(shares.cheaters(), 0);
        assert_eq!(
            shares.to_string(),
            "epoch 3: honest 100.00 % (1234.5 TRN), cheaters 0.00 % \
             (spoofer 0, ring 0, replayer 0, inflator 0, skewer 0, wormhole 0)"
        );
        let mixed = EpochShares::new(
            Epoch::new(4),
            &[(h, Amount::new(3)), (x, Amount::new(1))],
            |d| (*d == h).then_some(Behavior::Ring),
        );
        assert!((mixed.cheater_share() - 0.75).abs() < 1e-12);
        assert!(mixed.to_string().ends_with("unknown devices 0.000001 TRN"));
    }
}
