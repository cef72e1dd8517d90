//! `GET /v1/staking`, `/v1/stakes/…`, `/v1/unbonding/{address}`: the staking books, pools
//! with proofs, positions and unbonding entries, at the latest finalized block.

use super::*;
use terrane_api::{
    StakePoolView, StakePositionView, StakeTarget, StakingView, UnbondingEntryView, UnbondingView,
    ValidatorStakeView,
};
use terrane_primitives::Amount;
use terrane_staking::{handler as staking, state_key::Pools, types::Target};

/// The staking module's name for a target the API names.
pub(super) fn target_of(t: StakeTarget) -> Target {
    match t {
        StakeTarget::Device(id) => Target::Device(DeviceId::new(id)),
        StakeTarget::Validator(a) => Target::Validator(Address::new(a)),
    }
}

/// A target as the views write it: its kind and its hex id.
pub(super) fn kind_and_id(t: &Target) -> (String, String) {
    match t {
        Target::Device(d) => ("device".to_owned(), d.to_string()),
        Target::Validator(v) => ("validator".to_owned(), v.to_string()),
    }
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn staking_view(&self) -> Result<StakingView, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let params = staking::params(&overlay).await.map_err(internal)?;
        let ledger = staking::ledger(&overlay).await.map_err(internal)?;
        let min_bond = Amount::new(params.min_validator_bond);
        let mut validators = Vec::new();
        for v in staking::validators(&overlay).await.map_err(internal)? {
            let pool = staking::pool(&overlay, &Target::Validator(v))
                .await
                .map_err(internal)?
                .unwrap_or_default();
            validators.push(ValidatorStakeView {
                address: v.to_string(),
                bonded: pool.is_bonded(min_bond),
                operator_stake: pool.operator_stake().get(),
                total: pool.total().get(),
            });
        }
        Ok(StakingView {
            height,
            bonded: ledger.bonded.get(),
            unbonding: ledger.unbonding.get(),
            rewards_owed: ledger.rewards_owed.get(),
            rewards_distributed: ledger.rewards_distributed.get(),
            slashed: ledger.slashed.get(),
            pools: ledger.pools,
            min_device_bond: params.min_device_bond,
            min_validator_bond: params.min_validator_bond,
            unbonding_epochs: params.unbonding_epochs,
            max_commission_bps: params.max_commission_bps,
            validators,
        })
    }

    pub(super) async fn stake_pool_view(
        &self,
        target: StakeTarget,
    ) -> Result<Option<StakePoolView>, ApiError> {
        let target = target_of(target);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let Some(pool) = staking::pool(&overlay, &target).await.map_err(internal)? else {
            return Ok(None);
        };
        let params = staking::params(&overlay).await.map_err(internal)?;
        let min_bond = terrane_app::modules::staking::target_info(&overlay, &params, &target)
            .await
            .map_err(internal)?
            .map_or(Amount::ZERO, |i| i.min_bond);
        let p = self
            .prove(&guard, height, &StateKey::of::<Pools>(&target))
            .await?;
        let (kind, id) = kind_and_id(&target);
        Ok(Some(StakePoolView {
            kind,
            target: id,
            operator: pool.operator.to_string(),
            bonded: pool.is_bonded(min_bond),
            min_bond: min_bond.get(),
            total: pool.total().get(),
            operator_stake: pool.operator_stake().get(),
            delegated: pool.delegated().get(),
            unbonding: pool.unbonding.stake.get(),
            slashed: pool.slashed.get(),
            commission_bps: pool.commission.get(),
            next_commission_bps: pool.next_commission.get(),
            commission_from: pool.commission_from.get(),
            owed: pool.owed.get(),
            height: p.height,
            state_root: p.state_root,
            key: p.key,
            value: p
                .value
                .ok_or_else(|| ApiError::internal("a pool read has no proven value"))?,
            proof: p.proof,
        }))
    }

    pub(super) async fn stake_position_view(
        &self,
        target: StakeTarget,
        staker: [u8; 32],
    ) -> Result<StakePositionView, ApiError> {
        let target = target_of(target);
        let staker = Address::new(staker);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let position = staking::position(&overlay, &staker, &target)
            .await
            .map_err(internal)?;
        let claimable = staking::claimable(&overlay, &staker, &target)
            .await
            .map_err(internal)?;
        let pool = staking::pool(&overlay, &target).await.map_err(internal)?;
        let operator = pool.as_ref().is_some_and(|p| p.operator == staker);
        let amount = pool.map_or(Amount::ZERO, |p| p.bonded.value(position.shares));
        let (kind, id) = kind_and_id(&target);
        Ok(StakePositionView {
            height,
            staker: staker.to_string(),
            kind,
            target: id,
            operator,
            amount: amount.get(),
            claimable: claimable.get(),
        })
    }

    pub(super) async fn unbonding_view(
        &self,
        address: [u8; 32],
    ) -> Result<UnbondingView, ApiError> {
        let address = Address::new(address);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        // A withdrawal submitted now executes in the next block: its epoch decides release.
        let epoch = terrane_pow::schedule::epoch_of(
            terrane_primitives::Height::new(height + 1),
            self.pow_params().epoch_length_blocks,
        );
        let queue = staking::unbonding(&overlay, &address)
            .await
            .map_err(internal)?;
        let mut worth = Vec::with_capacity(queue.0.len());
        for e in &queue.0 {
            worth.push(
                staking::unbonding_value(&overlay, e)
                    .await
                    .map_err(internal)?
                    .get(),
            );
        }
        let total = worth.iter().sum();
        let withdrawable = queue
            .0
            .iter()
            .zip(&worth)
            .filter(|(e, _)| e.release <= epoch)
            .map(|(_, w)| w)
            .sum();
        Ok(UnbondingView {
            height,
            epoch: epoch.get(),
            address: address.to_string(),
            total,
            withdrawable,
            entries: queue
                .0
                .iter()
                .zip(&worth)
                .map(|(e, amount)| {
                    let (kind, target) = kind_and_id(&e.target);
                    UnbondingEntryView {
                        kind,
                        target,
                        amount: *amount,
                        release: e.release.get(),
                    }
                })
                .collect(),
        })
    }
}
