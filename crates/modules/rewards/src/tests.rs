//! Tests of the reward math: examples for each rule, properties for conservation and fairness.

use crate::split::wide::{U256, mul_div};
use crate::*;
use proptest::prelude::*;
use std::cmp::Ordering;
use terrane_primitives::merkle;
use terrane_primitives::{ClassId, DeviceId, Epoch, Hash32};

fn device(n: u64) -> DeviceId {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    DeviceId::new(bytes)
}

fn item(n: u64, units: u64, cell: u64) -> WorkItem {
    WorkItem {
        device: device(n),
        units,
        density_cell: cell,
        reputation_ppm: PPM,
        vetting_ppm: PPM,
        eligible: true,
        backing: 0,
    }
}

fn no_caps(target: u32) -> SplitParams {
    SplitParams {
        target_devices_per_cell: target,
        cell_cap: 0,
        device_cap: 0,
        backed_bps: 0,
    }
}

fn amounts(split: &Split) -> Vec<u64> {
    split.lines.iter().map(|(_, b)| b.amount).collect()
}

// ── emission.rs ──────────────────────────────────────────────────────────────────────────────

/// Parameters with one pool per weight (class ids 0, 1, …), the first capped per epoch by
/// `coverage_cap` (0 = no cap).
fn with_pools(weights: &[u16], coverage_cap: u64) -> EmissionParams {
    EmissionParams {
        classes: weights
            .iter()
            .enumerate()
            .map(|(i, w)| ClassPool {
                class: ClassId::new(u8::try_from(i).unwrap()),
                weight_bps: *w,
                cap_per_epoch: if i == 0 { coverage_cap } else { 0 },
                cap_per_cell: 0,
                backed_bps: 0,
            })
            .collect(),
        ..EmissionParams::default()
    }
}

/// The pools' amounts, in class order.
fn pool_amounts(pools: &ClassPools) -> Vec<u64> {
    pools.pools.iter().map(|(_, p)| *p).collect()
}

#[test]
fn emission_halves_at_each_multiple_of_halving_epochs() {
    let params = EmissionParams {
        initial_per_epoch: 1_000_000,
        halving_epochs: 10,
        ..EmissionParams::default()
    };
    assert_eq!(emission_for(Epoch::new(0), &params), 1_000_000);
    assert_eq!(emission_for(Epoch::new(9), &params), 1_000_000);
    assert_eq!(emission_for(Epoch::new(10), &params), 500_000);
    assert_eq!(emission_for(Epoch::new(19), &params), 500_000);
    assert_eq!(emission_for(Epoch::new(20), &params), 250_000);
    assert_eq!(emission_for(Epoch::new(35), &params), 125_000);
}

#[test]
fn emission_reaches_zero_after_64_halvings_and_never_panics() {
    let params = EmissionParams {
        initial_per_epoch: u64::MAX,
        halving_epochs: 1,
        ..EmissionParams::default()
    };
    assert_eq!(emission_for(Epoch::new(63), &params), 1);
    assert_eq!(emission_for(Epoch::new(64), &params), 0);
    assert_eq!(emission_for(Epoch::new(u64::MAX), &params), 0);
    let never = EmissionParams {
        halving_epochs: 0,
        ..params
    };
    assert_eq!(emission_for(Epoch::new(u64::MAX), &never), u64::MAX);
}

#[test]
fn class_pools_plus_remainder_equal_emission() {
    let params = with_pools(&[1_000, 3_000, 2_500, 2_000, 1_499], 0);
    let pools = class_pools(1_000_003, &params);
    assert_eq!(
        pool_amounts(&pools),
        [100_000, 300_000, 250_000, 200_000, 149_900]
    );
    assert_eq!(pools.not_issued, 0);
    // 0.3 + 0.9 + 0.75 + 0.6 + 0.4497 rounded away, plus the unassigned 1 bps (100.0003).
    assert_eq!(pools.remainder, 1_000_003 - 999_900);
    assert_eq!(
        pool_amounts(&pools).iter().sum::<u64>() + pools.remainder,
        1_000_003
    );
}

#[test]
fn coverage_pool_is_capped_and_the_excess_is_not_issued() {
    let params = with_pools(&[2_000, 2_000, 2_000, 2_000, 2_000], 150);
    let pools = class_pools(1_000, &params);
    assert_eq!(pool_amounts(&pools), [150, 200, 200, 200, 200]);
    assert_eq!(pools.not_issued, 50);
    assert_eq!(pools.remainder, 0);
    assert_eq!(pools.total(), 1_000);
}

#[test]
fn default_params_are_valid_and_bad_ones_are_named() {
    EmissionParams::default().validate().unwrap();
    let heavy = with_pools(&[5_000, 5_000, 1, 0, 0], 0);
    assert!(heavy.validate().unwrap_err().contains("weight_bps"));
    let mut unordered = EmissionParams::default();
    unordered.classes.swap(0, 1);
    assert!(unordered.validate().unwrap_err().contains("ascending"));
    let mut twice = EmissionParams::default();
    twice.classes[1].class = twice.classes[0].class;
    assert!(twice.validate().unwrap_err().contains("each id once"));
    let many = EmissionParams {
        classes: (0..=32)
            .map(|c| ClassPool {
                class: ClassId::new(c),
                weight_bps: 0,
                cap_per_epoch: 0,
                cap_per_cell: 0,
                backed_bps: 0,
            })
            .collect(),
        ..EmissionParams::default()
    };
    assert!(many.validate().unwrap_err().contains("at most 32"));
    let never = EmissionParams {
        halving_epochs: 0,
        ..EmissionParams::default()
    };
    assert!(never.validate().unwrap_err().contains("halving_epochs"));
    let greedy = EmissionParams {
        validator_share_bps: crate::params::MAX_VALIDATOR_SHARE_BPS + 1,
        ..EmissionParams::default()
    };
    assert!(
        greedy
            .validate()
            .unwrap_err()
            .contains("validator_share_bps")
    );
}

#[test]
fn weights_above_one_hundred_percent_still_conserve_the_emission() {
    let params = with_pools(&[u16::MAX; 5], 0);
    let pools = class_pools(u64::MAX, &params);
    assert_eq!(pools.total(), u128::from(u64::MAX));
    assert_eq!(pool_amounts(&pools)[0], u64::MAX);
}

#[test]
fn each_pool_gets_its_own_cell_cap_and_every_pool_the_device_cap() {
    let params = EmissionParams::default();
    assert_eq!(
        params.split_params(ClassId::new(0)).cell_cap,
        params.classes[0].cap_per_cell
    );
    assert!(
        params.classes[0].cap_per_cell > 0,
        "coverage is capped per cell"
    );
    assert_eq!(params.split_params(ClassId::new(1)).cell_cap, 0);
    assert_eq!(params.split_params(ClassId::new(9)).cell_cap, 0, "no pool");
    assert_eq!(
        params.split_params(ClassId::new(4)).device_cap,
        params.device_cap_per_epoch
    );
}

// ── split.rs ─────────────────────────────────────────────────────────────────────────────────

#[test]
fn packing_twice_the_target_into_one_cell_halves_each_share() {
    // Cell 1 holds 2 devices (target 2), cell 2 holds 4: scale 1/2 there.
    let items: Vec<WorkItem> = (0..6)
        .map(|i| item(i, 100, if i < 2 { 1 } else { 2 }))
        .collect();
    let out = split(6_000, &items, &no_caps(2));
    let lines: Vec<&Breakdown> = out.lines.iter().map(|(_, b)| b).collect();
    assert_eq!(lines[0].cell_devices, 2);
    assert_eq!(lines[0].cell_scale_ppm, PPM);
    assert_eq!(lines[2].cell_devices, 4);
    assert_eq!(lines[2].cell_scale_ppm, PPM / 2);
    // Scaled: 100, 100, 50, 50, 50, 50 of 400: each packed device earns half a lone one.
    assert_eq!(amounts(&out), vec![1_500, 1_500, 750, 750, 750, 750]);
    assert_eq!(out.distributed, 6_000);
    // The crowded cell together earns what two devices at the target earn, no more.
    assert_eq!(lines[2..].iter().map(|b| b.amount).sum::<u64>(), 3_000);
}

#[test]
fn ineligible_devices_get_nothing_and_do_not_dilute_their_cell() {
    let mut items: Vec<WorkItem> = (0..4).map(|i| item(i, 100, 7)).collect();
    items[2].eligible = false;
    items[3].units = 0;
    let out = split(1_000, &items, &no_caps(1));
    let lines: Vec<&Breakdown> = out.lines.iter().map(|(_, b)| b).collect();
    for b in &lines {
        assert_eq!(b.cell_devices, 2, "only eligible devices with work count");
        assert_eq!(b.cell_scale_ppm, PPM / 2);
    }
    assert_eq!(lines[2].scaled_units, 0);
    assert_eq!(amounts(&out), vec![500, 500, 0, 0]);
    assert!(!lines[2].eligible);
}

#[test]
fn reputation_and_vetting_scale_shares_and_are_clamped_at_one_million() {
    let mut items: Vec<WorkItem> = (0..3).map(|i| item(i, 1_000, i)).collect();
    items[0].reputation_ppm = u32::MAX;
    items[1].reputation_ppm = 500_000;
    items[2].vetting_ppm = 250_000;
    let out = split(1_750, &items, &no_caps(10));
    assert_eq!(out.lines[0].1.reputation_ppm, PPM);
    let scaled: Vec<u128> = out.lines.iter().map(|(_, b)| b.scaled_units).collect();
    let atto = 1_000_000_000_000_000_000u128;
    assert_eq!(scaled, vec![1_000 * atto, 500 * atto, 250 * atto]);
    assert_eq!(amounts(&out), vec![1_000, 500, 250]);
}

#[test]
fn device_cap_lowers_a_share_and_the_excess_is_not_issued() {
    let items = vec![item(0, 300, 1), item(1, 100, 2)];
    let params = SplitParams {
        device_cap: 500,
        ..no_caps(10)
    };
    let out = split(1_000, &items, &params);
    assert_eq!(amounts(&out), vec![500, 250]);
    assert_eq!(out.lines[0].1.uncapped, 750);
    assert_eq!(out.lines[0].1.capped_by, Cap::Device);
    assert_eq!(out.lines[1].1.capped_by, Cap::None);
    assert_eq!((out.distributed, out.dust, out.not_issued), (750, 0, 250));
}

#[test]
fn cell_cap_bounds_a_cells_total_and_the_excess_is_not_issued() {
    // Cell 1: 3 devices with 300 + 200 + 100 units; cell 2: 1 device with 400. Pool 1_000.
    let items = vec![
        item(0, 300, 1),
        item(1, 200, 1),
        item(2, 100, 1),
        item(3, 400, 2),
    ];
    let params = SplitParams {
        cell_cap: 401,
        ..no_caps(10)
    };
    let out = split(1_000, &items, &params);
    // Cell 1 earned 600 and is scaled by 401/600: 200.5, 133.67, 66.83, each floored.
    assert_eq!(amounts(&out), vec![200, 133, 66, 400]);
    assert!(out.lines[..3].iter().all(|(_, b)| b.capped_by == Cap::Cell));
    assert_eq!(out.lines[3].1.capped_by, Cap::None);
    assert_eq!((out.distributed, out.dust, out.not_issued), (799, 0, 201));
}

#[test]
fn the_cell_cap_applies_before_the_device_cap() {
    let items = vec![item(0, 900, 1), item(1, 100, 1)];
    let loose = SplitParams {
        target_devices_per_cell: 10,
        cell_cap: 200,
        device_cap: 300,
        backed_bps: 0,
    };
    // 900 and 100 → cell cap 200 shared 9:1 → 180 and 20; the device cap no longer binds.
    let out = split(1_000, &items, &loose);
    assert_eq!(amounts(&out), vec![180, 20]);
    assert_eq!(out.lines[0].1.capped_by, Cap::Cell);
    assert_eq!(out.not_issued, 800);
    let tight = SplitParams {
        device_cap: 100,
        ..loose
    };
    let out = split(1_000, &items, &tight);
    assert_eq!(amounts(&out), vec![100, 20]);
    assert_eq!(out.lines[0].1.capped_by, Cap::Device);
    assert_eq!(out.lines[1].1.capped_by, Cap::Cell);
    assert_eq!(out.not_issued, 880);
}

fn backed(n: u64, units: u64, cell: u64, backing: u64) -> WorkItem {
    WorkItem {
        backing,
        ..item(n, units, cell)
    }
}

fn demand_backed(backed_bps: u16) -> SplitParams {
    SplitParams {
        backed_bps,
        ..no_caps(10)
    }
}

#[test]
fn demand_backing_holds_an_unbacked_device_to_its_free_share_and_gives_the_rest_to_a_backed_one() {
    // Equal work; only device 0's customers back it. 95 % backed: device 1 keeps 5 % of its
    // half (a cap of 25, paid 24 after the factor's floor) and device 0 takes the rest.
    let items = vec![backed(0, 100, 1, 10_000), backed(1, 100, 2, 0)];
    let out = split(1_000, &items, &demand_backed(9_500));
    assert_eq!(amounts(&out), vec![975, 24]);
    assert_eq!(out.lines[0].1.backing_ppm, PPM);
    assert_eq!(out.lines[1].1.demand_cap, 25);
    assert_eq!(out.lines[1].1.backing_ppm, 25_641); // (25 / 100) / (975 / 100) = 1/39
    assert_eq!((out.distributed, out.dust, out.not_issued), (999, 1, 0));
}

#[test]
fn a_partly_backed_device_gets_its_backing_on_top_of_its_free_share() {
    let items = vec![
        backed(0, 100, 1, 10_000),
        backed(1, 100, 2, 100),
        backed(2, 200, 3, 10_000),
    ];
    let out = split(1_000, &items, &demand_backed(9_000));
    // Device 1: free 10 % of its quarter (25) plus 100 of backing = 125 of its 250 share;
    // devices 0 and 2 share the other 875 one to two.
    assert_eq!(out.lines[1].1.demand_cap, 125);
    let a = amounts(&out);
    assert!((124..=125).contains(&a[1]), "{a:?}");
    assert!(
        (291..=292).contains(&a[0]) && (583..=584).contains(&a[2]),
        "{a:?}"
    );
    assert_eq!(out.total(), 1_000);
}

#[test]
fn when_nobody_is_backed_only_the_free_shares_are_issued() {
    let items = vec![backed(0, 300, 1, 0), backed(1, 100, 2, 0)];
    let out = split(1_000, &items, &demand_backed(9_500));
    // Free part 50, shared 3:1 as caps of 37 and 12; the 951 no one backs is not issued.
    assert_eq!(amounts(&out), vec![37, 11]);
    assert_eq!((out.distributed, out.dust, out.not_issued), (48, 1, 951));
    assert_eq!(out.lines[0].1.backing_ppm, PPM);
    assert!(out.lines[1].1.backing_ppm < PPM);
}

#[test]
fn fully_backed_devices_split_exactly_as_without_demand_backing() {
    let items = vec![
        backed(0, 300, 1, u64::MAX),
        backed(1, 200, 1, 600),
        backed(2, 500, 2, 501),
    ];
    let plain = split(1_000, &items, &no_caps(10));
    let out = split(1_000, &items, &demand_backed(9_500));
    assert_eq!(amounts(&out), amounts(&plain));
    assert!(out.lines.iter().all(|(_, b)| b.backing_ppm == PPM));
}

#[test]
fn a_twin_never_gains_from_the_caps() {
    // One cell: a big device and six small ones; both caps bind. Capping devices first and then
    // sharing the cell cap would pay the big device 60 alone and 64 with a twin; here the twin
    // lowers it from 120 to 102.
    let mut items = vec![item(0, 400, 1)];
    items.extend((1..7).map(|i| item(i, 100, 1)));
    let params = SplitParams {
        target_devices_per_cell: 100,
        cell_cap: 360,
        device_cap: 120,
        backed_bps: 0,
    };
    let alone = split(1_000, &items, &params);
    assert_eq!(amounts(&alone), vec![120, 36, 36, 36, 36, 36, 36]);
    items.push(item(99, 400, 1));
    let twinned = split(1_000, &items, &params);
    assert_eq!(amounts(&twinned), vec![102, 25, 25, 25, 25, 25, 25, 102]);
}

#[test]
fn a_twin_cannot_round_small_cellmates_away() {
    // Five devices at a target of 5: 3, 1, 1, 1, 1 units. A twin of the first crowds the cell
    // to scale 5/6. Rounding scaled units to whole units would zero the four small devices
    // (0.83 → 0) and hand the pair the whole pool; exact scaled units keep them at 700 each.
    let mut items = vec![item(0, 3, 1)];
    items.extend((1..5).map(|i| item(i, 1, 1)));
    let alone = split(7_000, &items, &no_caps(5));
    assert_eq!(amounts(&alone), vec![3_000, 1_000, 1_000, 1_000, 1_000]);
    items.push(item(99, 3, 1));
    let twinned = split(7_000, &items, &no_caps(5));
    assert_eq!(amounts(&twinned), vec![2_100, 700, 700, 700, 700, 2_100]);
}

#[test]
fn empty_input_issues_nothing() {
    let out = split(12_345, &[], &no_caps(10));
    assert!(out.lines.is_empty());
    assert_eq!((out.distributed, out.dust, out.not_issued), (0, 0, 12_345));
    assert_eq!(reward_root(Epoch::new(3), &out), Hash32::default());
}

#[test]
fn nobody_with_scaled_work_issues_nothing() {
    let mut items = vec![item(0, 0, 1), item(1, 50, 1), item(2, 50, 2)];
    items[1].eligible = false;
    items[2].vetting_ppm = 0;
    let out = split(999, &items, &no_caps(10));
    assert_eq!(amounts(&out), vec![0, 0, 0]);
    assert_eq!((out.distributed, out.dust, out.not_issued), (0, 0, 999));
}

#[test]
fn rounding_dust_goes_to_the_dust_bucket() {
    let items: Vec<WorkItem> = (0..3).map(|i| item(i, 1, i)).collect();
    let out = split(100, &items, &no_caps(10));
    assert_eq!(amounts(&out), vec![33, 33, 33]);
    assert_eq!((out.distributed, out.dust, out.not_issued), (99, 1, 0));
}

#[test]
fn extreme_values_neither_overflow_nor_lose_units() {
    let items = vec![item(0, u64::MAX, u64::MAX), item(1, u64::MAX, 0)];
    let out = split(u64::MAX, &items, &no_caps(u32::MAX));
    assert_eq!(out.total(), u128::from(u64::MAX));
    assert_eq!(
        out.lines[0].1.scaled_units,
        u128::from(u64::MAX) * 1_000_000_000_000_000_000
    );
    assert_eq!(out.dust, 1);
    let one = split(u64::MAX, &items[..1], &no_caps(0));
    assert_eq!(amounts(&one), vec![u64::MAX]);
}

#[test]
fn a_target_of_zero_turns_density_scaling_off() {
    let items: Vec<WorkItem> = (0..5).map(|i| item(i, 10, 1)).collect();
    let out = split(50, &items, &no_caps(0));
    assert!(out.lines.iter().all(|(_, b)| b.cell_scale_ppm == PPM));
    assert_eq!(out.distributed, 50);
}

#[test]
fn cells_are_matched_by_value_not_by_position() {
    let interleaved = vec![
        item(0, 10, 5),
        item(1, 10, 9),
        item(2, 10, 5),
        item(3, 10, 9),
    ];
    let out = split(40, &interleaved, &no_caps(1));
    assert!(out.lines.iter().all(|(_, b)| b.cell_devices == 2));
    assert_eq!(amounts(&out), vec![10, 10, 10, 10]);
}

// ── leaf.rs ──────────────────────────────────────────────────────────────────────────────────

fn sample_split() -> Split {
    let mut items: Vec<WorkItem> = (0..11).map(|i| item(i, 100 + i * 7, i % 3)).collect();
    items[4].eligible = false;
    split(1_000_000, &items, &no_caps(2))
}

#[test]
fn leaf_layout_is_pinned() {
    let line = Breakdown {
        units: 0x0102,
        cell_devices: 3,
        cell_scale_ppm: 666_666,
        reputation_ppm: 0x0A0B_0C0D,
        vetting_ppm: PPM,
        eligible: true,
        demand_cap: 0x88,
        backing_ppm: 0x0099_0000,
        scaled_units: 0x11 << 64 | 0x22,
        uncapped: 0x33,
        capped_by: Cap::Cell,
        amount: 0x44,
    };
    let usage = crate::economy::UsageLine {
        credits: 0x55,
        face: 0x66,
        paid: 0x77,
    };
    let bytes = leaf_bytes(Epoch::new(0x0506), DeviceId::new([0xAB; 32]), &line, &usage);
    assert_eq!(bytes.len(), LEAF_LEN);
    assert_eq!(&bytes[..8], &[0, 0, 0, 0, 0, 0, 5, 6]);
    assert_eq!(&bytes[8..40], &[0xAB; 32]);
    assert_eq!(&bytes[40..48], &0x0102u64.to_be_bytes());
    assert_eq!(&bytes[48..52], &[0, 0, 0, 3]);
    assert_eq!(&bytes[52..56], &666_666u32.to_be_bytes());
    assert_eq!(&bytes[56..60], &[0x0A, 0x0B, 0x0C, 0x0D]);
    assert_eq!(&bytes[60..64], &PPM.to_be_bytes());
    assert_eq!(bytes[64], 1);
    assert_eq!(&bytes[65..73], &0x88u64.to_be_bytes());
    assert_eq!(&bytes[73..77], &0x0099_0000u32.to_be_bytes());
    assert_eq!(&bytes[77..93], &(0x11u128 << 64 | 0x22).to_be_bytes());
    assert_eq!(&bytes[93..101], &0x33u64.to_be_bytes());
    assert_eq!(bytes[101], 2);
    assert_eq!(&bytes[102..110], &0x44u64.to_be_bytes());
    assert_eq!(&bytes[110..118], &0x55u64.to_be_bytes());
    assert_eq!(&bytes[118..126], &0x66u64.to_be_bytes());
    assert_eq!(&bytes[126..134], &0x77u64.to_be_bytes());
    assert_eq!(
        leaf_hash(Epoch::new(0x0506), DeviceId::new([0xAB; 32]), &line, &usage).to_string(),
        terrane_primitives::sha256(&[&[0u8], &bytes]).to_string()
    );
}

#[test]
fn reward_root_is_pinned() {
    // A change here changes every epoch's published root: make it on purpose.
    assert_eq!(
        reward_root(Epoch::new(7), &sample_split()).to_string(),
        "ec24a7725b30073589d23c68d3bcf44e2bfa2fcdbbb8e523216cc818046f516f"
    );
}

#[test]
fn reward_root_proves_every_rewarded_line_and_rejects_a_tampered_amount() {
    let epoch = Epoch::new(42);
    let out = sample_split();
    let root = reward_root(epoch, &out);
    let mut proved = 0;
    for (i, (device, line)) in out.lines.iter().enumerate() {
        match prove(epoch, &out, i) {
            Some(proof) => {
                proved += 1;
                assert!(verify_line(epoch, *device, line, &NO_USAGE, &proof, &root));
                let tampered = Breakdown {
                    amount: line.amount + 1,
                    ..*line
                };
                assert!(!verify_line(
                    epoch, *device, &tampered, &NO_USAGE, &proof, &root
                ));
                assert!(!verify_line(
                    Epoch::new(43),
                    *device,
                    line,
                    &NO_USAGE,
                    &proof,
                    &root
                ));
                assert!(!verify_line(
                    epoch,
                    device_of_other(*device),
                    line,
                    &NO_USAGE,
                    &proof,
                    &root
                ));
            }
            None => assert_eq!(line.amount, 0, "every rewarded line has a proof"),
        }
    }
    assert_eq!(
        proved,
        out.lines.iter().filter(|(_, b)| b.amount > 0).count()
    );
    assert!(proved >= 9);
}

/// A line without usage.
const NO_USAGE: crate::economy::UsageLine = crate::economy::UsageLine {
    credits: 0,
    face: 0,
    paid: 0,
};

fn device_of_other(d: DeviceId) -> DeviceId {
    let mut bytes = *d.as_bytes();
    bytes[31] ^= 1;
    DeviceId::new(bytes)
}

#[test]
fn unrewarded_and_out_of_range_lines_have_no_proof() {
    let out = sample_split();
    assert_eq!(out.lines[4].1.amount, 0);
    assert!(prove(Epoch::new(1), &out, 4).is_none());
    assert!(prove(Epoch::new(1), &out, out.lines.len()).is_none());
    // A zero line never verifies, even with a proof that would fit its hash.
    let (device, line) = out.lines[4];
    let root = merkle::root(&[leaf_hash(Epoch::new(1), device, &line, &NO_USAGE)]);
    assert!(!verify_line(
        Epoch::new(1),
        device,
        &line,
        &NO_USAGE,
        &[],
        &root
    ));
}

// ── properties ───────────────────────────────────────────────────────────────────────────────

/// (units, cell, reputation, vetting, eligible): few cells so they crowd, reputations and
/// vetting beyond 10^6 to exercise the clamp, a few enormous unit counts.
fn raw_item() -> impl Strategy<Value = (u64, u64, u32, u32, bool)> {
    (
        prop_oneof![4 => 0u64..1_000_000, 1 => Just(0u64), 1 => any::<u64>()],
        0u64..8,
        prop_oneof![3 => 0u32..=PPM, 1 => any::<u32>()],
        prop_oneof![3 => 0u32..=PPM, 1 => Just(PPM), 1 => any::<u32>()],
        prop::bool::weighted(0.85),
    )
}

fn build(raw: &[(u64, u64, u32, u32, bool)]) -> Vec<WorkItem> {
    raw.iter()
        .zip(0u64..)
        .map(|(&(units, cell, rep, vet, eligible), n)| WorkItem {
            device: device(n),
            units,
            density_cell: cell,
            reputation_ppm: rep,
            vetting_ppm: vet,
            eligible,
            // Derived from the item, so a twin (same raw item) has the same backing: some
            // lines unbacked, some a little, some far beyond any share.
            backing: match (units ^ cell ^ u64::from(rep)) % 4 {
                0 => 0,
                1 => units % 1_000,
                2 => units.wrapping_mul(7_919) % 10_000_000,
                _ => u64::MAX / 4,
            },
        })
        .collect()
}

fn pool() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10_000, 0u64..u64::MAX / 2]
}

fn cap() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..10_000, 1u64..u64::MAX / 2]
}

fn params() -> impl Strategy<Value = SplitParams> {
    (
        0u32..12,
        cap(),
        cap(),
        prop_oneof![2 => Just(0u16), 1 => 1u16..=10_000, 1 => Just(9_500u16)],
    )
        .prop_map(|(target, cell_cap, device_cap, backed_bps)| SplitParams {
            target_devices_per_cell: target,
            cell_cap,
            device_cap,
            backed_bps,
        })
}

proptest! {
    #[test]
    fn conservation_distributed_plus_dust_plus_not_issued_is_the_pool(
        pool in pool(),
        raw in prop::collection::vec(raw_item(), 0..2000),
        params in params(),
    ) {
        let out = split(pool, &build(&raw), &params);
        prop_assert_eq!(out.total(), u128::from(pool));
        prop_assert_eq!(out.lines.len(), raw.len());
        prop_assert_eq!(out.distributed, out.lines.iter().map(|(_, b)| b.amount).sum::<u64>());
        if params.cell_cap > 0 {
            let mut per_cell = std::collections::BTreeMap::<u64, u64>::new();
            for (r, (_, b)) in raw.iter().zip(&out.lines) {
                *per_cell.entry(r.1).or_default() += b.amount;
            }
            prop_assert!(per_cell.values().all(|t| *t <= params.cell_cap));
        }
        if params.device_cap > 0 {
            prop_assert!(out.lines.iter().all(|(_, b)| b.amount <= params.device_cap));
        }
        if params.backed_bps > 0 {
            prop_assert!(out.lines.iter().all(|(_, b)| b.amount <= b.demand_cap));
        }
    }

    #[test]
    fn duplicating_a_device_into_its_cell_never_raises_its_amount(
        pool in pool(),
        raw in prop::collection::vec(raw_item(), 1..300),
        pick in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        params in params(),
    ) {
        // Demand backing is left out: a twin claims its original's backing, which a caller
        // shares between them (rule 2b's own property is below).
        let params = SplitParams { backed_bps: 0, ..params };
        let items = build(&raw);
        let original = pick.index(items.len());
        let before = split(pool, &items, &params).lines[original].1.amount;
        let mut crowded = items.clone();
        let twin = WorkItem { device: device(u64::MAX), ..items[original] };
        let twin_at = at.index(crowded.len() + 1);
        crowded.insert(twin_at, twin);
        let moved = if twin_at <= original { original + 1 } else { original };
        let after = split(pool, &crowded, &params).lines[moved].1.amount;
        prop_assert!(after <= before, "amount rose from {} to {}", before, after);
    }

    #[test]
    fn an_amount_never_exceeds_its_pro_rata_share_and_dust_is_under_one_unit_per_line(
        pool in pool(),
        raw in prop::collection::vec(raw_item(), 0..2000),
        params in params(),
    ) {
        let params = SplitParams { backed_bps: 0, ..params };
        let out = split(pool, &build(&raw), &params);
        // Sums of scaled units can pass 2^128; `mul_div` is checked on its own below.
        let total = out.lines.iter().fold(U256::ZERO, |t, (_, b)| t.add(b.scaled_units));
        let mut rewarded = 0u64;
        for (_, b) in &out.lines {
            if b.scaled_units > 0 {
                rewarded += 1;
                let share = mul_div(pool, b.scaled_units, total);
                prop_assert_eq!(b.uncapped, share);
                prop_assert!(b.amount <= share);
            } else {
                prop_assert_eq!(b.amount, 0);
            }
        }
        prop_assert!(out.dust < rewarded + 1);
    }

    #[test]
    fn demand_backing_pays_no_line_beyond_its_free_share_and_backing_and_never_costs_a_backed_line(
        pool in pool(),
        raw in prop::collection::vec(raw_item(), 1..600),
        params in params(),
        backed_bps in 1u16..=10_000,
    ) {
        let items = build(&raw);
        let plain = split(pool, &items, &SplitParams { backed_bps: 0, ..params });
        let out = split(pool, &items, &SplitParams { backed_bps, ..params });
        prop_assert_eq!(out.total(), u128::from(pool));
        let total = plain.lines.iter().fold(U256::ZERO, |t, (_, b)| t.add(b.scaled_units));
        let free = u64::try_from(
            u128::from(pool) * u128::from(10_000 - backed_bps) / 10_000,
        ).unwrap();
        for ((item, (_, p)), (_, b)) in items.iter().zip(&plain.lines).zip(&out.lines) {
            if p.scaled_units == 0 {
                prop_assert_eq!(b.amount, 0);
                continue;
            }
            // The cap is the free share by plain scaled units plus the backing, exactly.
            let cap = mul_div(free, p.scaled_units, total).saturating_add(item.backing);
            prop_assert_eq!(b.demand_cap, cap);
            prop_assert!(b.amount <= cap, "{} above its demand cap {}", b.amount, cap);
            // A line whose customers back the whole pool is never held, and what held lines
            // could not back goes to lines like it: never less than without demand backing.
            if item.backing >= pool {
                prop_assert_eq!(b.backing_ppm, PPM);
                prop_assert!(b.amount >= p.amount, "{} fell to {}", p.amount, b.amount);
            }
        }
    }

    #[test]
    fn reordering_items_changes_no_devices_line(
        pool in pool(),
        raw in prop::collection::vec(raw_item(), 0..300),
        params in params(),
    ) {
        let items = build(&raw);
        let mut reversed = items.clone();
        reversed.reverse();
        let a = split(pool, &items, &params);
        let mut b = split(pool, &reversed, &params);
        b.lines.reverse();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn class_pools_conserve_any_emission(
        emission in any::<u64>(),
        weights in prop::array::uniform5(0u16..=2_000),
        coverage_cap in cap(),
    ) {
        let params = with_pools(&weights, coverage_cap);
        let pools = class_pools(emission, &params);
        prop_assert_eq!(pools.total(), u128::from(emission));
        if coverage_cap > 0 {
            prop_assert!(pools.pool(ClassId::new(0)) <= coverage_cap);
        }
        // Rounding loses less than one unit per class, plus the unassigned weight.
        let unassigned = u128::from(emission)
            * u128::from(10_000 - weights.iter().sum::<u16>()) / 10_000;
        prop_assert!(u128::from(pools.remainder) <= unassigned + 5);
    }
}

// ── exact arithmetic ─────────────────────────────────────────────────────────────────────────

/// Little-endian 64-bit limbs, for an independent schoolbook check.
fn limbs_of(values: &[u128]) -> Vec<u64> {
    values
        .iter()
        .flat_map(|v| {
            [
                u64::try_from(v & u128::from(u64::MAX)).unwrap(),
                u64::try_from(v >> 64).unwrap(),
            ]
        })
        .collect()
}

fn mul_limbs(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &y) in b.iter().enumerate() {
            let t = u128::from(x) * u128::from(y) + u128::from(out[i + j]) + carry;
            out[i + j] = u64::try_from(t & u128::from(u64::MAX)).unwrap();
            carry = t >> 64;
        }
        let mut k = i + b.len();
        while carry > 0 {
            let t = u128::from(out[k]) + carry;
            out[k] = u64::try_from(t & u128::from(u64::MAX)).unwrap();
            carry = t >> 64;
            k += 1;
        }
    }
    out
}

fn cmp_limbs(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    for i in (0..n).rev() {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}

#[test]
fn mul_div_is_exact_at_the_edges() {
    let max = U256 {
        hi: u128::from(u64::MAX),
        lo: u128::MAX,
    };
    // (2^64 − 1)(2^128 − 1) < 2^192 − 1.
    assert_eq!(mul_div(u64::MAX, u128::MAX, max), 0);
    assert_eq!(
        mul_div(u64::MAX, u128::MAX, U256::ZERO.add(u128::MAX)),
        u64::MAX
    );
    // (2^64 − 1) × 2^127 / 2^128.
    assert_eq!(
        mul_div(u64::MAX, 1 << 127, U256 { hi: 1, lo: 0 }),
        u64::MAX / 2
    );
    assert_eq!(mul_div(u64::MAX, 7, U256::ZERO.add(7)), u64::MAX);
    assert_eq!(mul_div(10, 1, U256::ZERO.add(3)), 3);
}

proptest! {
    #[test]
    fn mul_div_is_the_exact_floor(
        a in prop_oneof![any::<u64>(), 0u64..1_000],
        b in prop_oneof![any::<u128>(), any::<u64>().prop_map(u128::from), 0u128..1_000],
        extra in prop_oneof![Just(0u128), 0u128..1_000, any::<u128>()],
        hi in prop_oneof![Just(0u128), 1u128..1_000, any::<u64>().prop_map(u128::from)],
    ) {
        let base = U256::ZERO.add(b).add(extra);
        let c = U256 { hi: base.hi + hi, lo: base.lo };
        prop_assume!(c != U256::ZERO);
        let q = mul_div(a, b, c);
        let n = mul_limbs(&[a], &limbs_of(&[b]));
        let c_limbs = limbs_of(&[c.lo, c.hi]);
        let below = mul_limbs(&[q], &c_limbs);
        prop_assert_ne!(cmp_limbs(&below, &n), Ordering::Greater, "q × c > a × b");
        if q < u64::MAX {
            let above = mul_limbs(&[q + 1], &c_limbs);
            prop_assert_eq!(cmp_limbs(&above, &n), Ordering::Greater, "(q + 1) × c <= a × b");
        }
        prop_assert!(q <= a);
    }
}
