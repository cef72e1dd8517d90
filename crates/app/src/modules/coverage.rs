//! Wiring of `terrane-coverage`: the coverage resource class.

use crate::{
    events::EventKind,
    genesis::Genesis,
    invariants::CheckCtx,
    module::{BlockCtx, ClassVerifier, Module, TxCtx},
    modules::accounts::entry,
    params::ChainParams,
};
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS, events::CoverageEvent, genesis, handler, invariants,
    outcome::CoverageRejection, params::CoverageParams, radio::Radio, state_key as tables,
};
use terrane_devices::{
    events::DevicesEvent,
    handler::ClassCheck,
    types::{Capabilities, Device},
};
use terrane_pow::{handler::Prechecked, params::PowParams, types::Verdict};
use terrane_primitives::{ClassId, Epoch, ReasonInfo};
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
            entry::<tables::Cooldowns>(),
            entry::<tables::ReachCount>(),
            entry::<tables::Reach>(),
            entry::<tables::Params>(),
        ]
    }

    fn genesis<S: StateRead>(state: &mut Overlay<S>, g: &Genesis) {
        genesis::apply(state, &g.params.coverage);
    }

    /// A device that moves earns no coverage rewards for the cooldown (its old witnesses
    /// vouched for another place).
    async fn on_event<S: StateRead>(
        ctx: &mut TxCtx<'_, S>,
        event: &EventKind,
    ) -> Result<Vec<EventKind>, StateError> {
        if let EventKind::Devices(DevicesEvent::Relocated { device, .. }) = event {
            handler::start_cooldown(ctx.state, device, ctx.env.epoch).await?;
        }
        Ok(Vec::new())
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
    /// One beacon per device per epoch; one witness report per beacon heard.
    fn duty(report: &terrane_pow::types::Report) -> Option<terrane_primitives::Hash32> {
        use commonware_codec::DecodeExt as _;
        match report.kind {
            KIND_BEACON => Some(terrane_primitives::sha256(&[b"terrane/duty/beacon/v1"])),
            KIND_WITNESS => terrane_coverage::msg::Witness::decode(bytes::Bytes::copy_from_slice(
                &report.payload,
            ))
            .ok()
            .map(|w| {
                terrane_primitives::sha256(&[b"terrane/duty/witness/v1", w.beaconer.as_ref()])
            }),
            _ => None,
        }
    }

    /// The hotspots it heard or was heard by in the epoch's counted witness reports.
    async fn reach<S: StateRead>(
        state: &Overlay<S>,
        device: &Device,
        epoch: Epoch,
    ) -> Result<Vec<terrane_primitives::DeviceId>, StateError> {
        terrane_coverage::query::reach(state, epoch, &device.id).await
    }

    /// A device owes a beacon every epoch it is active in: none revealed is a missed duty.
    async fn missed_duty<S: StateRead>(
        state: &Overlay<S>,
        device: &Device,
        epoch: Epoch,
    ) -> Result<bool, StateError> {
        Ok(terrane_coverage::query::slot(state, epoch, &device.id)
            .await?
            .is_none_or(|s| s.beacon.is_none()))
    }

    /// A beacon reveal whose commitment a witness recorded that epoch: the beacon was on the
    /// air (someone heard it); only its reveal never made it into a block.
    async fn duty_done<S: StateRead>(
        state: &Overlay<S>,
        report: &terrane_pow::types::Report,
    ) -> Result<bool, StateError> {
        use commonware_codec::DecodeExt as _;
        if report.kind != KIND_BEACON {
            return Ok(false);
        }
        let Ok(beacon) =
            terrane_coverage::msg::Beacon::decode(bytes::Bytes::copy_from_slice(&report.payload))
        else {
            return Ok(false);
        };
        let c = terrane_coverage::msg::commitment(&report.device, &beacon.nonce);
        Ok(
            terrane_coverage::query::witnesses(state, report.epoch, &report.device)
                .await?
                .iter()
                .any(|w| w.body.commitment == c),
        )
    }

    const CLASS: ClassId = terrane_coverage::CLASS;
    const CLASS_NAME: &'static str = "coverage";
    const KINDS: &'static [(u8, &'static str)] =
        &[(KIND_BEACON, "beacon"), (KIND_WITNESS, "witness")];

    async fn check_capabilities<S: StateRead>(
        state: &Overlay<S>,
        caps: &Capabilities,
    ) -> Result<ClassCheck, StateError> {
        handler::check_capabilities(state, caps).await
    }

    fn capabilities_json(caps: &Capabilities) -> serde_json::Value {
        match Radio::decode(caps) {
            Some(r) => serde_json::json!({
                "antenna_gain_dbi_x10": r.antenna_gain_dbi_x10,
                "tx_power_dbm_x10": r.tx_power_dbm_x10,
                "band": r.band.name(),
            }),
            None => serde_json::json!({ "bytes": const_hex::encode(caps.bytes()) }),
        }
    }

    fn capabilities_schema() -> serde_json::Value {
        let bands: Vec<&str> = terrane_coverage::radio::Band::ALL
            .iter()
            .map(|b| b.name())
            .collect();
        serde_json::json!({
            "type": "object",
            "required": ["antenna_gain_dbi_x10", "tx_power_dbm_x10", "band"],
            "additionalProperties": false,
            "properties": {
                "antenna_gain_dbi_x10": {
                    "type": "integer", "minimum": i16::MIN, "maximum": i16::MAX,
                    "description": "Antenna gain, tenths of dBi.",
                },
                "tx_power_dbm_x10": {
                    "type": "integer", "minimum": i16::MIN, "maximum": i16::MAX,
                    "description": "Conducted transmit power, tenths of dBm.",
                },
                "band": { "type": "string", "enum": bands, "description": "Radio band." },
            },
        })
    }

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

    /// After the cooldown that follows the device's last relocation.
    async fn eligible_from<S: StateRead>(
        state: &Overlay<S>,
        device: &Device,
    ) -> Result<Epoch, StateError> {
        // Rewards asks this for every worker at close: a device that never moved has no
        // cooldown record, and its own record (already read) says so without another read.
        if device.relocations == 0 {
            return Ok(device.registered_epoch);
        }
        Ok(handler::eligible_from(state, &device.id)
            .await?
            .unwrap_or(device.registered_epoch))
    }
}
