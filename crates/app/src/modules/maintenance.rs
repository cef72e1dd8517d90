//! Wiring of `terrane-maintenance`: the app checks the owner and the device, settles the
//! device's reputation up to now, and hands the declaration to the module. The framework
//! (pow) reads the windows for its report precheck and reputation decay; slashing reads them
//! for missed-duty evidence.

use crate::{
    events::EventKind,
    genesis::Genesis,
    module::{Message, Module, TxCtx},
    modules::accounts::entry,
    outcome::Outcome,
    params::ChainParams,
};
use terrane_devices::types::DeviceStatus;
use terrane_maintenance::{
    genesis,
    handler::{self, At},
    msg::DeclareMaintenance,
    outcome::MaintenanceRejection,
    params::MaintenanceParams,
    state_key as tables,
};
use terrane_primitives::ReasonInfo;
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The maintenance-window module.
pub struct Maintenance;

impl Module for Maintenance {
    const NAME: &'static str = "maintenance";
    type Params = MaintenanceParams;

    fn params(chain: &ChainParams) -> &MaintenanceParams {
        &chain.maintenance
    }

    fn validate_params(p: &MaintenanceParams) -> Result<(), String> {
        p.validate()
    }

    fn reasons() -> Vec<ReasonInfo> {
        MaintenanceRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![entry::<tables::DeviceWindows>(), entry::<tables::Params>()]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.maintenance);
    }
}

impl Message for DeclareMaintenance {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let Some(device) = terrane_devices::handler::device(ctx.state, &self.device).await? else {
            return Ok(Err(MaintenanceRejection::UnknownDevice.into()));
        };
        if device.owner != *ctx.signer {
            return Ok(Err(MaintenanceRejection::NotOwner.into()));
        }
        if device.status != DeviceStatus::Active {
            return Ok(Err(MaintenanceRejection::DeviceInactive.into()));
        }
        let pow = &ctx.params.pow;
        // Windows before the previous period may be dropped by this declaration: settle the
        // reputation they excused first (a refused declaration rolls this back too).
        terrane_pow::handler::settle(ctx.state, pow, &self.device, ctx.env.epoch).await?;
        let at = At {
            height: ctx.env.height,
            epoch: ctx.env.epoch,
            epoch_length_blocks: pow.epoch_length_blocks,
        };
        Ok(
            match handler::declare(ctx.state, at, &self.device, self.start, self.epochs).await? {
                Ok(e) => Ok(vec![EventKind::Maintenance(e)]),
                Err(why) => Err(why.into()),
            },
        )
    }
}
