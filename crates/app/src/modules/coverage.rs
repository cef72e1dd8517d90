//! Wiring of `terrane-coverage`: the coverage resource class.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{BlockCtx, ClassVerifier, Module},
    modules::accounts::entry,
    params::ChainParams,
};
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS, events::CoverageEvent, genesis, handler, invariants,
    outcome::CoverageRejection, params::CoverageParams, state_key as tables,
};
use terrane_devices::types::ResourceClass;
use terrane_pow::{handler::Prechecked, params::PowParams, types::Verdict};
use terrane_primitives::{Epoch, ReasonInfo};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead, TableId};

/// The coverage module and resource class.
pub struct Coverage;

impl Module for Coverage {
    const NAME: &'static str = "coverage";
    type Params = CoverageParams;

    fn params(chain: &ChainParams) -> &CoverageParams {
        &chain.coverage
    }

    fn validate_params(p: &CoverageParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        CoverageRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Slots>(),
            entry::<tables::Witnesses>(),
            entry::<tables::EpochBeacons>(),
            entry::<tables::EpochBeaconCount>(),
            entry::<tables::WitnessSeen>(),
            entry::<tables::Params>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.coverage);
    }

    /// Matches the closing epoch's witnesses to revealed beacons and credits units, before
    /// rewards pays them.
    async fn close_epoch<S: StateRead>(
        ctx: &mut BlockCtx<'_, S>,
        closing: Epoch,
    ) -> Result<(), StateError> {
        let pow = &ctx.genesis.params.pow;
        let summary =
            handler::close_epoch(ctx.state, ctx.env, pow, closing, &ctx.env.randomness).await?;
        ctx.emit(EventKind::Coverage(CoverageEvent::EpochClosed {
            epoch: closing,
            summary,
        }));
        Ok(())
    }

    /// Every beacon slot of the current epoch holds distinct witnesses, none the beaconer.
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        at: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        let p = handler::params(state).await?;
        let count = state
            .get::<tables::EpochBeaconCount>(&at.epoch)
            .await?
            .unwrap_or(0);
        for i in 0..count {
            let Some(beaconer) = state.get::<tables::EpochBeacons>(&(at.epoch, i)).await? else {
                return Ok(Err(format!("beacon list has a hole at {i}")));
            };
            if let Err(why) = invariants::check_slot(state, &p, at.epoch, &beaconer).await? {
                return Ok(Err(format!("slot of {beaconer}: {why}")));
            }
        }
        Ok(Ok(()))
    }
}

impl ClassVerifier for Coverage {
    const CLASS: u8 = ResourceClass::Coverage.tag();
    const KINDS: &'static [(u8, &'static str)] =
        &[(KIND_BEACON, "beacon"), (KIND_WITNESS, "witness")];

    // The handler's own future, not an async wrapper around it (one layer less in the node's
    // block-execution future).
    fn verify_report<S: StateRead>(
        state: &mut Overlay<S>,
        env: &BlockEnv,
        pow: &PowParams,
        report: &Prechecked,
    ) -> impl Future<Output = Result<Verdict, StateError>> {
        handler::verify_report(state, env, pow, report)
    }
}
