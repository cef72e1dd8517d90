//! One named test per staking rule, both sides, and conservation as properties.

use crate::{
    genesis,
    handler::{self, StakeCtx, TargetInfo},
    invariants,
    msg::{ClaimStakeRewards, SetCommission, Stake, Unstake},
    outcome::StakingRejection,
    params::StakingParams,
    types::Target,
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_accounts::{
    genesis as accounts_genesis, handler as accounts, invariants::check_supply,
    params::AccountsParams,
};
use terrane_primitives::{Address, Amount, BasisPoints, DeviceId, Epoch};
use terrane_state::{MemStore, Overlay};

fn addr(n: u8) -> Address {
    Address::new([n; 32])
}

const OPERATOR: u8 = 1;
const TREASURY: u8 = 200;
const TRN: u64 = 1_000_000;

fn target() -> Target {
    Target::Device(DeviceId::new([77; 32]))
}

fn info() -> TargetInfo {
    TargetInfo {
        operator: addr(OPERATOR),
        min_bond: Amount::new(100 * TRN),
    }
}

fn ctx(epoch: u64) -> StakeCtx {
    StakeCtx {
        epoch: Epoch::new(epoch),
        treasury: addr(TREASURY),
    }
}

/// Accounts 1..=5 hold 10,000 TRN each; default staking parameters.
fn setup() -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    let allocations: Vec<_> = (1..=5)
        .map(|n| (addr(n), Amount::new(10_000 * TRN)))
        .collect();
    accounts_genesis::apply(&mut o, &allocations, &AccountsParams::default());
    genesis::apply(&mut o, &StakingParams::default(), &[addr(9)]);
    o
}

fn stake(o: &mut Overlay<MemStore>, who: u8, amount: u64) -> Result<(), StakingRejection> {
    let msg = Stake {
        target: target(),
        amount: Amount::new(amount),
    };
    block_on(handler::stake(o, &ctx(0), &addr(who), &msg, &info()))
        .unwrap()
        .map(drop)
}

fn unstake(
    o: &mut Overlay<MemStore>,
    epoch: u64,
    who: u8,
    amount: u64,
) -> Result<(), StakingRejection> {
    let msg = Unstake {
        target: target(),
        amount: Amount::new(amount),
    };
    block_on(handler::unstake(
        o,
        &ctx(epoch),
        &addr(who),
        &msg,
        info().min_bond,
    ))
    .unwrap()
    .map(drop)
}

/// Claims `who`'s rewards; what it was paid (0 when there was nothing to claim).
fn claim(o: &mut Overlay<MemStore>, who: u8) -> u64 {
    let before = balance(o, who);
    let msg = ClaimStakeRewards { target: target() };
    match block_on(handler::claim(o, &ctx(0), &addr(who), &msg)).unwrap() {
        Ok(_) => balance(o, who) - before,
        Err(StakingRejection::NothingToClaim) => 0,
        Err(e) => panic!("claim refused: {e:?}"),
    }
}

fn balance(o: &Overlay<MemStore>, who: u8) -> u64 {
    block_on(accounts::account(o, &addr(who)))
        .unwrap()
        .balance
        .get()
}

fn claimable(o: &Overlay<MemStore>, who: u8) -> u64 {
    block_on(handler::claimable(o, &addr(who), &target()))
        .unwrap()
        .get()
}

fn distribute(o: &mut Overlay<MemStore>, epoch: u64, reward: u64) -> handler::Split {
    block_on(handler::distribute(
        o,
        &ctx(epoch),
        &target(),
        Amount::new(reward),
        handler::Source::Mint,
    ))
    .unwrap()
    .expect("the pool has delegated stake")
    .0
}

/// Slashes `bps` of the target and burns what it took; what it took (0 when nothing was
/// staked).
fn slash(o: &mut Overlay<MemStore>, bps: u16) -> handler::Slashed {
    let fraction = BasisPoints::new(bps).unwrap();
    match block_on(handler::slash(o, &ctx(0), &target(), fraction)).unwrap() {
        Ok((cut, _)) => {
            block_on(accounts::burn_from_pool(o, cut.total())).unwrap();
            cut
        }
        Err(StakingRejection::NothingToSlash) => handler::Slashed::default(),
        Err(e) => panic!("slash refused: {e:?}"),
    }
}

/// Supply conserved (stake and owed rewards held by the module) and the staking books
/// complete.
fn assert_books(o: &Overlay<MemStore>) {
    let holders: Vec<_> = (1..=5).chain([TREASURY]).map(addr).collect();
    let held = block_on(invariants::held(o)).unwrap();
    block_on(check_supply(o, holders.iter().copied(), held))
        .unwrap()
        .expect("supply conserved");
    let positions: Vec<_> = (1..=5).map(|n| (addr(n), target())).collect();
    block_on(invariants::check(o, positions, holders, true))
        .unwrap()
        .expect("staking books balance");
}

#[test]
fn the_operator_opens_its_pool_at_the_minimum_bond_and_not_below() {
    let mut o = setup();
    assert_eq!(
        stake(&mut o, OPERATOR, 99 * TRN),
        Err(StakingRejection::BelowMinimum)
    );
    assert_eq!(balance(&o, OPERATOR), 10_000 * TRN, "nothing moved");
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    assert_eq!(balance(&o, OPERATOR), 9_900 * TRN);
    assert!(block_on(handler::is_bonded(&o, &target(), info().min_bond)).unwrap());
    assert!(!block_on(handler::is_bonded(&o, &target(), Amount::new(101 * TRN))).unwrap());
    assert_books(&o);
}

#[test]
fn nobody_delegates_to_a_target_whose_operator_has_not_bonded() {
    let mut o = setup();
    assert_eq!(
        stake(&mut o, 2, 50 * TRN),
        Err(StakingRejection::TargetNotBonded)
    );
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    stake(&mut o, 2, 50 * TRN).unwrap();
    // The operator leaves: the pool has stake but no bond behind it.
    unstake(&mut o, 0, OPERATOR, 100 * TRN).unwrap();
    assert_eq!(
        stake(&mut o, 3, 50 * TRN),
        Err(StakingRejection::TargetNotBonded)
    );
    assert!(!block_on(handler::is_bonded(&o, &target(), info().min_bond)).unwrap());
    assert_books(&o);
}

#[test]
fn a_zero_stake_and_a_stake_above_the_balance_are_refused_and_move_nothing() {
    let mut o = setup();
    assert_eq!(stake(&mut o, OPERATOR, 0), Err(StakingRejection::ZeroStake));
    assert_eq!(
        stake(&mut o, OPERATOR, 10_001 * TRN),
        Err(StakingRejection::InsufficientFunds)
    );
    assert_eq!(balance(&o, OPERATOR), 10_000 * TRN);
    assert!(block_on(handler::pool(&o, &target())).unwrap().is_none());
    assert_books(&o);
}

#[test]
fn unbonding_more_than_staked_or_leaving_the_operator_between_zero_and_the_minimum_is_refused() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 150 * TRN).unwrap();
    stake(&mut o, 2, 10 * TRN).unwrap();
    assert_eq!(
        unstake(&mut o, 0, 2, 11 * TRN),
        Err(StakingRejection::UnbondTooMuch)
    );
    assert_eq!(
        unstake(&mut o, 0, 3, 1),
        Err(StakingRejection::UnbondTooMuch)
    );
    assert_eq!(unstake(&mut o, 0, 2, 0), Err(StakingRejection::ZeroStake));
    assert_eq!(
        unstake(&mut o, 0, OPERATOR, 51 * TRN),
        Err(StakingRejection::OperatorBelowMinimum)
    );
    unstake(&mut o, 0, OPERATOR, 50 * TRN).unwrap();
    unstake(&mut o, 0, OPERATOR, 100 * TRN).unwrap();
    assert_books(&o);
}

#[test]
fn unbonded_stake_is_paid_back_only_after_the_unbonding_period() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    stake(&mut o, 2, 40 * TRN).unwrap();
    unstake(&mut o, 3, 2, 40 * TRN).unwrap();
    let release = 3 + StakingParams::default().unbonding_epochs;
    let early = block_on(handler::withdraw(&mut o, &ctx(release - 1), &addr(2))).unwrap();
    assert_eq!(early, Err(StakingRejection::NothingToWithdraw));
    assert_eq!(balance(&o, 2), 9_960 * TRN);
    block_on(handler::withdraw(&mut o, &ctx(release), &addr(2)))
        .unwrap()
        .unwrap();
    assert_eq!(balance(&o, 2), 10_000 * TRN);
    assert!(
        block_on(handler::unbonding(&o, &addr(2)))
            .unwrap()
            .0
            .is_empty()
    );
    assert_books(&o);
}

#[test]
fn an_account_has_at_most_the_parameter_s_unbonding_entries_waiting() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    stake(&mut o, 2, 100 * TRN).unwrap();
    let max = u64::from(StakingParams::default().max_unbonding_entries);
    for _ in 0..max {
        unstake(&mut o, 0, 2, TRN).unwrap();
    }
    assert_eq!(
        unstake(&mut o, 0, 2, TRN),
        Err(StakingRejection::TooManyUnbonding)
    );
    assert_books(&o);
}

#[test]
fn a_commission_change_applies_only_after_the_delay_and_only_the_operator_sets_it() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    stake(&mut o, 2, 100 * TRN).unwrap();
    let set = |bps: u16| SetCommission {
        target: target(),
        commission: BasisPoints::new(bps).unwrap(),
    };
    let r = block_on(handler::set_commission(
        &mut o,
        &ctx(5),
        &addr(2),
        &set(1_000),
    ))
    .unwrap();
    assert_eq!(r, Err(StakingRejection::NotOperator));
    let r = block_on(handler::set_commission(
        &mut o,
        &ctx(5),
        &addr(OPERATOR),
        &set(5_001),
    ));
    assert_eq!(r.unwrap(), Err(StakingRejection::CommissionTooHigh));
    block_on(handler::set_commission(
        &mut o,
        &ctx(5),
        &addr(OPERATOR),
        &set(1_000),
    ))
    .unwrap()
    .unwrap();
    let delay = StakingParams::default().commission_delay_epochs;
    // Before the delay: no commission; the delegation gets the whole delegated share.
    let s = distribute(&mut o, 5 + delay - 1, 1_000 * TRN);
    assert_eq!(s.commission, Amount::ZERO);
    assert_eq!(claimable(&o, 2), 1_000 * TRN);
    // From the delay on: 10 % to the operator first.
    let s = distribute(&mut o, 5 + delay, 1_000 * TRN);
    assert_eq!(s.commission, Amount::new(100 * TRN));
    assert_eq!(claimable(&o, 2), 1_000 * TRN + 900 * TRN);
    assert_eq!(claimable(&o, OPERATOR), 100 * TRN, "its commission only");
    assert_books(&o);
}

#[test]
fn a_reward_splits_by_commission_then_stake_and_every_base_unit_is_accounted_for() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    stake(&mut o, 2, 200 * TRN + 1).unwrap();
    stake(&mut o, 3, 3).unwrap();
    block_on(handler::set_commission(
        &mut o,
        &ctx(0),
        &addr(OPERATOR),
        &SetCommission {
            target: target(),
            commission: BasisPoints::new(333).unwrap(),
        },
    ))
    .unwrap()
    .unwrap();
    let before: u64 = (1..=5).chain([TREASURY]).map(|n| balance(&o, n)).sum();
    let reward = 7_777_777;
    let s = distribute(&mut o, 10, reward);
    assert_eq!(s.commission.get(), reward * 333 / 10_000);
    assert_eq!(s.commission.get() + s.stakers.get(), reward);
    for n in 1..=3 {
        claim(&mut o, n);
    }
    // Everyone leaves; the emptied pool's flooring residue goes to the treasury.
    unstake(&mut o, 10, OPERATOR, 100 * TRN).unwrap();
    unstake(&mut o, 10, 2, 200 * TRN + 1).unwrap();
    unstake(&mut o, 10, 3, 3).unwrap();
    let after: u64 = (1..=5).chain([TREASURY]).map(|n| balance(&o, n)).sum();
    // Stake left balances before `before`; unbonding does not return it yet.
    assert_eq!(after, before + reward, "the reward, to the base unit");
    // The pool stays while unbonding stake of it can still be slashed, and closes when the
    // last entry is withdrawn.
    assert!(block_on(handler::pool(&o, &target())).unwrap().is_some());
    let release = 10 + StakingParams::default().unbonding_epochs;
    for n in 1..=3 {
        block_on(handler::withdraw(&mut o, &ctx(release), &addr(n)))
            .unwrap()
            .unwrap();
    }
    assert!(
        block_on(handler::pool(&o, &target())).unwrap().is_none(),
        "pool closed"
    );
    assert_books(&o);
}

#[test]
fn rewards_accrue_to_the_delegations_held_when_they_were_distributed() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    let none = block_on(handler::distribute(
        &mut o,
        &ctx(0),
        &target(),
        Amount::new(10 * TRN),
        handler::Source::Mint,
    ))
    .unwrap();
    assert!(
        none.is_none(),
        "no delegation, nothing to split: the operator keeps it all"
    );
    stake(&mut o, 2, 100 * TRN).unwrap();
    distribute(&mut o, 0, 10 * TRN);
    assert_eq!(claimable(&o, 2), 10 * TRN);
    // A late delegator gets nothing of what was distributed before it came.
    stake(&mut o, 3, 100 * TRN).unwrap();
    assert_eq!(claimable(&o, 3), 0);
    distribute(&mut o, 1, 10 * TRN);
    assert_eq!(claimable(&o, 2), 15 * TRN);
    assert_eq!(claimable(&o, 3), 5 * TRN);
    assert_eq!(
        claimable(&o, OPERATOR),
        0,
        "the operator's own stake earns outside the pool"
    );
    // Unstaking settles: the rewards stay claimable after the stake has left.
    unstake(&mut o, 1, 2, 100 * TRN).unwrap();
    distribute(&mut o, 2, 10 * TRN);
    assert_eq!(claimable(&o, 2), 15 * TRN);
    assert_eq!(claimable(&o, 3), 15 * TRN);
    let b = balance(&o, 2);
    claim(&mut o, 2);
    assert_eq!(balance(&o, 2), b + 15 * TRN);
    assert_eq!(claim(&mut o, 2), 0, "nothing twice");
    assert_books(&o);
}

#[test]
fn the_delegated_share_of_a_reward_is_its_stake_fraction_floored() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    let pool = |o: &Overlay<MemStore>| block_on(handler::pool(o, &target())).unwrap().unwrap();
    assert_eq!(
        handler::delegated_share(&pool(&o), Amount::new(1_000)),
        Amount::ZERO
    );
    stake(&mut o, 2, 200 * TRN).unwrap();
    assert_eq!(
        handler::delegated_share(&pool(&o), Amount::new(1_000)),
        Amount::new(666),
        "two thirds, floored: the operator keeps 334"
    );
    assert_eq!(
        handler::delegated_share(&pool(&o), Amount::new(u64::MAX)),
        Amount::new(u64::MAX / 3 * 2),
        "no overflow at the largest reward"
    );
}

#[derive(Clone, Debug)]
enum Op {
    Stake(u8, u64),
    Unstake(u8, u64),
    Withdraw(u8),
    Distribute(u64),
    Claim(u8),
    Commission(u16),
    Slash(u16),
    NextEpoch,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u8..=5, 1u64..300 * TRN).prop_map(|(w, a)| Op::Stake(w, a)),
        (1u8..=5, 1u64..300 * TRN).prop_map(|(w, a)| Op::Unstake(w, a)),
        (1u8..=5).prop_map(Op::Withdraw),
        (0u64..50 * TRN).prop_map(Op::Distribute),
        (1u8..=5).prop_map(Op::Claim),
        (0u16..=6_000).prop_map(Op::Commission),
        (1u16..=5_000).prop_map(Op::Slash),
        Just(Op::NextEpoch),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Balances + bonded + unbonding + owed + burned == genesis + minted, and the pools'
    /// books match their positions, after every operation of any sequence — accepted or
    /// refused.
    #[test]
    fn trn_is_conserved_and_the_books_balance_after_any_sequence(ops in proptest::collection::vec(op(), 1..60)) {
        let mut o = setup();
        let mut epoch = 0;
        for op in ops {
            let c = ctx(epoch);
            match op {
                Op::Stake(w, a) => {
                    let msg = Stake { target: target(), amount: Amount::new(a) };
                    let _ = block_on(handler::stake(&mut o, &c, &addr(w), &msg, &info())).unwrap();
                }
                Op::Unstake(w, a) => {
                    let _ = unstake(&mut o, epoch, w, a);
                }
                Op::Withdraw(w) => {
                    let _ = block_on(handler::withdraw(&mut o, &c, &addr(w))).unwrap();
                }
                Op::Distribute(r) => {
                    if block_on(handler::is_bonded(&o, &target(), info().min_bond)).unwrap() {
                        let _ = block_on(handler::distribute(
                            &mut o, &c, &target(), Amount::new(r), handler::Source::Mint,
                        ))
                        .unwrap();
                    }
                }
                Op::Claim(w) => {
                    claim(&mut o, w);
                }
                Op::Commission(bps) => {
                    let msg = SetCommission { target: target(), commission: BasisPoints::new(bps.min(10_000)).unwrap() };
                    let _ = block_on(handler::set_commission(&mut o, &c, &addr(OPERATOR), &msg)).unwrap();
                }
                Op::Slash(bps) => {
                    slash(&mut o, bps);
                }
                Op::NextEpoch => epoch += 1,
            }
            assert_books(&o);
        }
    }
}

#[test]
fn a_device_sold_is_taken_over_by_its_new_owner_and_the_sellers_stake_becomes_a_delegation() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    // The device now belongs to account 2: it operates the target.
    let new_owner = TargetInfo {
        operator: addr(2),
        min_bond: Amount::new(100 * TRN),
    };
    let msg = |amount| Stake {
        target: target(),
        amount: Amount::new(amount),
    };
    let take = |o: &mut Overlay<MemStore>, amount| {
        block_on(handler::stake(
            o,
            &ctx(0),
            &addr(2),
            &msg(amount),
            &new_owner,
        ))
        .unwrap()
        .map(drop)
    };
    assert_eq!(take(&mut o, 10 * TRN), Err(StakingRejection::BelowMinimum));
    let pool = block_on(handler::pool(&o, &target())).unwrap().unwrap();
    assert_eq!(
        pool.operator,
        addr(OPERATOR),
        "a refused takeover changes nothing"
    );
    take(&mut o, 100 * TRN).unwrap();
    let pool = block_on(handler::pool(&o, &target())).unwrap().unwrap();
    assert_eq!(pool.operator, addr(2));
    assert_eq!(pool.operator_stake(), Amount::new(100 * TRN));
    assert_eq!(pool.total(), Amount::new(200 * TRN));
    // The seller's stake is now a delegation: it shares the delegated part of rewards.
    distribute(&mut o, 0, 10 * TRN);
    assert_eq!(claimable(&o, OPERATOR), 10 * TRN);
    assert_eq!(
        claimable(&o, 2),
        0,
        "the new operator earns outside the pool"
    );
    // The seller is no longer the operator: it may leave with part of its stake.
    unstake(&mut o, 0, OPERATOR, 30 * TRN).unwrap();
    assert_books(&o);
}

// ---- the validators' emission share ----

/// Accounts 1..=5 are funded, each with more than the property below can stake from one
/// account (a 100 TRN operator bond plus 11 stakes under 2,000 TRN); 1, 2 and 3 are the
/// validator set.
fn validator_setup() -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    let allocations: Vec<_> = (1..=5)
        .map(|n| (addr(n), Amount::new(30_000 * TRN)))
        .collect();
    accounts_genesis::apply(&mut o, &allocations, &AccountsParams::default());
    // Out of order and repeated: genesis keeps the set sorted and unique.
    genesis::apply(
        &mut o,
        &StakingParams::default(),
        &[addr(3), addr(1), addr(2), addr(1)],
    );
    o
}

fn stake_on_validator(o: &mut Overlay<MemStore>, who: u8, validator: u8, amount: u64) {
    let msg = Stake {
        target: Target::Validator(addr(validator)),
        amount: Amount::new(amount),
    };
    let info = TargetInfo {
        operator: addr(validator),
        min_bond: Amount::new(100 * TRN),
    };
    block_on(handler::stake(o, &ctx(0), &addr(who), &msg, &info))
        .unwrap()
        .expect("stake accepted");
}

fn pay_validators(
    o: &mut Overlay<MemStore>,
    amount: u64,
    min_bond: u64,
) -> handler::ValidatorPayout {
    block_on(handler::pay_validators(
        o,
        &ctx(5),
        Amount::new(amount),
        Amount::new(min_bond),
    ))
    .unwrap()
    .0
}

fn claim_on_validator(o: &mut Overlay<MemStore>, who: u8, validator: u8) -> u64 {
    let before = balance(o, who);
    let msg = ClaimStakeRewards {
        target: Target::Validator(addr(validator)),
    };
    match block_on(handler::claim(o, &ctx(5), &addr(who), &msg)).unwrap() {
        Ok(_) => balance(o, who) - before,
        Err(StakingRejection::NothingToClaim) => 0,
        Err(e) => panic!("claim refused: {e:?}"),
    }
}

fn assert_validator_books(o: &Overlay<MemStore>) {
    let holders: Vec<_> = (1..=5).chain([TREASURY]).map(addr).collect();
    let held = block_on(invariants::held(o)).unwrap();
    block_on(check_supply(o, holders.iter().copied(), held))
        .unwrap()
        .expect("supply conserved");
    let positions: Vec<_> = (1..=5)
        .flat_map(|n| (1..=3).map(move |v| (addr(n), Target::Validator(addr(v)))))
        .collect();
    block_on(invariants::check(o, positions, holders, true))
        .unwrap()
        .expect("staking books balance");
}

#[test]
fn genesis_keeps_the_validator_set_sorted_and_unique() {
    let o = validator_setup();
    assert_eq!(
        block_on(handler::validators(&o)).unwrap(),
        vec![addr(1), addr(2), addr(3)]
    );
}

#[test]
fn the_validators_share_splits_by_pool_stake_and_delegators_get_theirs_less_commission() {
    let mut o = validator_setup();
    // Validator 1 bonds 300 TRN alone; validator 2 bonds 100 TRN and account 4 delegates
    // 100 TRN to it at a 10 % commission; validator 3 never bonds.
    stake_on_validator(&mut o, 1, 1, 300 * TRN);
    stake_on_validator(&mut o, 2, 2, 100 * TRN);
    stake_on_validator(&mut o, 4, 2, 100 * TRN);
    block_on(handler::set_commission(
        &mut o,
        &ctx(0),
        &addr(2),
        &SetCommission {
            target: Target::Validator(addr(2)),
            commission: BasisPoints::new(1_000).unwrap(),
        },
    ))
    .unwrap()
    .unwrap();
    let treasury_before = balance(&o, TREASURY);
    let amount = 1_000_001;
    let payout = pay_validators(&mut o, amount, 100 * TRN);
    // 300 : 200 of 500 TRN of weight, floored.
    assert_eq!(
        payout.shares,
        vec![
            (addr(1), Amount::new(600_000)),
            (addr(2), Amount::new(400_000))
        ],
        "the unbonded validator 3 is not paid"
    );
    assert_eq!(payout.to_treasury.get(), 1, "the flooring residue");
    assert_eq!(balance(&o, TREASURY) - treasury_before, 1);
    assert_eq!(claim_on_validator(&mut o, 1, 1), 600_000);
    // Validator 2's pool: half its stake is delegated, so 200,000 is the delegators' gross;
    // 10 % of it (20,000) is commission; the operator keeps its own 200,000 besides.
    assert_eq!(claim_on_validator(&mut o, 2, 2), 200_000 + 20_000);
    assert_eq!(claim_on_validator(&mut o, 4, 2), 180_000);
    assert_eq!(claim_on_validator(&mut o, 3, 3), 0);
    assert_validator_books(&o);
}

#[test]
fn a_validator_below_the_minimum_bond_earns_nothing_and_its_share_goes_to_the_others() {
    let mut o = validator_setup();
    stake_on_validator(&mut o, 1, 1, 300 * TRN);
    // Validator 2's own bond is 100 TRN; the pool holds 5,000 TRN with a delegation, but
    // "bonded" is judged on the operator's own stake.
    stake_on_validator(&mut o, 2, 2, 100 * TRN);
    stake_on_validator(&mut o, 4, 2, 4_900 * TRN);
    let payout = pay_validators(&mut o, 1_000_000, 200 * TRN);
    assert_eq!(payout.shares, vec![(addr(1), Amount::new(1_000_000))]);
    assert_eq!(payout.to_treasury, Amount::ZERO);
    assert_eq!(claim_on_validator(&mut o, 4, 2), 0);
    assert_eq!(claim_on_validator(&mut o, 1, 1), 1_000_000);
    assert_validator_books(&o);
}

#[test]
fn with_no_bonded_validator_the_whole_share_is_minted_to_the_treasury() {
    let mut o = validator_setup();
    let before = balance(&o, TREASURY);
    let payout = pay_validators(&mut o, 5_000_000, 100 * TRN);
    assert!(payout.shares.is_empty());
    assert_eq!(payout.to_treasury.get(), 5_000_000);
    assert_eq!(balance(&o, TREASURY) - before, 5_000_000);
    assert_validator_books(&o);
}

proptest! {
    #[test]
    fn the_validators_share_is_minted_exactly_once_whatever_the_stakes(
        stakes in proptest::collection::vec((1u8..=5, 1u8..=3, 1u64..2_000), 1..12),
        amount in 0u64..1_000_000_000_000,
    ) {
        let mut o = validator_setup();
        // Operators bond first (100 TRN each), then anyone adds stake anywhere.
        for v in 1..=3 {
            stake_on_validator(&mut o, v, v, 100 * TRN);
        }
        for (who, v, trn) in stakes {
            stake_on_validator(&mut o, who, v, trn * TRN);
        }
        let minted_before = block_on(accounts::supply(&o)).unwrap().minted.get();
        let payout = pay_validators(&mut o, amount, 100 * TRN);
        let shares: u64 = payout.shares.iter().map(|(_, a)| a.get()).sum();
        prop_assert_eq!(shares + payout.to_treasury.get(), amount);
        prop_assert_eq!(block_on(accounts::supply(&o)).unwrap().minted.get() - minted_before, amount);
        let mut claimed = 0;
        for who in 1..=5 {
            for v in 1..=3 {
                claimed += claim_on_validator(&mut o, who, v);
            }
        }
        prop_assert!(claimed <= shares, "claimed {claimed} of {shares}");
        // Per-position flooring leaves at most a base unit per position per distribution.
        prop_assert!(shares - claimed <= 20, "{} left unclaimable", shares - claimed);
        assert_validator_books(&o);
    }
}

#[test]
fn a_slash_cuts_the_operator_every_delegator_and_every_unbonding_entry_by_the_same_fraction() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 400 * TRN).unwrap();
    stake(&mut o, 2, 300 * TRN).unwrap();
    stake(&mut o, 3, 300 * TRN).unwrap();
    unstake(&mut o, 0, 3, 100 * TRN).unwrap();
    // 10 % of 1,000 TRN bonded... less the 100 unbonding: 900 bonded, 100 unbonding.
    let cut = slash(&mut o, 1_000);
    assert_eq!(cut.bonded, Amount::new(90 * TRN));
    assert_eq!(cut.unbonding, Amount::new(10 * TRN));
    let pool = block_on(handler::pool(&o, &target())).unwrap().unwrap();
    assert_eq!(pool.operator_stake(), Amount::new(360 * TRN));
    assert_eq!(pool.slashed, Amount::new(100 * TRN));
    let worth = |o: &Overlay<MemStore>, who: u8| {
        let pos = block_on(handler::position(o, &addr(who), &target())).unwrap();
        pool.bonded.value(pos.shares).get()
    };
    assert_eq!(worth(&o, 2), 270 * TRN);
    assert_eq!(worth(&o, 3), 180 * TRN);
    assert_books(&o);
    // The unbonding entry pays what is left of it, after the period.
    let before = balance(&o, 3);
    let release = StakingParams::default().unbonding_epochs;
    block_on(handler::withdraw(&mut o, &ctx(release), &addr(3)))
        .unwrap()
        .unwrap();
    assert_eq!(balance(&o, 3) - before, 90 * TRN);
    assert_books(&o);
    let l = block_on(handler::ledger(&o)).unwrap();
    assert_eq!(l.slashed, Amount::new(100 * TRN));
}

#[test]
fn a_slash_that_takes_the_operator_below_the_minimum_unbonds_the_target_until_it_tops_up() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN).unwrap();
    let min = info().min_bond;
    assert!(block_on(handler::is_bonded(&o, &target(), min)).unwrap());
    slash(&mut o, 500);
    assert!(!block_on(handler::is_bonded(&o, &target(), min)).unwrap());
    // Topping up by what was slashed bonds it again; stake bought after a slash buys more
    // shares per TRN, so it is not cut by the past slash.
    stake(&mut o, OPERATOR, 5 * TRN).unwrap();
    assert!(block_on(handler::is_bonded(&o, &target(), min)).unwrap());
    let pool = block_on(handler::pool(&o, &target())).unwrap().unwrap();
    assert_eq!(pool.operator_stake(), Amount::new(100 * TRN));
    assert_books(&o);
}

#[test]
fn slash_flooring_dust_goes_to_the_treasury_when_the_last_position_leaves() {
    let mut o = setup();
    stake(&mut o, OPERATOR, 100 * TRN + 1).unwrap();
    stake(&mut o, 2, 7).unwrap();
    stake(&mut o, 3, 5).unwrap();
    // 33.33 %: positions of 7 and 5 base units are worth 4 and 3 after it (floored), the
    // book keeps the unit in between.
    let cut = slash(&mut o, 3_333);
    let pool = block_on(handler::pool(&o, &target())).unwrap().unwrap();
    let total = pool.total().get();
    assert_eq!(cut.bonded.get() + total, 100 * TRN + 13);
    let treasury = balance(&o, TREASURY);
    let mut paid = 0;
    for who in [2, 3, OPERATOR] {
        let pos = block_on(handler::position(&o, &addr(who), &target())).unwrap();
        let p = block_on(handler::pool(&o, &target())).unwrap().unwrap();
        let worth = p.bonded.value(pos.shares).get();
        unstake(&mut o, 0, who, worth).unwrap();
        paid += worth;
    }
    let dust = balance(&o, TREASURY) - treasury;
    assert_eq!(
        paid + dust,
        total,
        "every slashed pool's base unit is paid or is dust"
    );
    assert_books(&o);
}

#[test]
fn nothing_staked_is_nothing_to_slash() {
    let mut o = setup();
    let fraction = BasisPoints::new(1_000).unwrap();
    assert_eq!(
        block_on(handler::slash(&mut o, &ctx(0), &target(), fraction))
            .unwrap()
            .map(drop),
        Err(StakingRejection::NothingToSlash)
    );
}
