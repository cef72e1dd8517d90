//! A device's reputation: parts per million, rising with valid reports, falling with invalid
//! ones, decaying toward the start value when idle. Integer-only; every division rounds down.
//!
//! ```text
//! valid:    r' = r + (10^6 - r) * gain / 10^6
//! invalid:  r' = r - r * loss / 10^6
//! per idle epoch: r' = r + (start - r) * decay / 10^6     (toward start from either side)
//! ```
//! Decay is applied lazily when the record is next touched, one step per elapsed epoch, at
//! most 64 steps (after which the value is within 4% of `start` for any decay ≥ 5%, and is
//! set to `start`).

use crate::{params::PowParams, types::DeviceWork};
use terrane_primitives::Epoch;

const PPM: u64 = 1_000_000;
const MAX_DECAY_STEPS: u64 = 64;

/// A fresh record for a device first seen in `epoch`.
pub fn fresh(params: &PowParams, epoch: Epoch) -> DeviceWork {
    DeviceWork {
        reputation_ppm: params.reputation_start_ppm,
        reputation_epoch: epoch,
        valid_reports: 0,
        invalid_reports: 0,
        outcomes: 0,
    }
}

/// Brings `work`'s reputation up to `epoch` by applying the decay of the elapsed epochs.
pub fn decay_to(work: &mut DeviceWork, params: &PowParams, epoch: Epoch) {
    let Some(elapsed) = epoch.checked_since(work.reputation_epoch) else {
        return;
    };
    let start = u64::from(params.reputation_start_ppm);
    let mut r = u64::from(work.reputation_ppm);
    if elapsed > MAX_DECAY_STEPS {
        r = start;
    } else {
        for _ in 0..elapsed {
            // Round toward start so repeated steps converge instead of stalling a unit away.
            if r > start {
                r -= ((r - start) * u64::from(params.reputation_decay_ppm)).div_ceil(PPM);
            } else {
                r += ((start - r) * u64::from(params.reputation_decay_ppm)).div_ceil(PPM);
            }
        }
    }
    work.reputation_ppm = u32::try_from(r.min(PPM)).expect("at most 10^6");
    work.reputation_epoch = epoch;
}

/// Applies one verdict: valid raises, invalid lowers.
pub fn apply(work: &mut DeviceWork, params: &PowParams, valid: bool) {
    let r = u64::from(work.reputation_ppm);
    let next = if valid {
        work.valid_reports = work.valid_reports.saturating_add(1);
        r + (PPM - r.min(PPM)) * u64::from(params.reputation_gain_ppm) / PPM
    } else {
        work.invalid_reports = work.invalid_reports.saturating_add(1);
        r - r * u64::from(params.reputation_loss_ppm) / PPM
    };
    work.reputation_ppm = u32::try_from(next.min(PPM)).expect("at most 10^6");
}

/// Vetting: a new device earns a share ramping from 0 to full over its first
/// `vetting_valid_reports` valid reports (ppm).
pub fn vetting_ppm(work: &DeviceWork, vetting_valid_reports: u32) -> u32 {
    if vetting_valid_reports == 0 {
        return 1_000_000;
    }
    let v = work.valid_reports.min(u64::from(vetting_valid_reports));
    u32::try_from(v * PPM / u64::from(vetting_valid_reports)).expect("at most 10^6")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_reports_raise_and_invalid_reports_lower_reputation() {
        let p = PowParams::default();
        let mut w = fresh(&p, Epoch::ZERO);
        apply(&mut w, &p, true);
        assert!(w.reputation_ppm > p.reputation_start_ppm);
        let high = w.reputation_ppm;
        apply(&mut w, &p, false);
        assert!(w.reputation_ppm < high);
        assert_eq!((w.valid_reports, w.invalid_reports), (1, 1));
    }

    #[test]
    fn idle_reputation_decays_toward_start_from_both_sides() {
        let p = PowParams::default();
        let mut hi = fresh(&p, Epoch::ZERO);
        hi.reputation_ppm = 1_000_000;
        decay_to(&mut hi, &p, Epoch::new(10));
        assert!(hi.reputation_ppm < 1_000_000 && hi.reputation_ppm > p.reputation_start_ppm);
        let mut lo = fresh(&p, Epoch::ZERO);
        lo.reputation_ppm = 0;
        decay_to(&mut lo, &p, Epoch::new(10));
        assert!(lo.reputation_ppm > 0 && lo.reputation_ppm < p.reputation_start_ppm);
        decay_to(&mut lo, &p, Epoch::new(1_000));
        assert_eq!(lo.reputation_ppm, p.reputation_start_ppm);
    }

    #[test]
    fn vetting_ramps_to_full_over_the_first_valid_reports() {
        let p = PowParams::default();
        let mut w = fresh(&p, Epoch::ZERO);
        assert_eq!(vetting_ppm(&w, 4), 0);
        w.valid_reports = 2;
        assert_eq!(vetting_ppm(&w, 4), 500_000);
        w.valid_reports = 9;
        assert_eq!(vetting_ppm(&w, 4), 1_000_000);
    }

    proptest! {
        #[test]
        fn reputation_stays_within_bounds(verdicts in proptest::collection::vec(any::<bool>(), 0..200), idle in 0u64..100) {
            let p = PowParams::default();
            let mut w = fresh(&p, Epoch::ZERO);
            for v in verdicts {
                apply(&mut w, &p, v);
                prop_assert!(w.reputation_ppm <= 1_000_000);
            }
            decay_to(&mut w, &p, Epoch::new(idle));
            prop_assert!(w.reputation_ppm <= 1_000_000);
        }
    }
}
