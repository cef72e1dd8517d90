//! One named test per rule of a declaration (notice, horizon, overlap, quotas), the
//! excused-epoch count, and the list's bound as a property.

use crate::{
    genesis,
    handler::{self, At},
    outcome::MaintenanceRejection as R,
    params::MaintenanceParams,
    types::MAX_WINDOWS_DECODE,
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_primitives::{DeviceId, Epoch, Height};
use terrane_state::{MemStore, Overlay};

/// Blocks per epoch in these tests.
const LEN: u64 = 10;

fn device() -> DeviceId {
    DeviceId::new([7; 32])
}

/// Notice 15 blocks, a period of 100 epochs, 10 epochs in at most 3 windows per period.
fn params() -> MaintenanceParams {
    MaintenanceParams {
        notice_blocks: 15,
        period_epochs: 100,
        epochs_per_period: 10,
        windows_per_period: 3,
    }
}

fn setup(p: &MaintenanceParams) -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    genesis::apply(&mut o, p);
    o
}

/// At the first block of `epoch`.
fn at(epoch: u64) -> At {
    At {
        height: Height::new(epoch * LEN),
        epoch: Epoch::new(epoch),
        epoch_length_blocks: LEN,
    }
}

fn declare(o: &mut Overlay<MemStore>, now: At, start: u64, epochs: u32) -> Result<(), R> {
    block_on(handler::declare(
        o,
        now,
        &device(),
        Epoch::new(start),
        epochs,
    ))
    .unwrap()
    .map(|_| ())
}

#[test]
fn a_window_needs_notice_blocks_of_warning_and_at_least_one_epoch() {
    let mut o = setup(&params());
    // Epoch 1 starts at block 10, 10 blocks after block 0: less than the 15 of notice.
    assert_eq!(declare(&mut o, at(0), 1, 2), Err(R::TooSoon));
    assert_eq!(declare(&mut o, at(0), 2, 0), Err(R::Empty));
    assert_eq!(declare(&mut o, at(0), 2, 2), Ok(()));
    // Nothing refused was stored.
    let w = block_on(handler::windows(&o, &device())).unwrap().0;
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].start, w[0].epochs), (Epoch::new(2), 2));
}

#[test]
fn a_window_starts_at_most_one_period_ahead() {
    let mut o = setup(&params());
    assert_eq!(declare(&mut o, at(5), 106, 1), Err(R::TooFarAhead));
    assert_eq!(declare(&mut o, at(5), 105, 1), Ok(()));
    assert_eq!(
        declare(&mut o, at(5), u64::MAX / 2, 1),
        Err(R::TooFarAhead),
        "a start whose first block overflows is too far ahead, not a panic"
    );
}

#[test]
fn windows_never_overlap() {
    let mut o = setup(&params());
    declare(&mut o, at(0), 10, 3).unwrap();
    assert_eq!(declare(&mut o, at(0), 12, 2), Err(R::Overlaps));
    assert_eq!(declare(&mut o, at(0), 8, 3), Err(R::Overlaps));
    assert_eq!(declare(&mut o, at(0), 13, 1), Ok(()), "adjacent is fine");
    assert_eq!(declare(&mut o, at(0), 7, 3), Ok(()), "adjacent is fine");
}

#[test]
fn a_period_allows_at_most_its_epochs_and_its_windows() {
    let mut o = setup(&params());
    assert_eq!(declare(&mut o, at(0), 10, 11), Err(R::QuotaExceeded));
    declare(&mut o, at(0), 10, 6).unwrap();
    declare(&mut o, at(0), 40, 1).unwrap();
    assert_eq!(
        declare(&mut o, at(0), 30, 4),
        Err(R::QuotaExceeded),
        "6 + 1 + 4 > 10"
    );
    // Across the boundary: epochs 98-99 count in period 0 (9 used), 100-101 in period 1.
    assert_eq!(declare(&mut o, at(0), 98, 4), Ok(()));
    assert_eq!(
        declare(&mut o, at(0), 50, 1),
        Err(R::TooManyWindows),
        "a fourth window starting in period 0"
    );
    assert_eq!(declare(&mut o, at(0), 100 - 10, 1), Err(R::TooManyWindows));
    assert_eq!(
        declare(&mut o, at(20), 110, 8),
        Ok(()),
        "2 + 8 = 10 in period 1"
    );
    assert_eq!(declare(&mut o, at(20), 120, 1), Err(R::QuotaExceeded));
}

#[test]
fn excused_counts_the_epochs_of_a_range_inside_windows() {
    let mut o = setup(&params());
    declare(&mut o, at(0), 10, 3).unwrap(); // 10, 11, 12
    declare(&mut o, at(0), 20, 2).unwrap(); // 20, 21
    let ex = |from, to| {
        block_on(handler::excused(
            &o,
            &device(),
            Epoch::new(from),
            Epoch::new(to),
        ))
        .unwrap()
    };
    assert_eq!(ex(0, 10), 0);
    assert_eq!(ex(0, 30), 5);
    assert_eq!(ex(11, 21), 3);
    assert_eq!(ex(12, 12), 0);
    assert_eq!(ex(21, 11), 0, "an empty range");
    let inside = |e| block_on(handler::in_maintenance(&o, &device(), Epoch::new(e))).unwrap();
    assert!(inside(10) && inside(12) && inside(21));
    assert!(!inside(9) && !inside(13) && !inside(22));
}

#[test]
fn windows_of_periods_before_the_previous_one_are_dropped() {
    let mut o = setup(&params());
    declare(&mut o, at(0), 10, 1).unwrap();
    declare(&mut o, at(0), 50, 1).unwrap();
    // At epoch 250 (period 2) the previous period is 1: period 0's windows go.
    declare(&mut o, at(250), 260, 1).unwrap();
    let w = block_on(handler::windows(&o, &device())).unwrap().0;
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].start, Epoch::new(260));
}

#[test]
fn parameters_refuse_zero_notice_and_a_quota_longer_than_the_period() {
    let mut p = params();
    assert_eq!(p.validate(), Ok(()));
    p.notice_blocks = 0;
    assert!(p.validate().is_err());
    let mut p = params();
    p.epochs_per_period = 101;
    assert!(p.validate().is_err());
    let p = params();
    assert!(p.validate_with_evidence_age(100).is_err());
    assert!(p.validate_with_evidence_age(99).is_ok());
}

proptest! {
    /// Whatever is declared when, the stored list stays ordered, disjoint, within every
    /// period's quota and inside the decode bound.
    #[test]
    fn the_window_list_stays_ordered_disjoint_within_quota_and_bounded(
        steps in proptest::collection::vec((0u64..40, 0u64..120, 0u32..6), 1..120)
    ) {
        let p = params();
        let mut o = setup(&p);
        let mut now = 0u64;
        for (advance, ahead, epochs) in steps {
            now += advance;
            let _ = declare(&mut o, at(now), now + ahead, epochs);
            let w = block_on(handler::windows(&o, &device())).unwrap().0;
            prop_assert!(w.len() <= MAX_WINDOWS_DECODE);
            for pair in w.windows(2) {
                prop_assert!(pair[0].end() <= pair[1].start.get());
            }
            for k in 0..=(now / p.period_epochs + 2) {
                let (lo, hi) = (k * p.period_epochs, (k + 1) * p.period_epochs);
                let used: u64 = w.iter().map(|x| x.overlap(lo, hi)).sum();
                prop_assert!(used <= u64::from(p.epochs_per_period));
                let started = w.iter().filter(|x| x.start.get() / p.period_epochs == k).count();
                prop_assert!(started <= p.windows_per_period as usize);
            }
        }
    }
}
