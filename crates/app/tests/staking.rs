//! Staking through the executor: bonds behind a registered device and a genesis validator,
//! delegation only behind a bonded operator, unbonding released after its epochs, commission
//! bounded, and every refusal a recorded code. `TestChain` checks after every block that TRN
//! is conserved with the staked and unbonding TRN counted as held by the module.

mod common;

use common::TestChain;
use commonware_cryptography::ed25519;
use futures::executor::block_on;
use terrane_app::{
    Genesis, Outcome, Payload,
    testkit::{address_of, named_key},
};
use terrane_coverage::radio::{Band, capabilities as coverage};
use terrane_devices::{msg::Domains, testkit};
use terrane_primitives::{Amount, BasisPoints, DeviceId};
use terrane_staking::{
    handler as staking,
    msg::{ClaimStakeRewards, SetCommission, Stake, Unstake, WithdrawUnbonded},
    outcome::StakingRejection,
    types::Target,
};

/// Blocks per epoch in these tests (short, so unbonding releases within a few blocks).
const EPOCH: u64 = 8;

fn key(name: &str) -> ed25519::PrivateKey {
    named_key(name)
}

fn trn(tokens: u64) -> Amount {
    Amount::from_tokens(tokens).unwrap()
}

fn hotspot() -> Target {
    let id: DeviceId = testkit::id_of(&testkit::key("hotspot"));
    Target::Device(id)
}

fn validator() -> Target {
    Target::Validator(address_of(&key("validator")))
}

test_chain!(Chain);

impl Chain {
    /// Owner, delegator and validator funded with 20,000 TRN; a hotspot registered to
    /// `owner`; `validator` the chain's one validator; three epochs to unbond.
    fn new() -> Self {
        let names = ["owner", "delegator", "validator"];
        let funded: Vec<_> = names
            .iter()
            .map(|n| (address_of(&key(n)), trn(20_000)))
            .collect();
        let mut g = Genesis::for_tests("staking-flow", &funded);
        g.params.pow.epoch_length_blocks = EPOCH;
        g.params.pow.window_grace_blocks = 2;
        g.params.staking.unbonding_epochs = 3;
        // Slashing reaches unbonding stake: evidence age + appeal window < unbonding epochs.
        g.params.slashing.evidence_max_age_epochs = 1;
        g.params.slashing.appeal_window_epochs = 1;
        g.consensus.validators[0].public_key = address_of(&key("validator")).to_string();
        g.makers = vec![testkit::address_of(&testkit::key("maker")).to_string()];
        let mut c = Self(TestChain::new(g, funded.iter().map(|(a, _)| *a).collect()));
        let owner = key("owner");
        let msg = testkit::registration(
            &Domains::of(&c.0.exec.genesis().chain_id()),
            &address_of(&owner),
            &testkit::key("hotspot"),
            coverage(30, 270, Band::Eu868),
            terrane_geo::offchain::cell_at(52.52, 13.40, 12),
            &testkit::key("maker"),
        );
        let tx = c.0.tx(&owner, Payload::RegisterDevice(msg));
        assert_eq!(c.outcomes(vec![tx]), vec![Outcome::OK]);
        c
    }

    fn stake(&mut self, who: &str, target: Target, amount: Amount) -> Outcome {
        self.one(who, Payload::Stake(Stake { target, amount }))
    }

    fn unstake(&mut self, who: &str, target: Target, amount: Amount) -> Outcome {
        self.one(who, Payload::Unstake(Unstake { target, amount }))
    }

    fn balance(&self, who: &str) -> Amount {
        block_on(terrane_accounts::handler::account(
            &self.0.state(),
            &address_of(&key(who)),
        ))
        .unwrap()
        .balance
    }

    fn staked(&self, who: &str, target: Target) -> Amount {
        let state = self.0.state();
        let pos = block_on(staking::position(&state, &address_of(&key(who)), &target)).unwrap();
        block_on(staking::pool(&state, &target))
            .unwrap()
            .map_or(Amount::ZERO, |p| p.bonded.value(pos.shares))
    }

    /// Runs empty blocks until the first block of the next epoch has executed.
    fn next_epoch(&mut self) {
        let next = (self.0.height / EPOCH + 1) * EPOCH;
        while self.0.height < next {
            self.outcomes(vec![]);
        }
    }
}

fn rejected(r: StakingRejection) -> Outcome {
    r.into()
}

#[test]
fn an_owner_bonds_its_device_and_the_bonded_trn_leaves_its_balance_but_not_the_supply() {
    let mut c = Chain::new();
    let before = c.balance("owner");
    assert_eq!(c.stake("owner", hotspot(), trn(100)), Outcome::OK);
    let fee = before
        .checked_sub(trn(100))
        .unwrap()
        .checked_sub(c.balance("owner"))
        .unwrap();
    assert!(fee < trn(1), "only the fee besides the bond: {fee:?}");
    assert_eq!(c.staked("owner", hotspot()), trn(100));
    let min = Amount::new(c.0.exec.genesis().params.staking.min_device_bond);
    assert!(block_on(staking::is_bonded(&c.0.state(), &hotspot(), min)).unwrap());
    let ledger = block_on(staking::ledger(&c.0.state())).unwrap();
    assert_eq!(ledger.bonded, trn(100));
}

#[test]
fn delegation_waits_for_the_operator_and_then_joins_its_pool() {
    let mut c = Chain::new();
    let before = c.balance("delegator");
    assert_eq!(
        c.stake("delegator", hotspot(), trn(50)),
        rejected(StakingRejection::TargetNotBonded)
    );
    let charged = before.checked_sub(c.balance("delegator")).unwrap();
    assert!(
        charged < trn(1),
        "the refused stake moved only the fee: {charged:?}"
    );
    assert_eq!(
        c.stake("owner", hotspot(), trn(99)),
        rejected(StakingRejection::BelowMinimum)
    );
    assert_eq!(c.stake("owner", hotspot(), trn(100)), Outcome::OK);
    assert_eq!(c.stake("delegator", hotspot(), trn(50)), Outcome::OK);
    let pool = block_on(staking::pool(&c.0.state(), &hotspot()))
        .unwrap()
        .unwrap();
    assert_eq!(pool.total(), trn(150));
    assert_eq!(pool.operator_stake(), trn(100));
    assert_eq!(pool.operator, address_of(&key("owner")));
}

#[test]
fn targets_that_are_neither_devices_nor_validators_are_refused_with_a_code() {
    let mut c = Chain::new();
    let unknown_device = Target::Device(testkit::id_of(&testkit::key("nobody")));
    let not_a_validator = Target::Validator(address_of(&key("owner")));
    for target in [unknown_device, not_a_validator] {
        assert_eq!(
            c.stake("owner", target, trn(10_000)),
            rejected(StakingRejection::UnknownTarget)
        );
    }
    assert_eq!(
        c.stake("owner", hotspot(), Amount::ZERO),
        rejected(StakingRejection::ZeroStake)
    );
    assert_eq!(
        c.stake("owner", hotspot(), trn(30_000)),
        rejected(StakingRejection::InsufficientFunds)
    );
    let ledger = block_on(staking::ledger(&c.0.state())).unwrap();
    assert_eq!(ledger.bonded, Amount::ZERO, "nothing refused was held");
}

#[test]
fn a_validator_bonds_its_own_key_with_the_validator_minimum() {
    let mut c = Chain::new();
    assert_eq!(
        c.stake("validator", validator(), trn(9_999)),
        rejected(StakingRejection::BelowMinimum)
    );
    assert_eq!(c.stake("validator", validator(), trn(10_000)), Outcome::OK);
    assert_eq!(c.stake("delegator", validator(), trn(5_000)), Outcome::OK);
    let pool = block_on(staking::pool(&c.0.state(), &validator()))
        .unwrap()
        .unwrap();
    assert_eq!(pool.total(), trn(15_000));
}

#[test]
fn unbonded_stake_is_withdrawn_only_after_the_unbonding_epochs() {
    let mut c = Chain::new();
    assert_eq!(c.stake("owner", hotspot(), trn(100)), Outcome::OK);
    assert_eq!(c.stake("delegator", hotspot(), trn(40)), Outcome::OK);
    assert_eq!(
        c.unstake("delegator", hotspot(), trn(41)),
        rejected(StakingRejection::UnbondTooMuch)
    );
    assert_eq!(
        c.unstake("owner", hotspot(), trn(50)),
        rejected(StakingRejection::OperatorBelowMinimum)
    );
    assert_eq!(c.unstake("delegator", hotspot(), trn(40)), Outcome::OK);
    let unbonding = block_on(staking::ledger(&c.0.state())).unwrap().unbonding;
    assert_eq!(
        unbonding,
        trn(40),
        "unbonding TRN is still held (slashable)"
    );
    assert_eq!(
        c.one("delegator", Payload::WithdrawUnbonded(WithdrawUnbonded)),
        rejected(StakingRejection::NothingToWithdraw)
    );
    c.next_epoch();
    c.next_epoch();
    assert_eq!(
        c.one("delegator", Payload::WithdrawUnbonded(WithdrawUnbonded)),
        rejected(StakingRejection::NothingToWithdraw),
        "two of three unbonding epochs in"
    );
    c.next_epoch();
    let before = c.balance("delegator");
    assert_eq!(
        c.one("delegator", Payload::WithdrawUnbonded(WithdrawUnbonded)),
        Outcome::OK
    );
    let gained = c.balance("delegator").checked_sub(before).unwrap();
    assert!(
        gained > trn(39) && gained <= trn(40),
        "the 40 TRN less the fee: {gained:?}"
    );
    let ledger = block_on(staking::ledger(&c.0.state())).unwrap();
    assert_eq!(ledger.unbonding, Amount::ZERO);
    assert_eq!(ledger.bonded, trn(100));
}

#[test]
fn only_the_operator_sets_a_commission_and_never_above_the_maximum() {
    let mut c = Chain::new();
    assert_eq!(c.stake("owner", hotspot(), trn(100)), Outcome::OK);
    assert_eq!(c.stake("delegator", hotspot(), trn(40)), Outcome::OK);
    let set = |bps| {
        Payload::SetCommission(SetCommission {
            target: hotspot(),
            commission: BasisPoints::new(bps).unwrap(),
        })
    };
    assert_eq!(
        c.one("delegator", set(1_000)),
        rejected(StakingRejection::NotOperator)
    );
    assert_eq!(
        c.one("owner", set(5_001)),
        rejected(StakingRejection::CommissionTooHigh)
    );
    assert_eq!(c.one("owner", set(1_000)), Outcome::OK);
    let pool = block_on(staking::pool(&c.0.state(), &hotspot()))
        .unwrap()
        .unwrap();
    assert_eq!(pool.next_commission, BasisPoints::new(1_000).unwrap());
    assert_ne!(
        pool.commission, pool.next_commission,
        "the change is delayed"
    );
    assert_eq!(
        c.one(
            "delegator",
            Payload::ClaimStakeRewards(ClaimStakeRewards { target: hotspot() })
        ),
        rejected(StakingRejection::NothingToClaim)
    );
}

/// The epoch-0 summary once epoch 0 has closed.
fn closed_epoch_zero(c: &mut Chain) -> terrane_rewards::types::EpochSummary {
    // Epoch 0 closes once its proofs' grace window has passed, a few blocks into epoch 1.
    for _ in 0..3 * EPOCH {
        if let Some(s) = block_on(terrane_rewards::handler::summary(
            &c.0.state(),
            terrane_primitives::Epoch::ZERO,
        ))
        .unwrap()
        {
            return s;
        }
        c.outcomes(vec![]);
    }
    panic!("epoch 0 never closed")
}

#[test]
fn a_bonded_validator_and_its_delegators_earn_the_validators_share_of_the_emission() {
    let mut c = Chain::new();
    assert_eq!(c.stake("validator", validator(), trn(10_000)), Outcome::OK);
    assert_eq!(c.stake("delegator", validator(), trn(10_000)), Outcome::OK);
    let s = closed_epoch_zero(&mut c);
    let bps = u64::from(c.0.exec.genesis().params.rewards.validator_share_bps);
    assert!(s.validators > 0);
    assert_eq!(
        s.validators,
        s.emission - s.economy.emission(),
        "the share is the part of the emission burn-and-mint did not plan"
    );
    assert!(
        s.validators >= (s.economy.base_emission + s.validators) * bps / 10_000 - 1,
        "the share is validator_share_bps of the schedule"
    );
    // Half the pool is the validator's own bond, half is delegated at no commission.
    let half = s.validators / 2;
    let validator_earned = block_on(staking::claimable(
        &c.0.state(),
        &address_of(&key("validator")),
        &validator(),
    ))
    .unwrap();
    let delegator_earned = block_on(staking::claimable(
        &c.0.state(),
        &address_of(&key("delegator")),
        &validator(),
    ))
    .unwrap();
    assert!(validator_earned.get() >= half && validator_earned.get() <= half + 1);
    assert!(delegator_earned.get() + 1 >= half && delegator_earned.get() <= half);
    let before = c.balance("validator");
    let claim = c.0.tx(
        &key("validator"),
        Payload::ClaimStakeRewards(ClaimStakeRewards {
            target: validator(),
        }),
    );
    let fee = terrane_app::tx::SignedTransaction::decode_bounded(&claim)
        .unwrap()
        .tx
        .fee;
    assert_eq!(c.outcomes(vec![claim]), vec![Outcome::OK]);
    assert_eq!(
        c.balance("validator")
            .checked_add(fee)
            .unwrap()
            .checked_sub(before)
            .unwrap(),
        validator_earned,
        "the validator claims its share like any staking reward (less the claim's fee)"
    );
}

#[test]
fn with_no_validator_bonded_the_validators_share_goes_to_the_treasury() {
    let mut c = Chain::new();
    let treasury = c.0.exec.genesis().treasury().unwrap();
    let held = |c: &Chain| {
        block_on(terrane_accounts::handler::account(&c.0.state(), &treasury))
            .unwrap()
            .balance
    };
    let before = held(&c);
    let s = closed_epoch_zero(&mut c);
    assert!(s.validators > 0);
    let gained = held(&c).checked_sub(before).unwrap().get();
    assert!(
        gained >= s.validators,
        "the treasury got the whole share ({gained} < {})",
        s.validators
    );
}
