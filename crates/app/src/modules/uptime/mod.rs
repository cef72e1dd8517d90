//! The uptime test class: a trivial second resource class, built only with the
//! `uptime-test-class` feature (tests and simulations), never in a production binary.
//!
//! It exists to prove the module contract: this folder plus one line in `for_each_module!` and
//! one in `for_each_class!` is all it takes for devices to register in a class, earn from its
//! own reward pool (an entry with its id in `rewards.classes`) and have their outcomes shown by
//! the API, with no edit to the registry, the framework, rewards or the node. A device proves
//! it is online by pinging: a report quoting a recent finalized height.
//!
//! Ids in the test-only ranges: class `0xf0`, table `0x0f00`, reason codes 900-999.
//!
//! Rooms: [`outcome`], [`verify`] (the pure rule), the state key and the wiring below.

pub mod outcome;
pub mod verify;

use crate::{
    genesis::Genesis,
    module::{ClassVerifier, Module},
    params::ChainParams,
};
use outcome::UptimeRejection;
use terrane_devices::{handler::ClassCheck, types::Capabilities};
use terrane_pow::{handler::Prechecked, params::PowParams, types::Verdict};
use terrane_primitives::{ClassId, DeviceId, Height, ReasonInfo};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead, Table, TableId};

/// The class's id (test-only range).
pub const CLASS: ClassId = ClassId::new(0xf0);
/// Report kind of a ping.
pub const KIND_PING: u8 = 0;

/// `device -> height of its last accepted ping`.
pub struct LastPing;
impl Table for LastPing {
    const ID: TableId = *terrane_state::tables::TEST_ONLY.start();
    const NAME: &'static str = "uptime_last_ping";
    type Key = DeviceId;
    type Value = Height;
    fn value_cfg() {}
}

/// The uptime module and resource class.
pub struct Uptime;

impl Module for Uptime {
    const NAME: &'static str = "uptime";
    // No parameters: its rule's constants are in `verify`, its pool in `rewards.classes`.
    type Params = ();

    fn params(_: &ChainParams) -> &() {
        &()
    }

    fn validate_params(_: &()) -> Result<(), String> {
        Ok(())
    }

    fn reasons() -> Vec<ReasonInfo> {
        UptimeRejection::infos().collect()
    }

    fn tables() -> Vec<(TableId, &'static str)> {
        vec![(LastPing::ID, LastPing::NAME)]
    }

    fn genesis<S: StateRead>(_: &mut Overlay<S>, _: &Genesis) {
        // Nothing at genesis: a chain built with the class has the same genesis state as one
        // without, so fixtures do not depend on the feature.
    }
}

impl ClassVerifier for Uptime {
    const CLASS: ClassId = CLASS;
    const CLASS_NAME: &'static str = "uptime";
    const KINDS: &'static [(u8, &'static str)] = &[(KIND_PING, "ping")];

    /// An uptime device claims nothing: its capabilities are empty.
    async fn check_capabilities<S: StateRead>(
        _: &Overlay<S>,
        caps: &Capabilities,
    ) -> Result<ClassCheck, StateError> {
        Ok(if caps.bytes().is_empty() {
            ClassCheck::Accepted
        } else {
            ClassCheck::Malformed
        })
    }

    fn capabilities_json(_: &Capabilities) -> serde_json::Value {
        serde_json::json!({})
    }

    fn capabilities_schema() -> serde_json::Value {
        serde_json::json!({ "type": "object", "maxProperties": 0 })
    }

    async fn verify_report<S: StateRead>(
        state: &mut Overlay<S>,
        env: &BlockEnv,
        _: &PowParams,
        report: &Prechecked,
    ) -> Result<Verdict, StateError> {
        if report.report.kind != KIND_PING {
            return Ok(Verdict::Invalid(UptimeRejection::UnknownKind.code()));
        }
        let device = &report.device.id;
        let last = state.get::<LastPing>(device).await?;
        Ok(
            match verify::check_ping(&report.report.payload, env.height, last) {
                Ok(units) => {
                    state.put::<LastPing>(device, &env.height);
                    Verdict::Valid { units }
                }
                Err(r @ UptimeRejection::PingTooSoon) => Verdict::Refused(r.code()),
                Err(r) => Verdict::Invalid(r.code()),
            },
        )
    }

    // Paid from registration on: the default `eligible_from`.
}

/// An uptime device's (empty) capabilities.
pub fn capabilities() -> Capabilities {
    Capabilities::new(CLASS, &[]).expect("empty fits")
}
