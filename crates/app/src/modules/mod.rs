//! The lists: which modules the chain runs, in hook order, and which resource classes judge
//! reports. Everything else (reason registry, parameter validation, genesis, block hooks,
//! invariants, table ownership, class and report kind names) is derived from these two lists;
//! `crates/app/tests/table_registry.rs` fails when a module or class is missing from one.
//!
//! One file per module holds its wiring: the [`Module`](crate::module::Module) impl and the
//! [`Message`](crate::module::Message) impls of its payloads.

pub mod accounts;
pub mod coverage;
pub mod credits;
pub mod devices;
pub mod maintenance;
pub mod oracle;
pub mod pow;
pub mod rewards;
pub mod sessions;
pub mod slashing;
pub mod staking;
#[cfg(feature = "uptime-test-class")]
pub mod uptime;

/// Runs `$body` once per module with `$m` naming the module's type, in hook order. The order
/// is consensus: pow's work ledger is read by coverage's close, which credits units that
/// rewards' close pays. The oracle, credits and sessions have no block hooks yet.
macro_rules! for_each_module {
    ($m:ident => $body:expr) => {{
        {
            type $m = $crate::modules::accounts::Accounts;
            $body;
        }
        {
            type $m = $crate::modules::devices::Devices;
            $body;
        }
        {
            type $m = $crate::modules::pow::Pow;
            $body;
        }
        {
            type $m = $crate::modules::coverage::Coverage;
            $body;
        }
        {
            type $m = $crate::modules::rewards::Rewards;
            $body;
        }
        {
            type $m = $crate::modules::oracle::Oracle;
            $body;
        }
        {
            type $m = $crate::modules::credits::Credits;
            $body;
        }
        {
            type $m = $crate::modules::sessions::Sessions;
            $body;
        }
        {
            type $m = $crate::modules::staking::Staking;
            $body;
        }
        {
            type $m = $crate::modules::slashing::Slashing;
            $body;
        }
        {
            type $m = $crate::modules::maintenance::Maintenance;
            $body;
        }
        #[cfg(feature = "uptime-test-class")]
        {
            type $m = $crate::modules::uptime::Uptime;
            $body;
        }
    }};
}

/// Runs `$body` once per resource class the chain runs, with `$c` naming its verifier type.
/// A device can only register in a class listed here (`unknown_class` otherwise).
macro_rules! for_each_class {
    ($c:ident => $body:expr) => {{
        {
            type $c = $crate::modules::coverage::Coverage;
            $body;
        }
        #[cfg(feature = "uptime-test-class")]
        {
            type $c = $crate::modules::uptime::Uptime;
            $body;
        }
    }};
}

pub(crate) use {for_each_class, for_each_module};

use crate::module::{ClassVerifier as _, Module as _};
use terrane_devices::{
    handler::ClassCheck,
    types::{Capabilities, Device},
};
use terrane_primitives::{ClassId, Epoch};
use terrane_rewards::handler::ClassRules;
use terrane_state::{Overlay, StateError, StateRead};

/// The modules' names, in hook order.
pub fn module_names() -> Vec<&'static str> {
    let mut names = Vec::new();
    for_each_module!(M => names.push(M::NAME));
    names
}

/// The modules that have parameters, each a `ChainParams` section named after it, in hook
/// order (a module whose `Params` is `()` has none).
pub fn modules_with_params() -> Vec<&'static str> {
    use core::any::TypeId;
    let mut names = Vec::new();
    for_each_module!(M => if TypeId::of::<<M as crate::module::Module>::Params>() != TypeId::of::<()>() {
        names.push(M::NAME);
    });
    names
}

/// Every `(table id, name)` each module stores, as `(module, tables)` in hook order.
pub fn module_tables() -> Vec<(&'static str, Vec<(terrane_state::TableId, &'static str)>)> {
    let mut all = Vec::new();
    for_each_module!(M => all.push((M::NAME, M::tables())));
    all
}

/// Class ids set aside for classes that are planned but not run yet, with their names. Their
/// reward pools may exist (the default parameters keep one for each, not issued while no
/// device can do the work) and the API names them; no device can register in them. A class
/// module that is built takes its id from here into `for_each_class!`.
pub const RESERVED_CLASSES: &[(ClassId, &str)] = &[
    (ClassId::new(1), "storage"),
    (ClassId::new(2), "compute"),
    (ClassId::new(3), "energy"),
    (ClassId::new(4), "sensing"),
];

/// The classes the chain runs, as `(id, name)` in list order.
pub fn classes() -> Vec<(ClassId, &'static str)> {
    let mut all = Vec::new();
    for_each_class!(C => all.push((C::CLASS, C::CLASS_NAME)));
    all
}

/// Every class the chain has a name for: the ones it runs (list order), then the reserved
/// ids. The one source of class names for the API and the CLI.
pub fn named_classes() -> Vec<(ClassId, &'static str)> {
    let mut all = classes();
    all.extend_from_slice(RESERVED_CLASSES);
    all
}

/// The name of class `class`: a class the chain runs, else a reserved one.
pub fn class_name(class: ClassId) -> Option<&'static str> {
    named_classes()
        .into_iter()
        .find(|(c, _)| *c == class)
        .map(|(_, name)| name)
}

/// The id of the class named `name` (run or reserved).
pub fn class_by_name(name: &str) -> Option<ClassId> {
    named_classes()
        .into_iter()
        .find(|(_, n)| *n == name)
        .map(|(c, _)| c)
}

/// Every named report kind of every class the chain runs, as `(class, kind, name)` in list
/// order.
pub fn report_kinds() -> Vec<(ClassId, u8, &'static str)> {
    let mut all = Vec::new();
    for_each_class!(C => all.extend(C::KINDS.iter().map(|(kind, name)| (C::CLASS, *kind, *name))));
    all
}

/// The name of report `kind` of class `class`, if the chain runs that class and it defines
/// the kind (for the API: "beacon", "witness", …).
pub fn report_kind_name(class: ClassId, kind: u8) -> Option<&'static str> {
    let mut found = None;
    for_each_class!(C => if C::CLASS == class {
        found = C::KINDS.iter().find(|(k, _)| *k == kind).map(|(_, name)| *name);
    });
    found
}

/// The ids of the classes the chain runs, in list order.
pub fn enabled_classes() -> Vec<ClassId> {
    classes().into_iter().map(|(c, _)| c).collect()
}

/// The verdict of `caps`'s class on a registration carrying them (`UnknownClass` when the
/// chain runs no such class).
pub async fn check_capabilities<S: StateRead>(
    state: &Overlay<S>,
    caps: &Capabilities,
) -> Result<ClassCheck, StateError> {
    let mut verdict = ClassCheck::UnknownClass;
    for_each_class!(C => if C::CLASS == caps.class() {
        verdict = C::check_capabilities(state, caps).await?;
    });
    Ok(verdict)
}

/// A device's capabilities as its class names them (the raw bytes in hex for a class the chain
/// does not run, which no stored device has).
pub fn capabilities_json(caps: &Capabilities) -> serde_json::Value {
    let mut out = None;
    for_each_class!(C => if C::CLASS == caps.class() {
        out = Some(C::capabilities_json(caps));
    });
    out.unwrap_or_else(|| serde_json::json!({ "bytes": const_hex::encode(caps.bytes()) }))
}

/// The first epoch `device` may be paid for its work in, as its class rules
/// ([`ClassVerifier::eligible_from`](crate::module::ClassVerifier::eligible_from)).
pub async fn eligible_from<S: StateRead>(
    state: &Overlay<S>,
    device: &Device,
) -> Result<Epoch, StateError> {
    let mut from = device.registered_epoch;
    for_each_class!(C => if C::CLASS == device.class() {
        from = C::eligible_from(state, device).await?;
    });
    Ok(from)
}

/// The duty `report` answers under its class's rules
/// ([`ClassVerifier::duty`](crate::module::ClassVerifier::duty)); `None` for a class the chain
/// does not run or a report with no duty.
pub fn report_duty(report: &terrane_pow::types::Report) -> Option<terrane_primitives::Hash32> {
    let mut duty = None;
    for_each_class!(C => if C::CLASS == report.class {
        duty = C::duty(report);
    });
    duty
}

/// Whether `device` missed its class's scheduled duty in closed epoch `epoch`
/// ([`ClassVerifier::missed_duty`](crate::module::ClassVerifier::missed_duty)).
pub async fn missed_duty<S: StateRead>(
    state: &Overlay<S>,
    device: &Device,
    epoch: Epoch,
) -> Result<bool, StateError> {
    let mut missed = false;
    for_each_class!(C => if C::CLASS == device.class() {
        missed = C::missed_duty(state, device, epoch).await?;
    });
    Ok(missed)
}

/// Whether `report` proves its device did the duty of its epoch
/// ([`ClassVerifier::duty_done`](crate::module::ClassVerifier::duty_done)).
pub async fn duty_done<S: StateRead>(
    state: &Overlay<S>,
    report: &terrane_pow::types::Report,
) -> Result<bool, StateError> {
    let mut done = false;
    for_each_class!(C => if C::CLASS == report.class {
        done = C::duty_done(state, report).await?;
    });
    Ok(done)
}

/// The schema of a device's capabilities in the API: one of the classes' own
/// ([`ClassVerifier::capabilities_schema`](crate::module::ClassVerifier::capabilities_schema)),
/// each titled with its class's name.
pub fn capabilities_schema() -> serde_json::Value {
    let mut any_of = Vec::new();
    for_each_class!(C => {
        let mut schema = C::capabilities_schema();
        schema["title"] = serde_json::json!(C::CLASS_NAME);
        any_of.push(schema);
    });
    serde_json::json!({
        "description": "What the maker attested the device can do, as its resource class names it.",
        "anyOf": any_of,
    })
}

/// The class list's answer to rewards' per-worker question ([`ClassRules`]): an unbonded
/// device earns nothing (its owner's own stake on it must reach `min_device_bond`), and a
/// bonded one is payable when its class says so.
pub struct ClassList {
    /// The operator's own bond a device needs (`staking.min_device_bond`).
    pub min_device_bond: terrane_primitives::Amount,
}

impl ClassRules for ClassList {
    async fn payable<S: StateRead>(
        &self,
        state: &Overlay<S>,
        device: &Device,
        epoch: Epoch,
    ) -> Result<bool, StateError> {
        // The bond must be the current owner's: a device sold keeps earning nothing until its
        // buyer bonds it (the seller's stake stays the seller's, free to unbond).
        let target = terrane_staking::types::Target::Device(device.id);
        let bonded = terrane_staking::handler::pool(state, &target)
            .await?
            .is_some_and(|p| p.operator == device.owner && p.is_bonded(self.min_device_bond));
        if !bonded {
            return Ok(false);
        }
        Ok(eligible_from(state, device).await? <= epoch)
    }

    async fn reach<S: StateRead>(
        &self,
        state: &Overlay<S>,
        device: &Device,
        epoch: Epoch,
    ) -> Result<Vec<terrane_primitives::DeviceId>, StateError> {
        let mut reach = Vec::new();
        for_each_class!(C => if C::CLASS == device.class() {
            reach = C::reach(state, device, epoch).await?;
        });
        Ok(reach)
    }
}
