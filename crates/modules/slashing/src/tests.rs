//! One named test per slashing rule the module owns (age, one slash per offence, the due
//! queue, bounty and burn, lapse), and conservation as a property.

use crate::{
    genesis,
    handler::{self, At, Cover, Finding},
    invariants,
    msg::Evidence,
    outcome::{SlashReason, SlashingRejection},
    params::SlashingParams,
    types::SlashStatus,
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_accounts::{
    genesis as accounts_genesis, handler as accounts, invariants::check_supply,
    params::AccountsParams,
};
use terrane_primitives::{Address, Amount, DeviceId, Epoch, Hash32, Height, sha256};
use terrane_staking::{
    genesis as staking_genesis,
    handler::{self as staking, StakeCtx, TargetInfo},
    msg::Stake,
    params::StakingParams,
    types::Target,
};
use terrane_state::{MemStore, Overlay};

const TRN: u64 = 1_000_000;
const OPERATOR: u8 = 1;
const REPORTER: u8 = 2;
const TREASURY: u8 = 200;

fn addr(n: u8) -> Address {
    Address::new([n; 32])
}

fn target() -> Target {
    Target::Device(DeviceId::new([77; 32]))
}

fn setup(params: SlashingParams) -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    let allocations: Vec<_> = (1..=3)
        .map(|n| (addr(n), Amount::new(10_000 * TRN)))
        .collect();
    accounts_genesis::apply(&mut o, &allocations, &AccountsParams::default());
    staking_genesis::apply(&mut o, &StakingParams::default(), &[]);
    genesis::apply(&mut o, &params);
    o
}

fn bond(o: &mut Overlay<MemStore>, who: u8, amount: u64) {
    let info = TargetInfo {
        operator: addr(OPERATOR),
        min_bond: Amount::new(100 * TRN),
    };
    let ctx = StakeCtx {
        epoch: Epoch::new(0),
        treasury: addr(TREASURY),
    };
    let msg = Stake {
        target: target(),
        amount: Amount::new(amount),
    };
    block_on(staking::stake(o, &ctx, &addr(who), &msg, &info))
        .unwrap()
        .unwrap();
}

fn finding(epoch: u64, key: u8) -> Finding {
    Finding {
        target: target(),
        offence: SlashReason::DeviceEquivocation,
        offence_epoch: Epoch::new(epoch),
        cover: Cover::Once(sha256(&[&[key]])),
    }
}

fn evidence() -> Evidence {
    Evidence::RepeatedInvalidProofs {
        device: DeviceId::new([77; 32]),
        last_epoch: Epoch::new(0),
    }
}

fn submit(o: &mut Overlay<MemStore>, at: u64, f: Finding) -> Result<(), SlashingRejection> {
    let at = At {
        height: Height::new(at * 10 + 1),
        epoch: Epoch::new(at),
    };
    let staked = block_on(staking::pool(o, &target())).unwrap().is_some();
    block_on(handler::submit(
        o,
        at,
        &addr(REPORTER),
        f,
        evidence(),
        staked,
    ))
    .unwrap()
    .map(drop)
}

fn close(o: &mut Overlay<MemStore>, epoch: u64) {
    block_on(handler::execute_due(o, Epoch::new(epoch), addr(TREASURY))).unwrap();
}

fn assert_books(o: &Overlay<MemStore>) {
    let holders: Vec<_> = (1..=3).chain([TREASURY]).map(addr).collect();
    let held = block_on(terrane_staking::invariants::held(o)).unwrap();
    block_on(check_supply(o, holders.iter().copied(), held))
        .unwrap()
        .expect("supply conserved");
    block_on(invariants::check(o))
        .unwrap()
        .expect("slash ledger balances");
}

#[test]
fn evidence_older_than_the_max_age_or_from_the_future_is_out_of_window() {
    let mut o = setup(SlashingParams::default());
    bond(&mut o, OPERATOR, 100 * TRN);
    let age = SlashingParams::default().evidence_max_age_epochs;
    assert_eq!(
        submit(&mut o, age + 1, finding(0, 1)),
        Err(SlashingRejection::OutOfWindow)
    );
    assert_eq!(
        submit(&mut o, 0, finding(1, 1)),
        Err(SlashingRejection::OutOfWindow)
    );
    assert_eq!(submit(&mut o, age, finding(0, 1)), Ok(()));
}

#[test]
fn a_target_with_nothing_at_stake_cannot_be_reported() {
    let mut o = setup(SlashingParams::default());
    assert_eq!(
        submit(&mut o, 0, finding(0, 1)),
        Err(SlashingRejection::NothingStaked)
    );
    assert_eq!(block_on(handler::ledger(&o)).unwrap().count, 0);
}

#[test]
fn one_offence_gets_one_slash_and_a_window_is_never_slashed_twice() {
    let mut o = setup(SlashingParams::default());
    bond(&mut o, OPERATOR, 100 * TRN);
    assert_eq!(submit(&mut o, 1, finding(1, 1)), Ok(()));
    assert_eq!(
        submit(&mut o, 1, finding(1, 1)),
        Err(SlashingRejection::AlreadySlashed)
    );
    let key: Hash32 = sha256(&[b"w"]);
    let window = |first, last| Finding {
        offence: SlashReason::MissedDuties,
        offence_epoch: Epoch::new(last),
        cover: Cover::Window {
            key,
            first: Epoch::new(first),
            last: Epoch::new(last),
        },
        ..finding(last, 0)
    };
    assert_eq!(submit(&mut o, 3, window(0, 2)), Ok(()));
    assert_eq!(
        submit(&mut o, 4, window(2, 3)),
        Err(SlashingRejection::AlreadySlashed)
    );
    assert_eq!(submit(&mut o, 4, window(3, 3)), Ok(()));
}

#[test]
fn at_most_max_due_per_epoch_slashes_come_due_at_one_close() {
    let mut o = setup(SlashingParams {
        max_due_per_epoch: 2,
        ..SlashingParams::default()
    });
    bond(&mut o, OPERATOR, 100 * TRN);
    assert_eq!(submit(&mut o, 0, finding(0, 1)), Ok(()));
    assert_eq!(submit(&mut o, 0, finding(0, 2)), Ok(()));
    assert_eq!(
        submit(&mut o, 0, finding(0, 3)),
        Err(SlashingRejection::QueueFull)
    );
    assert_eq!(
        submit(&mut o, 1, finding(0, 3)),
        Ok(()),
        "the next epoch has room"
    );
}

#[test]
fn an_executed_slash_pays_the_bounty_burns_the_rest_and_a_later_one_on_an_empty_target_lapses() {
    let mut o = setup(SlashingParams::default());
    bond(&mut o, OPERATOR, 100 * TRN);
    assert_eq!(submit(&mut o, 0, finding(0, 1)), Ok(()));
    let due = block_on(handler::slash(&o, 1)).unwrap().unwrap().due;
    let reporter = block_on(accounts::account(&o, &addr(REPORTER)))
        .unwrap()
        .balance;
    close(&mut o, due.get());
    let s = block_on(handler::slash(&o, 1)).unwrap().unwrap();
    assert_eq!(s.status, SlashStatus::Executed);
    assert_eq!(s.slashed, Amount::new(5 * TRN), "5 % of 100 TRN");
    assert_eq!(s.bounty, Amount::new(TRN / 2), "10 % of it");
    let paid = block_on(accounts::account(&o, &addr(REPORTER)))
        .unwrap()
        .balance;
    assert_eq!(paid.checked_sub(reporter).unwrap(), s.bounty);
    assert_eq!(
        block_on(accounts::supply(&o)).unwrap().burned,
        Amount::new(9 * TRN / 2)
    );
    assert_books(&o);

    // The operator leaves and withdraws; a pending slash then finds nothing.
    assert_eq!(submit(&mut o, 1, finding(1, 2)), Ok(()));
    let ctx = StakeCtx {
        epoch: Epoch::new(1),
        treasury: addr(TREASURY),
    };
    let all = terrane_staking::msg::Unstake {
        target: target(),
        amount: Amount::new(95 * TRN),
    };
    block_on(staking::unstake(
        &mut o,
        &ctx,
        &addr(OPERATOR),
        &all,
        Amount::new(100 * TRN),
    ))
    .unwrap()
    .unwrap();
    let release = StakeCtx {
        epoch: Epoch::new(100),
        ..ctx
    };
    block_on(staking::withdraw(&mut o, &release, &addr(OPERATOR)))
        .unwrap()
        .unwrap();
    let due = block_on(handler::slash(&o, 2)).unwrap().unwrap().due;
    close(&mut o, due.get());
    let s = block_on(handler::slash(&o, 2)).unwrap().unwrap();
    assert_eq!(
        (s.status, s.outcome, s.slashed),
        (
            SlashStatus::Lapsed,
            SlashReason::Lapsed.code(),
            Amount::ZERO
        )
    );
    assert_books(&o);
}

#[test]
fn the_parameters_keep_a_slash_inside_the_unbonding_period() {
    let p = SlashingParams::default();
    assert!(p.validate().is_ok());
    assert!(p.validate_with_unbonding(7).is_ok());
    assert!(p.validate_with_unbonding(6).is_err());
    let too_hard = SlashingParams {
        equivocation_bps: 5_001,
        ..p.clone()
    };
    assert!(too_hard.validate().is_err());
}

#[test]
fn validator_evidence_round_trips_and_more_vote_bytes_than_the_bound_do_not_decode() {
    use commonware_codec::{DecodeExt as _, Encode as _};
    let e = Evidence::ValidatorEquivocation {
        validator: addr(9),
        votes: vec![7; crate::msg::MAX_VOTE_EVIDENCE_BYTES],
    };
    let bytes = e.encode();
    assert_eq!(
        bytes.len(),
        1 + 32 + 2 + crate::msg::MAX_VOTE_EVIDENCE_BYTES
    );
    assert_eq!(Evidence::decode(bytes).unwrap(), e);
    assert_eq!(e.target(), Target::Validator(addr(9)));
    assert_eq!(e.device(), None);
    let mut long = vec![4];
    long.extend_from_slice(&[9; 32]);
    let n = u16::try_from(crate::msg::MAX_VOTE_EVIDENCE_BYTES + 1).unwrap();
    long.extend_from_slice(&n.to_be_bytes());
    long.extend(std::iter::repeat_n(7, usize::from(n)));
    assert!(Evidence::decode(bytes::Bytes::from(long)).is_err());
    let mut short = vec![4];
    short.extend_from_slice(&[9; 32]);
    short.extend_from_slice(&10u16.to_be_bytes());
    short.extend_from_slice(&[7; 9]);
    assert!(
        Evidence::decode(bytes::Bytes::from(short)).is_err(),
        "fewer bytes than the length"
    );
}

#[test]
fn a_validator_finding_answers_the_shared_rules_with_the_validator_codes() {
    let mut o = setup(SlashingParams {
        validator_equivocation_bps: 500,
        ..SlashingParams::default()
    });
    let validator = Finding {
        target: target(),
        offence: SlashReason::ValidatorEquivocation,
        offence_epoch: Epoch::new(0),
        cover: Cover::Once(handler::validator_round_key(&addr(OPERATOR), 0, 5)),
    };
    assert_eq!(
        submit(&mut o, 0, validator),
        Err(SlashingRejection::ValidatorNothingStaked)
    );
    bond(&mut o, OPERATOR, 100 * TRN);
    assert_eq!(submit(&mut o, 0, validator), Ok(()));
    assert_eq!(
        block_on(handler::slash(&o, 1))
            .unwrap()
            .unwrap()
            .fraction
            .get(),
        500
    );
    assert_eq!(
        submit(&mut o, 0, validator),
        Err(SlashingRejection::ValidatorAlreadySlashed)
    );
    assert_ne!(
        handler::validator_round_key(&addr(OPERATOR), 0, 5),
        handler::validator_round_key(&addr(OPERATOR), 0, 6),
        "one key per round"
    );
}

#[test]
fn the_validator_fraction_may_be_zero_to_refuse_vote_evidence_but_not_above_half() {
    let p = SlashingParams::default();
    assert_eq!(
        p.validator_equivocation_bps, 0,
        "off unless a chain opts in"
    );
    for bps in [0, 1, 5_000] {
        let ok = SlashingParams {
            validator_equivocation_bps: bps,
            ..p.clone()
        };
        assert!(ok.validate().is_ok(), "{bps}");
    }
    let too_hard = SlashingParams {
        validator_equivocation_bps: 5_001,
        ..p
    };
    assert!(too_hard.validate().is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the stakes, fractions and bounty: what a slash takes is exactly bounty plus
    /// burn, the pool loses exactly that, and TRN stays conserved.
    #[test]
    fn a_slash_takes_exactly_bounty_plus_burn(
        own in 100u64..5_000,
        delegated in 0u64..5_000,
        bps in 1u16..=5_000,
        bounty in 0u16..=10_000,
    ) {
        let mut o = setup(SlashingParams {
            equivocation_bps: bps,
            bounty_bps: bounty,
            ..SlashingParams::default()
        });
        bond(&mut o, OPERATOR, own * TRN);
        if delegated > 0 {
            bond(&mut o, 3, delegated * TRN + 7);
        }
        let before = block_on(staking::pool(&o, &target())).unwrap().unwrap().total();
        prop_assert_eq!(submit(&mut o, 0, finding(0, 1)), Ok(()));
        close(&mut o, SlashingParams::default().appeal_window_epochs);
        let s = block_on(handler::slash(&o, 1)).unwrap().unwrap();
        let after = block_on(staking::pool(&o, &target())).unwrap().unwrap().total();
        prop_assert_eq!(before.checked_sub(after).unwrap(), s.slashed);
        let l = block_on(handler::ledger(&o)).unwrap();
        prop_assert_eq!(l.bounties.checked_add(l.burned).unwrap(), s.slashed);
        assert_books(&o);
    }
}
