//! Checks and execution for staking: stake, unstake, withdraw, commission, distribute, claim.
//!
//! Each function reads through the block's [`Overlay`], checks every rule before it writes,
//! and returns `Ok(Err(rejection))` without writing when a rule fails. `Err` is reserved for
//! storage faults.
//!
//! Rewards are lazy: [`distribute`] moves one pool's accumulator (constant work however many
//! delegators the pool has) and each position settles what it earned the next time it is
//! touched (stake, unstake, claim).

use crate::{
    events::StakingEvent,
    msg::{ClaimStakeRewards, SetCommission, Stake, Unstake},
    outcome::StakingRejection,
    params::StakingParams,
    state_key::{
        Ledger, PARAMS_KEY, Params, Pools, Positions, SINGLETON, Unbondings, ValidatorSet,
        Validators,
    },
    types::{ACC_SCALE, Pool, Position, Shares, StakeLedger, Target, Unbonding, UnbondingQueue},
};
use terrane_accounts::handler as accounts;
use terrane_primitives::{Address, Amount, BasisPoints, Epoch};
use terrane_state::{Overlay, StateError, StateRead};

/// A module call's result: a storage fault, or an accepted value / a rejection.
pub type Executed<T> = Result<Result<T, StakingRejection>, StateError>;

/// What the app resolves about a target before staking reads it (staking reads no other
/// module's tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetInfo {
    /// Who operates it now (a device's owner; a validator's account).
    pub operator: Address,
    /// The operator's own bond it needs to earn.
    pub min_bond: Amount,
}

/// Where a call runs: the block's epoch and the account rounding dust goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakeCtx {
    /// The block's epoch.
    pub epoch: Epoch,
    /// The treasury (dust of reward splits and of emptied pools).
    pub treasury: Address,
}

/// The parameters.
///
/// # Panics
/// If genesis did not write them: every chain writes them at height 1.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<StakingParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("staking params are written at genesis"))
}

/// The module's totals.
pub async fn ledger<S: StateRead>(state: &Overlay<S>) -> Result<StakeLedger, StateError> {
    Ok(state.get::<Ledger>(&SINGLETON).await?.unwrap_or_default())
}

/// The pool of `target`, if anything is staked on it or owed from it.
pub async fn pool<S: StateRead>(
    state: &Overlay<S>,
    target: &Target,
) -> Result<Option<Pool>, StateError> {
    state.get::<Pools>(target).await
}

/// `who`'s position on `target` as stored (rewards since its last settlement not included:
/// see [`claimable`]).
pub async fn position<S: StateRead>(
    state: &Overlay<S>,
    who: &Address,
    target: &Target,
) -> Result<Position, StateError> {
    Ok(state
        .get::<Positions>(&(*who, *target))
        .await?
        .unwrap_or_default())
}

/// What `who` could claim from `target` now.
pub async fn claimable<S: StateRead>(
    state: &Overlay<S>,
    who: &Address,
    target: &Target,
) -> Result<Amount, StateError> {
    let Some(pool) = pool(state, target).await? else {
        return Ok(Amount::ZERO);
    };
    let mut pos = position(state, who, target).await?;
    let mut pool = pool;
    let is_operator = *who == pool.operator;
    settle(&mut pool, &mut pos, is_operator);
    Ok(pos.pending)
}

/// `who`'s unbonding entries.
pub async fn unbonding<S: StateRead>(
    state: &Overlay<S>,
    who: &Address,
) -> Result<UnbondingQueue, StateError> {
    Ok(state.get::<Unbondings>(who).await?.unwrap_or_default())
}

/// Whether `address` is one of the chain's validators.
pub async fn is_validator<S: StateRead>(
    state: &Overlay<S>,
    address: &Address,
) -> Result<bool, StateError> {
    Ok(state.get::<Validators>(address).await?.is_some())
}

/// Whether `target` is bonded: its operator's own stake is at least `min_bond` (which is
/// never zero: the parameters forbid it).
pub async fn is_bonded<S: StateRead>(
    state: &Overlay<S>,
    target: &Target,
    min_bond: Amount,
) -> Result<bool, StateError> {
    Ok(pool(state, target)
        .await?
        .is_some_and(|p| p.is_bonded(min_bond)))
}

/// What `shares` earned while the accumulator moved by `diff`: the floor of
/// `shares × diff / ACC_SCALE`.
///
/// # Panics
/// If the result exceeds `u64`: a position never earns more than was distributed, which the
/// supply bounds.
fn earned(shares: Shares, diff: u128) -> Amount {
    let a = u128::from(shares.get());
    // Split so neither product overflows: (q·S + r)·a / S = q·a + r·a / S.
    let (q, r) = (diff / ACC_SCALE, diff % ACC_SCALE);
    let whole = q.checked_mul(a).expect("earned within the supply");
    let part = r * a / ACC_SCALE;
    Amount::new(u64::try_from(whole + part).expect("earned within the supply"))
}

/// Brings `pos` up to the pool's accumulator. The accumulator is per delegated share: the
/// operator's own position never accrues from it (the operator keeps its share
/// of the target's reward outside the pool, and earns the commission here).
fn settle(pool: &mut Pool, pos: &mut Position, is_operator: bool) {
    if is_operator {
        pos.acc_seen = pool.acc;
        return;
    }
    let e = earned(pos.shares, pool.acc.wrapping_sub(pos.acc_seen));
    pos.acc_seen = pool.acc;
    if !e.is_zero() {
        pos.pending = pos.pending.checked_add(e).expect("within the supply");
        pool.pending = pool.pending.checked_add(e).expect("within the supply");
        assert!(
            pool.pending <= pool.owed,
            "a pool settles more than it owes"
        );
    }
}

fn put_ledger<S: StateRead>(state: &mut Overlay<S>, l: &StakeLedger) {
    state.put::<Ledger>(&SINGLETON, l);
}

fn put_position<S: StateRead>(
    state: &mut Overlay<S>,
    who: &Address,
    target: &Target,
    pos: &Position,
) {
    if pos.shares.is_zero() && pos.pending.is_zero() {
        state.delete::<Positions>(&(*who, *target));
    } else {
        state.put::<Positions>(&(*who, *target), pos);
    }
}

/// Writes `pool`. A book whose shares are all gone pays the stake flooring left in it to the
/// treasury; so does an emptied pool its unclaimable rewards; a pool with nothing bonded,
/// unbonding or pending is deleted.
async fn put_pool<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    target: &Target,
    mut pool: Pool,
    l: &mut StakeLedger,
) -> Result<(), StateError> {
    if pool.bonded.shares.is_zero() && !pool.bonded.stake.is_zero() {
        let dust = pool.bonded.stake;
        accounts::credit_from_pool(state, &ctx.treasury, dust).await?;
        pool.bonded.stake = Amount::ZERO;
        l.bonded = l.bonded.checked_sub(dust).expect("the ledger holds it");
    }
    if pool.unbonding.shares.is_zero() && !pool.unbonding.stake.is_zero() {
        let dust = pool.unbonding.stake;
        accounts::credit_from_pool(state, &ctx.treasury, dust).await?;
        pool.unbonding.stake = Amount::ZERO;
        l.unbonding = l.unbonding.checked_sub(dust).expect("the ledger holds it");
    }
    if pool.bonded.shares.is_zero() {
        // No position holds shares, so every one is settled: the rest of `owed` beyond what
        // is pending is flooring residue no position can ever claim.
        let residue = pool.owed.checked_sub(pool.pending).expect("pending ≤ owed");
        if !residue.is_zero() {
            accounts::credit_from_pool(state, &ctx.treasury, residue).await?;
            pool.owed = pool.pending;
            l.rewards_owed = l.rewards_owed.checked_sub(residue).expect("ledger owes it");
        }
        if pool.pending.is_zero() && pool.unbonding.shares.is_zero() {
            state.delete::<Pools>(target);
            l.pools = l.pools.checked_sub(1).expect("the pool was counted");
            return Ok(());
        }
    }
    state.put::<Pools>(target, &pool);
    Ok(())
}

/// Stakes `msg.amount` of `signer`'s TRN on `msg.target`. Only `info.operator` opens a pool
/// (or takes over one whose operator has left, as when a device changes hands); the
/// operator's own position must reach `info.min_bond`.
pub async fn stake<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    signer: &Address,
    msg: &Stake,
    info: &TargetInfo,
) -> Executed<Vec<StakingEvent>> {
    if msg.amount.is_zero() {
        return Ok(Err(StakingRejection::ZeroStake));
    }
    let existing = pool(state, &msg.target).await?;
    let opens = existing.is_none();
    // `previous`: the operator a takeover replaces.
    let (mut pool, previous) = match existing {
        // The target's operator takes the pool over when it has none, or when the target
        // changed hands (a device sold): the former operator's stake stays, as a delegation.
        Some(p) if *signer == info.operator && p.operator != info.operator => (
            Pool {
                operator: info.operator,
                operator_shares: Shares::ZERO,
                ..p
            },
            Some(p.operator),
        ),
        Some(p) if p.operator_shares.is_zero() && *signer == info.operator => (p, None),
        Some(p) if p.operator_shares.is_zero() => {
            return Ok(Err(StakingRejection::TargetNotBonded));
        }
        Some(p) => (p, None),
        None if *signer == info.operator => (
            Pool {
                operator: info.operator,
                commission_from: ctx.epoch,
                ..Pool::default()
            },
            None,
        ),
        None => return Ok(Err(StakingRejection::TargetNotBonded)),
    };
    let mut pos = position(state, signer, &msg.target).await?;
    let Some(bought) = pool.bonded.shares_for(msg.amount) else {
        return Ok(Err(StakingRejection::PoolDiluted));
    };
    let is_operator = *signer == pool.operator;
    let shares = pos
        .shares
        .checked_add(bought)
        .expect("within the pool's shares");
    let mut after = pool.bonded;
    after.deposit(msg.amount, bought);
    if is_operator && after.value(shares) < info.min_bond {
        return Ok(Err(StakingRejection::BelowMinimum));
    }
    if accounts::hold(state, signer, msg.amount).await?.is_err() {
        return Ok(Err(StakingRejection::InsufficientFunds));
    }
    // A taking-over signer's position settles as the delegation it was until now; the
    // former operator's starts accruing as a delegation from here.
    settle(&mut pool, &mut pos, previous.is_none() && is_operator);
    if let Some(prev) = previous {
        let mut old = position(state, &prev, &msg.target).await?;
        old.acc_seen = pool.acc;
        put_position(state, &prev, &msg.target, &old);
    }
    pos.shares = shares;
    pool.bonded = after;
    if is_operator {
        pool.operator_shares = shares;
    }
    let mut l = ledger(state).await?;
    l.bonded = l
        .bonded
        .checked_add(msg.amount)
        .expect("stake within the supply");
    if opens {
        l.pools += 1;
    }
    put_position(state, signer, &msg.target, &pos);
    put_pool(state, ctx, &msg.target, pool, &mut l).await?;
    put_ledger(state, &l);
    Ok(Ok(vec![StakingEvent::Staked {
        staker: *signer,
        target: msg.target,
        amount: msg.amount,
    }]))
}

/// Moves `msg.amount` of `signer`'s position into unbonding, released after the chain's
/// unbonding period. An operator may leave entirely or keep at least `min_bond`.
pub async fn unstake<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    signer: &Address,
    msg: &Unstake,
    min_bond: Amount,
) -> Executed<Vec<StakingEvent>> {
    if msg.amount.is_zero() {
        return Ok(Err(StakingRejection::ZeroStake));
    }
    let Some(mut pool) = pool(state, &msg.target).await? else {
        return Ok(Err(StakingRejection::UnbondTooMuch));
    };
    let mut pos = position(state, signer, &msg.target).await?;
    let Some(burnt) = pool.bonded.shares_to_burn(pos.shares, msg.amount) else {
        return Ok(Err(StakingRejection::UnbondTooMuch));
    };
    let shares = pos
        .shares
        .checked_sub(burnt)
        .expect("at most the shares held");
    let mut after = pool.bonded;
    after.withdraw(msg.amount, burnt);
    let left = after.value(shares);
    let is_operator = *signer == pool.operator;
    if is_operator && !left.is_zero() && left < min_bond {
        return Ok(Err(StakingRejection::OperatorBelowMinimum));
    }
    let Some(unbonding_shares) = pool.unbonding.shares_for(msg.amount) else {
        return Ok(Err(StakingRejection::PoolDiluted));
    };
    let p = params(state).await?;
    let mut queue = unbonding(state, signer).await?;
    if queue.0.len() >= usize::from(p.max_unbonding_entries) {
        return Ok(Err(StakingRejection::TooManyUnbonding));
    }
    let release = ctx
        .epoch
        .checked_add(p.unbonding_epochs)
        .expect("epochs do not run out");
    settle(&mut pool, &mut pos, is_operator);
    pos.shares = shares;
    pool.bonded = after;
    if is_operator {
        pool.operator_shares = shares;
    }
    pool.unbonding.deposit(msg.amount, unbonding_shares);
    queue.0.push(Unbonding {
        target: msg.target,
        shares: unbonding_shares,
        release,
    });
    let mut l = ledger(state).await?;
    l.bonded = l.bonded.checked_sub(msg.amount).expect("part of the total");
    l.unbonding = l
        .unbonding
        .checked_add(msg.amount)
        .expect("within the supply");
    state.put::<Unbondings>(signer, &queue);
    put_position(state, signer, &msg.target, &pos);
    put_pool(state, ctx, &msg.target, pool, &mut l).await?;
    put_ledger(state, &l);
    Ok(Ok(vec![StakingEvent::Unstaked {
        staker: *signer,
        target: msg.target,
        amount: msg.amount,
        release,
    }]))
}

/// Pays `signer` every unbonding entry released by `ctx.epoch`, each at what its shares of
/// its target's unbonding stake are worth now (less than it unbonded if a slash came
/// between).
pub async fn withdraw<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    signer: &Address,
) -> Executed<Vec<StakingEvent>> {
    let queue = unbonding(state, signer).await?;
    let (released, waiting): (Vec<Unbonding>, Vec<Unbonding>) =
        queue.0.into_iter().partition(|e| e.release <= ctx.epoch);
    if released.is_empty() {
        return Ok(Err(StakingRejection::NothingToWithdraw));
    }
    let mut l = ledger(state).await?;
    let mut total = Amount::ZERO;
    for e in &released {
        let mut p = pool(state, &e.target)
            .await?
            .expect("a pool lives while unbonding shares of it exist");
        let amount = p.unbonding.value(e.shares);
        p.unbonding.withdraw(amount, e.shares);
        l.unbonding = l
            .unbonding
            .checked_sub(amount)
            .expect("the ledger holds it");
        total = total.checked_add(amount).expect("within the supply");
        put_pool(state, ctx, &e.target, p, &mut l).await?;
    }
    if !total.is_zero() {
        accounts::credit_from_pool(state, signer, total).await?;
    }
    put_ledger(state, &l);
    if waiting.is_empty() {
        state.delete::<Unbondings>(signer);
    } else {
        state.put::<Unbondings>(signer, &UnbondingQueue(waiting));
    }
    Ok(Ok(vec![StakingEvent::Withdrawn {
        staker: *signer,
        amount: total,
    }]))
}

/// What one entry of `signer`'s unbonding queue is worth now.
pub async fn unbonding_value<S: StateRead>(
    state: &Overlay<S>,
    entry: &Unbonding,
) -> Result<Amount, StateError> {
    Ok(pool(state, &entry.target)
        .await?
        .map_or(Amount::ZERO, |p| p.unbonding.value(entry.shares)))
}

/// What a slash took from a target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slashed {
    /// From its bonded stake (every position, the operator's and each delegator's, by share).
    pub bonded: Amount,
    /// From its unbonding stake (every entry still waiting, by share).
    pub unbonding: Amount,
}

impl Slashed {
    /// Both parts.
    pub fn total(&self) -> Amount {
        self.bonded
            .checked_add(self.unbonding)
            .expect("within the supply")
    }
}

/// Cuts `fraction` (below 100 %) of `target`'s bonded and of its unbonding stake, floored
/// each: every position and every unbonding entry of the target loses the same fraction, at
/// constant cost however many there are (they hold shares). The TRN taken leaves staking's
/// books; the caller pays it out (a bounty) or burns it, from the module-held pool. Rewards
/// already owed are not touched. `None` when nothing is staked on or unbonding from it.
///
/// # Panics
/// If `fraction` is 100 % or more: the parameters forbid it, and a book must keep a base unit
/// while shares of it exist.
pub async fn slash<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    target: &Target,
    fraction: BasisPoints,
) -> Executed<(Slashed, StakingEvent)> {
    assert!(fraction.get() < 10_000, "a slash is below 100 %");
    let Some(mut p) = pool(state, target).await? else {
        return Ok(Err(StakingRejection::NothingToSlash));
    };
    let cut = Slashed {
        bonded: p.bonded.cut(fraction),
        unbonding: p.unbonding.cut(fraction),
    };
    if cut.total().is_zero() {
        return Ok(Err(StakingRejection::NothingToSlash));
    }
    p.slashed = p
        .slashed
        .checked_add(cut.total())
        .expect("within the supply");
    let mut l = ledger(state).await?;
    l.bonded = l
        .bonded
        .checked_sub(cut.bonded)
        .expect("the ledger holds it");
    l.unbonding = l
        .unbonding
        .checked_sub(cut.unbonding)
        .expect("the ledger holds it");
    l.slashed = l
        .slashed
        .checked_add(cut.total())
        .expect("within the supply");
    put_pool(state, ctx, target, p, &mut l).await?;
    put_ledger(state, &l);
    let event = StakingEvent::Slashed {
        target: *target,
        bonded: cut.bonded,
        unbonding: cut.unbonding,
    };
    Ok(Ok((cut, event)))
}

/// Schedules `msg.commission` for `msg.target`, from `commission_delay_epochs` after
/// `ctx.epoch` (a change already pending is replaced, and the delay starts again).
pub async fn set_commission<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    signer: &Address,
    msg: &SetCommission,
) -> Executed<Vec<StakingEvent>> {
    let Some(mut pool) = pool(state, &msg.target).await? else {
        return Ok(Err(StakingRejection::NotOperator));
    };
    if pool.operator != *signer {
        return Ok(Err(StakingRejection::NotOperator));
    }
    let p = params(state).await?;
    if msg.commission.get() > p.max_commission_bps {
        return Ok(Err(StakingRejection::CommissionTooHigh));
    }
    pool.commission = pool.commission_at(ctx.epoch);
    pool.next_commission = msg.commission;
    pool.commission_from = ctx
        .epoch
        .checked_add(p.commission_delay_epochs)
        .expect("epochs do not run out");
    let from = pool.commission_from;
    state.put::<Pools>(&msg.target, &pool);
    Ok(Ok(vec![StakingEvent::CommissionSet {
        target: msg.target,
        commission: msg.commission,
        from,
    }]))
}

/// How [`distribute`] split a reward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// To the operator.
    pub commission: Amount,
    /// To the delegations pro rata (the operator's own stake does not share in it).
    pub stakers: Amount,
}

/// The delegators' part of `reward`, which `target` earned with `pool` staked on it: the
/// floor of `reward × delegated / total` (the operator keeps the rest, and the flooring).
pub fn delegated_share(pool: &Pool, reward: Amount) -> Amount {
    let delegated = pool.delegated();
    if pool.total().is_zero() || delegated.is_zero() {
        return Amount::ZERO;
    }
    let share =
        u128::from(reward.get()) * u128::from(delegated.get()) / u128::from(pool.total().get());
    Amount::new(u64::try_from(share).expect("a share of a u64 fits a u64"))
}

/// Where the TRN of a [`distribute`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Minted here (into the module-held pool of the supply).
    Mint,
    /// Already minted into the module-held pool by another module, which hands it over
    /// (rewards moves a device's delegated share out of its unclaimed TRN).
    Held,
}

/// Splits `reward`, the delegators' gross share of what `target` earned in `ctx.epoch`: the
/// commission in force to the operator, the rest to the delegations pro rata by stake (the
/// operator's own position does not share in it). `None`, moving nothing, when `target` has
/// no delegated stake (the caller keeps the reward with the operator).
pub async fn distribute<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    target: &Target,
    reward: Amount,
    source: Source,
) -> Result<Option<(Split, StakingEvent)>, StateError> {
    let Some(mut pool) = pool(state, target).await? else {
        return Ok(None);
    };
    let delegated = pool.delegated_shares();
    if delegated.is_zero() {
        return Ok(None);
    }
    let commission = Amount::new(pool.commission_at(ctx.epoch).apply_floor(reward.get()));
    let rest = reward.checked_sub(commission).expect("commission ≤ reward");
    // rest < 2^64 and ACC_SCALE < 2^60: the product fits. The whole reward is owed to the
    // pool: delegations settle floors of their shares (never more than `rest` in all, since
    // Σ shares·inc ≤ rest·ACC_SCALE), and what flooring leaves goes to the treasury when the
    // pool empties.
    let inc = u128::from(rest.get()) * ACC_SCALE / u128::from(delegated.get());
    pool.acc = pool.acc.wrapping_add(inc);
    // Owed first: the operator's commission below already draws on this reward.
    pool.owed = pool.owed.checked_add(reward).expect("within the supply");
    if !commission.is_zero() {
        let operator = pool.operator;
        let mut op = position(state, &operator, target).await?;
        settle(&mut pool, &mut op, true);
        op.pending = op
            .pending
            .checked_add(commission)
            .expect("within the supply");
        pool.pending = pool
            .pending
            .checked_add(commission)
            .expect("within the supply");
        put_position(state, &operator, target, &op);
    }
    state.put::<Pools>(target, &pool);
    owe_rewards(state, reward, source).await?;
    let split = Split {
        commission,
        stakers: rest,
    };
    Ok(Some((
        split,
        StakingEvent::Distributed {
            target: *target,
            commission,
            stakers: rest,
        },
    )))
}

/// The validator set, ascending by account.
pub async fn validators<S: StateRead>(state: &Overlay<S>) -> Result<Vec<Address>, StateError> {
    Ok(state
        .get::<ValidatorSet>(&SINGLETON)
        .await?
        .map(|l| l.0)
        .unwrap_or_default())
}

/// What one close paid the validators (see [`pay_validators`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidatorPayout {
    /// Per bonded validator, ascending by account: its share of the pool.
    pub shares: Vec<(Address, Amount)>,
    /// What no validator was paid (no bonded validator, or flooring): minted to the treasury.
    pub to_treasury: Amount,
}

/// Pays the validators' share of an epoch's emission, `amount`, minted here: each validator
/// whose operator bond reaches `min_bond` earns `⌊amount × total_v / Σ total⌋` by its pool's
/// whole stake (its own and its delegators'); of that, its delegators' fraction goes through
/// [`distribute`] (commission to the operator) and the rest is the operator's own, settled
/// into its position's pending rewards (claimed like any other with `claim_stake_rewards`).
/// Flooring residue, or the whole amount when no validator is bonded, is minted to the
/// treasury. Work is linear in the (static, small) validator set.
pub async fn pay_validators<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    amount: Amount,
    min_bond: Amount,
) -> Result<
    (
        ValidatorPayout,
        Vec<StakingEvent>,
        Vec<terrane_accounts::events::AccountsEvent>,
    ),
    StateError,
> {
    let mut bonded: Vec<(Address, Pool)> = Vec::new();
    for v in validators(state).await? {
        let target = Target::Validator(v);
        if let Some(p) = pool(state, &target).await?
            && p.is_bonded(min_bond)
        {
            bonded.push((v, p));
        }
    }
    // Σ total ≤ supply < 2^64, amount < 2^64: every product below fits u128.
    let weight: u128 = bonded
        .iter()
        .map(|(_, p)| u128::from(p.total().get()))
        .sum();
    let mut payout = ValidatorPayout::default();
    let mut events = Vec::new();
    let mut paid = Amount::ZERO;
    for (v, p) in &bonded {
        let share = (u128::from(amount.get()) * u128::from(p.total().get()))
            .checked_div(weight)
            .expect("a bonded validator's stake makes the weight positive");
        let share = Amount::new(u64::try_from(share).expect("a share of a u64 fits a u64"));
        if share.is_zero() {
            continue;
        }
        paid = paid
            .checked_add(share)
            .expect("shares sum to at most the pool");
        payout.shares.push((*v, share));
        let target = Target::Validator(*v);
        let delegated = delegated_share(p, share);
        if !delegated.is_zero()
            && let Some((_, e)) = distribute(state, ctx, &target, delegated, Source::Mint).await?
        {
            events.push(e);
        }
        let own = share.checked_sub(delegated).expect("a part of the share");
        if !own.is_zero() {
            credit_operator(state, &target, own).await?;
        }
        events.push(StakingEvent::ValidatorRewarded {
            validator: *v,
            epoch: ctx.epoch,
            amount: share,
        });
    }
    payout.to_treasury = amount
        .checked_sub(paid)
        .expect("shares sum to at most the pool");
    let mut minted = Vec::new();
    if !payout.to_treasury.is_zero() {
        minted.push(accounts::mint(state, &ctx.treasury, payout.to_treasury).await?);
    }
    Ok((payout, events, minted))
}

/// Mints `amount` into the operator's own position of `target` as settled rewards: what the
/// operator earned on its own stake (validators' emission share).
async fn credit_operator<S: StateRead>(
    state: &mut Overlay<S>,
    target: &Target,
    amount: Amount,
) -> Result<(), StateError> {
    let mut p = pool(state, target)
        .await?
        .expect("a bonded target has a pool");
    let operator = p.operator;
    let mut op = position(state, &operator, target).await?;
    settle(&mut p, &mut op, true);
    op.pending = op.pending.checked_add(amount).expect("within the supply");
    p.owed = p.owed.checked_add(amount).expect("within the supply");
    p.pending = p.pending.checked_add(amount).expect("within the supply");
    put_position(state, &operator, target, &op);
    state.put::<Pools>(target, &p);
    owe_rewards(state, amount, Source::Mint).await
}

/// Books `amount` of rewards into the ledger as owed to positions (minting it into the
/// module-held pool when it comes from `Source::Mint`).
async fn owe_rewards<S: StateRead>(
    state: &mut Overlay<S>,
    amount: Amount,
    source: Source,
) -> Result<(), StateError> {
    let mut l = ledger(state).await?;
    l.rewards_owed = l
        .rewards_owed
        .checked_add(amount)
        .expect("within the supply");
    l.rewards_distributed = l
        .rewards_distributed
        .checked_add(amount)
        .expect("within the supply");
    if source == Source::Mint {
        accounts::mint_to_pool(state, amount).await?;
    }
    put_ledger(state, &l);
    Ok(())
}

/// Pays `signer` its settled rewards on `msg.target`.
pub async fn claim<S: StateRead>(
    state: &mut Overlay<S>,
    ctx: &StakeCtx,
    signer: &Address,
    msg: &ClaimStakeRewards,
) -> Executed<Vec<StakingEvent>> {
    let Some(mut pool) = pool(state, &msg.target).await? else {
        return Ok(Err(StakingRejection::NothingToClaim));
    };
    let mut pos = position(state, signer, &msg.target).await?;
    let is_operator = *signer == pool.operator;
    settle(&mut pool, &mut pos, is_operator);
    let amount = pos.pending;
    if amount.is_zero() {
        return Ok(Err(StakingRejection::NothingToClaim));
    }
    accounts::credit_from_pool(state, signer, amount).await?;
    pos.pending = Amount::ZERO;
    let sub = |a: Amount| a.checked_sub(amount).expect("claimed from what is owed");
    pool.pending = sub(pool.pending);
    pool.owed = sub(pool.owed);
    let mut l = ledger(state).await?;
    l.rewards_owed = sub(l.rewards_owed);
    put_position(state, signer, &msg.target, &pos);
    put_pool(state, ctx, &msg.target, pool, &mut l).await?;
    put_ledger(state, &l);
    Ok(Ok(vec![StakingEvent::Claimed {
        staker: *signer,
        target: msg.target,
        amount,
    }]))
}
