//! Closing an epoch's rewards, and claims.
//!
//! ```text
//! close(e): emission_for(e) + remint ─ economy::plan (usage at the fresh price, first;
//!           the subsidy bound) ─▶ usage lines, subsidy
//!   subsidy ─ class_pools ─▶ pool per class (+ remainder)
//!   workers of e (pow ledger) ─ per class: WorkItem { units, density cell, reputation,
//!   vetting, eligible } ─ split ─▶ lines
//!   lines ─▶ per-device cumulative totals, per-epoch breakdowns, the reward list and root
//!   distributed → minted into the module's unclaimed pool · dust → minted to the treasury ·
//!   not issued → never minted
//! claim(device): owner only; cumulative − claimed moves from the pool to the owner
//! ```
//! Conservation (asserted on every close): distributed (subsidy + usage) + dust + not_issued +
//! validators == emission (schedule + re-mint).

use crate::{
    economy::{self, UsageLine},
    emission::{class_pools, emission_for},
    leaf,
    msg::ClaimRewards,
    outcome::RewardsRejection,
    params::EmissionParams,
    split::{WorkItem, split},
    state_key::{
        LEDGER_KEY, Ledgers, Lines, List, ModuleLedger, PARAMS_KEY, Params, Summaries,
        TREASURY_KEY, Treasury,
    },
    types::{ClassTotals, DeviceRewards, EpochSummary, Ledger, RewardLine},
};
use std::collections::BTreeMap;
use terrane_accounts::{events::AccountsEvent, handler as accounts};
use terrane_devices::{
    handler as devices,
    types::{Device, DeviceStatus},
};
use terrane_pow::{handler as pow, params::PowParams, reputation};
use terrane_primitives::{Address, Amount, ClassId, DeviceId, Epoch, Hash32, merkle};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// The emission parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<EmissionParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("emission params are written at genesis"))
}

/// The treasury address.
///
/// # Panics
/// If genesis did not write it.
pub async fn treasury<S: StateRead>(state: &Overlay<S>) -> Result<Address, StateError> {
    Ok(state
        .get::<Treasury>(&TREASURY_KEY)
        .await?
        .expect("the treasury is written at genesis"))
}

/// The module's running totals.
pub async fn ledger<S: StateRead>(state: &Overlay<S>) -> Result<Ledger, StateError> {
    Ok(state
        .get::<ModuleLedger>(&LEDGER_KEY)
        .await?
        .unwrap_or_default())
}

/// A device's reward ledger.
pub async fn device_rewards<S: StateRead>(
    state: &Overlay<S>,
    device: &DeviceId,
) -> Result<DeviceRewards, StateError> {
    Ok(state.get::<Ledgers>(device).await?.unwrap_or_default())
}

/// What rewards asks the resource classes when it closes an epoch. The classes sit above this
/// crate, so the app implements it over its class list (`terrane_app::modules`).
pub trait ClassRules {
    /// Whether active `device` may be paid for its work in `epoch` under its class's own rules
    /// (coverage: not during a relocation cooldown). Called once per worker at close, in
    /// work-ledger order; must only read, and be deterministic.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn payable<S: StateRead>(
        &self,
        state: &Overlay<S>,
        device: &Device,
        epoch: Epoch,
    ) -> Result<bool, StateError>;

    /// The devices a customer's payment to `device` in `epoch` also backs (its class's reach;
    /// rule 2b of the split). Must only read, be deterministic, and list each device once.
    /// The default: nobody (a payment backs its payee alone).
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn reach<S: StateRead>(
        &self,
        _state: &Overlay<S>,
        _device: &Device,
        _epoch: Epoch,
    ) -> Result<Vec<DeviceId>, StateError> {
        Ok(Vec::new())
    }
}

/// No class rule: every active device is payable (for tests of the split alone).
pub struct EveryActiveDevice;

impl ClassRules for EveryActiveDevice {
    async fn payable<S: StateRead>(
        &self,
        _: &Overlay<S>,
        _: &Device,
        _: Epoch,
    ) -> Result<bool, StateError> {
        Ok(true)
    }
}

/// Closes `epoch`: splits its emission over the work ledger, credits devices, mints the
/// distributed amount into the unclaimed pool and the dust to the treasury, and commits the
/// reward list's root. Returns the summary, the accounts events of the minting, and the reward
/// list (each rewarded device with its line's total, in list order).
///
/// # Panics
/// If the split does not conserve the emission (a broken invariant).
pub async fn close_epoch<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    pow_params: &PowParams,
    epoch: Epoch,
    rules: &impl ClassRules,
) -> Result<(EpochSummary, Vec<AccountsEvent>, Vec<(DeviceId, Amount)>), StateError> {
    let params = params(state).await?;
    let mut l = ledger(state).await?;

    // Burn-and-mint (economy.rs): the schedule plus re-minted burns; usage first, at the
    // close's fresh price — or deferred to the next close that has one, never a stale price.
    let burned_for_credits = terrane_credits::handler::ledger(state).await?.trn_burned;
    let remint = burned_for_credits
        .checked_sub(l.reminted)
        .expect("re-mint never exceeds what was burned")
        .get()
        .min(params.economy.remint_cap_per_epoch);
    let price = terrane_oracle::handler::price(state, env.timestamp)
        .await?
        .ok()
        .map(|p| p.price.get());
    let mut usage: Vec<(DeviceId, u64)> = Vec::new();
    if price.is_some() {
        let from = l.usage_settled.map_or(Epoch::ZERO, |e| {
            e.checked_next().expect("epochs stay far below u64::MAX")
        });
        let mut by_device: BTreeMap<DeviceId, u64> = BTreeMap::new();
        let mut e = from;
        while e <= epoch {
            for (device, credits) in terrane_credits::handler::epoch_usage_lines(state, e).await? {
                let total = by_device.entry(device).or_default();
                *total = total
                    .checked_add(credits.get())
                    .expect("bounded by credits minted");
            }
            e = e.checked_next().expect("epochs stay far below u64::MAX");
        }
        usage = by_device.into_iter().collect();
        l.usage_settled = Some(epoch);
    }
    let micro_usd_per_credit = terrane_credits::handler::params(state)
        .await?
        .micro_usd_per_credit;
    // The validators' share comes off the schedule first: consensus is paid whatever the
    // demand (staking pays it; the rest of the emission is burn-and-mint as before).
    let scheduled = emission_for(epoch, &params);
    let validators = u64::try_from(
        u128::from(scheduled) * u128::from(params.validator_share_bps)
            / u128::from(crate::emission::BPS_ONE),
    )
    .expect("a share of a u64 fits a u64");
    let (econ, usage_lines) = economy::plan(
        epoch,
        scheduled - validators,
        remint,
        &usage,
        price,
        micro_usd_per_credit,
        &params.economy,
    );
    let emission = econ.emission() + validators;
    let mut usage_of: BTreeMap<DeviceId, UsageLine> = usage_lines.into_iter().collect();

    let pools = class_pools(econ.subsidy, &params);
    let workers = pow::workers(state, epoch).await?;
    // Only a demand-backed pool reads the backing: without one, no reach is looked up.
    let backing = if params.classes.iter().any(|c| c.backed_bps > 0) {
        backing(state, epoch, &usage_of, &params.economy, rules).await?
    } else {
        BTreeMap::new()
    };

    // One item list per class, in work-ledger order; every class with a pool is listed even
    // without work (its pool is then not issued).
    let mut items: BTreeMap<ClassId, Vec<WorkItem>> =
        pools.pools.iter().map(|(c, _)| (*c, Vec::new())).collect();
    for (device_id, entry) in &workers {
        let Some(device) = devices::device(state, device_id).await? else {
            continue;
        };
        let work = pow::device_work(state, pow_params, device_id, epoch).await?;
        let eligible =
            device.status == DeviceStatus::Active && rules.payable(state, &device, epoch).await?;
        items.entry(entry.class).or_default().push(WorkItem {
            device: *device_id,
            units: entry.units,
            density_cell: entry.density_cell,
            reputation_ppm: work.reputation_ppm,
            vetting_ppm: reputation::vetting_ppm(&work, params.vetting_valid_reports),
            eligible,
            backing: backing.get(device_id).copied().unwrap_or(0),
        });
    }

    let mut summary = EpochSummary {
        emission,
        classes: Vec::with_capacity(items.len()),
        dust: pools.remainder + econ.usage_dust,
        not_issued: pools.not_issued + econ.bound_not_issued,
        reward_root: Hash32::default(),
        devices: 0,
        rewarded: 0,
        closed_at: env.height,
        economy: econ,
        validators,
    };
    let mut leaves: Vec<Hash32> = Vec::new();
    let mut paid: Vec<(DeviceId, Amount)> = Vec::new();
    for (&class, class_items) in &items {
        let pool = pools.pool(class);
        let s = split(pool, class_items, &params.split_params(class));
        summary.classes.push(ClassTotals {
            class,
            pool,
            distributed: s.distributed,
        });
        summary.dust += s.dust;
        summary.not_issued += s.not_issued;
        for (device, breakdown) in &s.lines {
            let usage = usage_of.remove(device).unwrap_or_default();
            let line = RewardLine {
                class,
                leaf_index: None,
                breakdown: *breakdown,
                usage,
            };
            record_line(
                state,
                epoch,
                device,
                line,
                &mut summary,
                &mut leaves,
                &mut paid,
            )
            .await?;
        }
    }
    // Devices paid for usage without work in this epoch's ledger: a line of usage alone, in
    // device-id order, after the class lines.
    for (device, usage) in usage_of {
        let class = match devices::device(state, &device).await? {
            Some(d) => d.class(),
            None => unreachable!("usage is only ever paid to registered devices"),
        };
        let line = RewardLine {
            class,
            leaf_index: None,
            breakdown: crate::split::Breakdown::default(),
            usage,
        };
        record_line(
            state,
            epoch,
            &device,
            line,
            &mut summary,
            &mut leaves,
            &mut paid,
        )
        .await?;
    }
    summary.reward_root = merkle::root(&leaves);
    assert_eq!(
        summary.distributed_total() + summary.dust + summary.not_issued + summary.validators,
        emission,
        "epoch {epoch} rewards do not conserve the emission"
    );

    let mut events = Vec::new();
    let distributed = Amount::new(summary.distributed_total());
    if !distributed.is_zero() {
        accounts::mint_to_pool(state, distributed).await?;
    }
    if summary.dust > 0 {
        let treasury = treasury(state).await?;
        events.push(accounts::mint(state, &treasury, Amount::new(summary.dust)).await?);
    }
    l.reminted = l
        .reminted
        .checked_add(Amount::new(remint))
        .expect("bounded by burns");
    l.usage_paid = l
        .usage_paid
        .checked_add(Amount::new(econ.usage_paid))
        .expect("fits the supply");
    l.unclaimed = l
        .unclaimed
        .checked_add(distributed)
        .expect("fits the supply");
    l.distributed = l
        .distributed
        .checked_add(distributed)
        .expect("fits the supply");
    l.dust = l
        .dust
        .checked_add(Amount::new(summary.dust))
        .expect("fits the supply");
    l.last_closed = Some(epoch);
    state.put::<ModuleLedger>(&LEDGER_KEY, &l);
    state.put::<Summaries>(&epoch, &summary);
    Ok((summary, events, paid))
}

/// What paid usage backs, per device (rule 2b of the split): each paid device's usage, times
/// `k = subsidy_per_usage_bps`, shared equally between it and its reach. The shares sum to at
/// most `k ×` the usage paid, so buying usage for one's own devices backs no more subsidy than
/// the network's bound allows — which `k × (1 − fee) ≤ fee` makes a loss (economy.rs).
async fn backing<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    usage: &BTreeMap<DeviceId, UsageLine>,
    economy: &economy::EconomyParams,
    rules: &impl ClassRules,
) -> Result<BTreeMap<DeviceId, u64>, StateError> {
    let mut out: BTreeMap<DeviceId, u64> = BTreeMap::new();
    for (payee, line) in usage {
        if line.paid == 0 {
            continue;
        }
        let Some(device) = devices::device(state, payee).await? else {
            continue;
        };
        let reach = rules.reach(state, &device, epoch).await?;
        let backed = u128::from(line.paid) * u128::from(economy.subsidy_per_usage_bps)
            / u128::from(crate::emission::BPS_ONE);
        let parties = u128::try_from(reach.len()).expect("a short list") + 1;
        // Saturates only for a k above 10^4 (a fee of 100 % allows any k).
        let share = u64::try_from(backed / parties).unwrap_or(u64::MAX);
        for d in std::iter::once(payee).chain(reach.iter()) {
            let b = out.entry(*d).or_default();
            *b = b.saturating_add(share);
        }
    }
    Ok(out)
}

/// Stores one reward line of a close: in the reward list (and the device's ledger) if it pays
/// anything, and its breakdown either way.
async fn record_line<S: StateRead>(
    state: &mut Overlay<S>,
    epoch: Epoch,
    device: &DeviceId,
    mut line: RewardLine,
    summary: &mut EpochSummary,
    leaves: &mut Vec<Hash32>,
    paid: &mut Vec<(DeviceId, Amount)>,
) -> Result<(), StateError> {
    summary.devices += 1;
    let total = line.total();
    if total > 0 {
        let i = u32::try_from(leaves.len()).expect("fewer than 2^32 lines");
        leaves.push(leaf::leaf_hash(
            epoch,
            *device,
            &line.breakdown,
            &line.usage,
        ));
        state.put::<List>(&(epoch, i), device);
        paid.push((*device, Amount::new(total)));
        summary.rewarded += 1;
        let mut ledger = device_rewards(state, device).await?;
        ledger.cumulative = ledger
            .cumulative
            .checked_add(Amount::new(total))
            .expect("rewards fit the supply");
        ledger.last_epoch = epoch;
        state.put::<Ledgers>(device, &ledger);
        line.leaf_index = Some(i);
    }
    state.put::<Lines>(&(epoch, *device), &line);
    Ok(())
}

/// Pays out whatever `device` has earned and not claimed to `owner`, if anything: called
/// before the device changes hands, so a sale never hands the seller's earnings to the buyer.
pub async fn settle<S: StateRead>(
    state: &mut Overlay<S>,
    device: &DeviceId,
    owner: &Address,
) -> Result<Option<(Amount, AccountsEvent)>, StateError> {
    let mut ledger = device_rewards(state, device).await?;
    let amount = ledger.claimable();
    if amount.is_zero() {
        return Ok(None);
    }
    ledger.claimed = ledger
        .claimed
        .checked_add(amount)
        .expect("claimed never exceeds cumulative");
    state.put::<Ledgers>(device, &ledger);
    let mut l = self::ledger(state).await?;
    l.unclaimed = l
        .unclaimed
        .checked_sub(amount)
        .expect("claims never exceed what was minted to the pool");
    state.put::<ModuleLedger>(&LEDGER_KEY, &l);
    let event = accounts::credit_from_pool(state, owner, amount).await?;
    Ok(Some((amount, event)))
}

/// Hands `amount` of `device`'s claimable rewards to its delegators: it leaves the device's
/// ledger and the module's unclaimed TRN, and the caller (the staking wiring) books it in the
/// device's stake pool. The TRN stays in the module-held pool of the supply.
///
/// # Panics
/// If `amount` exceeds what the device can claim (a broken invariant of the caller).
pub async fn hand_to_delegators<S: StateRead>(
    state: &mut Overlay<S>,
    device: &DeviceId,
    amount: Amount,
) -> Result<(), StateError> {
    let mut ledger = device_rewards(state, device).await?;
    assert!(
        amount <= ledger.claimable(),
        "device {device}: delegators handed more than it can claim"
    );
    ledger.delegated = ledger
        .delegated
        .checked_add(amount)
        .expect("below cumulative");
    state.put::<Ledgers>(device, &ledger);
    let mut l = self::ledger(state).await?;
    l.unclaimed = l
        .unclaimed
        .checked_sub(amount)
        .expect("the device's credit is unclaimed");
    l.delegated = l.delegated.checked_add(amount).expect("fits the supply");
    state.put::<ModuleLedger>(&LEDGER_KEY, &l);
    Ok(())
}

/// Pays a device's claimable rewards to its owner.
pub async fn claim<S: StateRead>(
    state: &mut Overlay<S>,
    signer: &Address,
    msg: &ClaimRewards,
) -> Result<Result<(Amount, AccountsEvent), RewardsRejection>, StateError> {
    let Some(device) = devices::device(state, &msg.device).await? else {
        return Ok(Err(RewardsRejection::UnknownDevice));
    };
    if &device.owner != signer {
        return Ok(Err(RewardsRejection::NotOwner));
    }
    match settle(state, &msg.device, signer).await? {
        Some(paid) => Ok(Ok(paid)),
        None => Ok(Err(RewardsRejection::NothingToClaim)),
    }
}

/// The epoch's summary, if closed.
pub async fn summary<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
) -> Result<Option<EpochSummary>, StateError> {
    state.get::<Summaries>(&epoch).await
}

/// A device's line in an epoch.
pub async fn line<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    device: &DeviceId,
) -> Result<Option<RewardLine>, StateError> {
    state.get::<Lines>(&(epoch, *device)).await
}

/// The Merkle proof of a device's line against the epoch's reward root, if it was rewarded.
pub async fn line_proof<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    device: &DeviceId,
) -> Result<Option<(RewardLine, Vec<merkle::ProofStep>)>, StateError> {
    let (Some(line), Some(summary)) = (
        line(state, epoch, device).await?,
        summary(state, epoch).await?,
    ) else {
        return Ok(None);
    };
    let Some(index) = line.leaf_index else {
        return Ok(None);
    };
    let leaves = reward_leaves(state, epoch, summary.rewarded).await?;
    Ok(merkle::prove(&leaves, index as usize).map(|p| (line, p)))
}

/// The leaf hashes of closed epoch `epoch`'s reward list (`rewarded` of them, from its
/// summary). Reads two records per rewarded device: callers serving many proofs of one epoch
/// should keep the result (a closed epoch's leaves never change).
pub async fn reward_leaves<S: StateRead>(
    state: &Overlay<S>,
    epoch: Epoch,
    rewarded: u32,
) -> Result<Vec<Hash32>, StateError> {
    let mut leaves = Vec::with_capacity(rewarded as usize);
    for i in 0..rewarded {
        let d = state
            .get::<List>(&(epoch, i))
            .await?
            .expect("reward list is contiguous");
        let l = state
            .get::<Lines>(&(epoch, d))
            .await?
            .expect("every listed device has a line");
        leaves.push(leaf::leaf_hash(epoch, d, &l.breakdown, &l.usage));
    }
    Ok(leaves)
}
