//! A device's reputation: parts per million, rising with valid reports, falling with invalid
//! ones, and, above the start value, decaying back toward it while idle. Integer-only.
//!
//! ```text
//! valid:    r' = r + (10^6 - r) * gain / 10^6                          (rounded down)
//! invalid:  r' = r - r * loss / 10^6                                   (rounded down)
//! idle n epochs, r > start: r' = start + (r - start) * (10^6 - decay)^n / 10^6n  (rounded up)
//! idle, r <= start: unchanged
//! ```
//! Idling never repairs a low reputation: a device penalised for invalid reports climbs back
//! only by doing valid work, so going quiet cannot launder a record. A high reputation must
//! keep being earned. Decay is applied lazily when the record is next touched, in closed form
//! (fixed-point power by squaring), so a device idle for a million epochs costs the same as
//! one idle for one.
use crate::{params::PowParams, types::DeviceWork};
use terrane_primitives::Epoch;

const PPM: u64 = 1_000_000;

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
    decay_excusing(work, params, epoch, 0);
}

/// [`decay_to`], except that `excused` of the elapsed epochs do not count: the device rested
/// in a declared maintenance window and its standing is frozen there.
pub fn decay_excusing(work: &mut DeviceWork, params: &PowParams, epoch: Epoch, excused: u64) {
    let Some(elapsed) = epoch.checked_since(work.reputation_epoch) else {
        return;
    };
    let elapsed = elapsed.saturating_sub(excused);
    let start = u64::from(params.reputation_start_ppm);
    let r = u64::from(work.reputation_ppm);
    if r > start {
        let keep = retained_ppm(
            PPM - u64::from(params.reputation_decay_ppm).min(PPM),
            elapsed,
        );
        // Rounded up so a tiny excess is not wiped out early by rounding.
        let excess = (u128::from(r - start) * u128::from(keep)).div_ceil(u128::from(PPM));
        let excess = u64::try_from(excess).expect("at most the excess");
        work.reputation_ppm = u32::try_from((start + excess).min(PPM)).expect("at most 10^6");
    }
    work.reputation_epoch = epoch;
}

/// `factor^n / PPM^(n-1)` in ppm: the share of an excess kept after `n` idle epochs that each
/// keep `factor` ppm. Each product is rounded up, so the result never undershoots by more than
/// the number of multiplications (a few ppm), and it is exactly `PPM` when `factor` is.
fn retained_ppm(factor: u64, mut n: u64) -> u64 {
    let mul = |a: u64, b: u64| -> u64 {
        u64::try_from((u128::from(a) * u128::from(b)).div_ceil(u128::from(PPM)))
            .expect("at most 10^6")
    };
    let mut base = factor;
    let mut acc = PPM;
    while n > 0 {
        if n & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        n >>= 1;
        if acc == 0 || (base == PPM && acc == PPM) {
            break;
        }
    }
    acc
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
    fn idle_reputation_decays_down_toward_start_but_a_low_one_never_recovers_by_idling() {
        let p = PowParams::default();
        let mut hi = fresh(&p, Epoch::ZERO);
        hi.reputation_ppm = 1_000_000;
        decay_to(&mut hi, &p, Epoch::new(10));
        assert!(hi.reputation_ppm < 1_000_000 && hi.reputation_ppm > p.reputation_start_ppm);
        decay_to(&mut hi, &p, Epoch::new(10_000));
        assert_eq!(
            hi.reputation_ppm,
            p.reputation_start_ppm + 1,
            "rounded up, never below start"
        );
        let mut lo = fresh(&p, Epoch::ZERO);
        lo.reputation_ppm = 10_000;
        decay_to(&mut lo, &p, Epoch::new(1_000_000));
        assert_eq!(lo.reputation_ppm, 10_000);
    }

    #[test]
    fn no_decay_means_an_idle_reputation_is_kept_forever() {
        let p = PowParams {
            reputation_decay_ppm: 0,
            ..PowParams::default()
        };
        let mut w = fresh(&p, Epoch::ZERO);
        w.reputation_ppm = 900_000;
        decay_to(&mut w, &p, Epoch::new(u64::MAX));
        assert_eq!(w.reputation_ppm, 900_000);
    }

    #[test]
    fn closed_form_decay_matches_stepping_one_epoch_at_a_time_within_a_few_ppm() {
        let p = PowParams::default();
        for n in [1u64, 2, 3, 7, 20, 64] {
            let mut stepped = fresh(&p, Epoch::ZERO);
            stepped.reputation_ppm = 950_000;
            let mut jumped = stepped;
            for e in 1..=n {
                decay_to(&mut stepped, &p, Epoch::new(e));
            }
            decay_to(&mut jumped, &p, Epoch::new(n));
            let gap = stepped.reputation_ppm.abs_diff(jumped.reputation_ppm);
            assert!(
                gap <= 8,
                "n={n}: stepped {} jumped {}",
                stepped.reputation_ppm,
                jumped.reputation_ppm
            );
        }
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
