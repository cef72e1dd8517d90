//! Wiring of `terrane-devices`: the device registry and its messages.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{Message, Module, TxCtx},
    modules::accounts::{entry, events},
    outcome::Outcome,
    params::ChainParams,
};
use terrane_devices::{
    genesis, handler, index, invariants,
    msg::{
        AssertLocation, AuthorizeSessionKey, DeactivateDevice, RegisterDevice, RevokeSessionKey,
        TransferDevice,
    },
    outcome::DevicesRejection,
    params::DevicesParams,
    state_key as tables,
};
use terrane_primitives::ReasonInfo;
use terrane_state::{Overlay, StateError, StateRead, TableId};

/// The device registry module.
pub struct Devices;

impl Module for Devices {
    const NAME: &'static str = "devices";
    type Params = DevicesParams;

    fn params(chain: &ChainParams) -> &DevicesParams {
        &chain.devices
    }

    fn validate_params(_: &DevicesParams) -> Result<(), String> {
        // Fees and limits are policy; every value is executable.
        Ok(())
    }

    fn reasons() -> Vec<ReasonInfo> {
        DevicesRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![
            entry::<tables::Devices>(),
            entry::<tables::Makers>(),
            entry::<tables::SessionKeys>(),
            entry::<tables::RegistryTotals>(),
            entry::<tables::Params>(),
            entry::<index::OwnerList>(),
            entry::<index::OwnerCount>(),
            entry::<index::CellList>(),
            entry::<index::CellCount>(),
            entry::<index::ClassList>(),
            entry::<index::ClassCount>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        let makers = g.maker_list().expect("validated genesis");
        genesis::apply(state, &makers, &g.params.devices);
    }

    /// Every device listed under a class is stored and its record holds.
    async fn check_invariants<S: StateRead>(
        state: &Overlay<S>,
        _: &CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        for class in super::enabled_classes() {
            for id in index::by_class(state, class, u32::MAX).await? {
                let Some(device) = handler::device(state, &id).await? else {
                    return Ok(Err(format!("class list names unknown device {id}")));
                };
                if let Err(v) = invariants::check_record(&device) {
                    return Ok(Err(format!("device {id}: {v:?}")));
                }
            }
        }
        Ok(Ok(()))
    }
}

impl Message for RegisterDevice {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let class = super::check_capabilities(ctx.state, &self.capabilities).await?;
        let r = handler::register(ctx.state, ctx.env, ctx.domains, ctx.signer, self, class).await?;
        Ok(events(r, EventKind::Devices))
    }
}

impl Message for TransferDevice {
    /// The seller's unclaimed rewards are settled by the rewards module's
    /// [`on_event`](crate::module::Module::on_event) hook on the `OwnerChanged` event.
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::transfer(ctx.state, ctx.signer, self).await?;
        Ok(events(r, EventKind::Devices))
    }
}

impl Message for AssertLocation {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::assert_location(ctx.state, ctx.signer, self).await?;
        Ok(events(r, EventKind::Devices))
    }
}

impl Message for DeactivateDevice {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::deactivate(ctx.state, ctx.signer, self).await?;
        Ok(events(r, EventKind::Devices))
    }
}

impl Message for AuthorizeSessionKey {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r =
            handler::authorize_session(ctx.state, ctx.env, ctx.domains, ctx.signer, self).await?;
        Ok(events(r, EventKind::Devices))
    }
}

impl Message for RevokeSessionKey {
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let r = handler::revoke_session(ctx.state, ctx.signer, self).await?;
        Ok(events(r, EventKind::Devices))
    }
}
