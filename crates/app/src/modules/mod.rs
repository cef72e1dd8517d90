//! The lists: which modules the chain runs, in hook order, and which resource classes judge
//! reports. Everything else (reason registry, parameter validation, genesis, block hooks,
//! invariants, table ownership, class and report kind names) is derived from these two lists;
//! `crates/app/tests/table_registry.rs` fails when a module or class is missing from one.
//!
//! One file per module holds its wiring: the [`Module`](crate::module::Module) impl and the
//! [`Message`](crate::module::Message) impls of its payloads.

pub mod accounts;
pub mod coverage;
pub mod devices;
pub mod pow;
pub mod rewards;

/// Runs `$body` once per module with `$m` naming the module's type, in hook order. The order
/// is consensus: pow's work ledger is read by coverage's close, which credits units that
/// rewards' close pays.
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
    }};
}

/// Runs `$body` once per enabled resource class with `$c` naming its verifier type. A device
/// of a class not listed here can register but its reports are refused (`class_not_enabled`).
macro_rules! for_each_class {
    ($c:ident => $body:expr) => {{
        {
            type $c = $crate::modules::coverage::Coverage;
            $body;
        }
    }};
}

pub(crate) use {for_each_class, for_each_module};

use crate::module::{ClassVerifier as _, Module as _};

/// The modules' names, in hook order.
pub fn module_names() -> Vec<&'static str> {
    let mut names = Vec::new();
    for_each_module!(M => names.push(M::NAME));
    names
}

/// Every `(table id, name)` each module stores, as `(module, tables)` in hook order.
pub fn module_tables() -> Vec<(&'static str, Vec<(terrane_state::TableId, &'static str)>)> {
    let mut all = Vec::new();
    for_each_module!(M => all.push((M::NAME, M::tables())));
    all
}

/// The name of resource class `class` ("coverage", …), if the tag is a class. For the API and
/// the CLI: the one source of class names is `ResourceClass::name`.
pub fn class_name(class: u8) -> Option<&'static str> {
    terrane_devices::types::ResourceClass::from_tag(class).map(|c| c.name())
}

/// Every named report kind of every enabled class, as `(class, kind, name)` in list order.
pub fn report_kinds() -> Vec<(u8, u8, &'static str)> {
    let mut all = Vec::new();
    for_each_class!(C => all.extend(C::KINDS.iter().map(|(kind, name)| (C::CLASS, *kind, *name))));
    all
}

/// The name of report `kind` of resource class `class`, if that class is enabled and defines
/// the kind (for the API: "beacon", "witness", …).
pub fn report_kind_name(class: u8, kind: u8) -> Option<&'static str> {
    let mut found = None;
    for_each_class!(C => if C::CLASS == class {
        found = C::KINDS.iter().find(|(k, _)| *k == kind).map(|(_, name)| *name);
    });
    found
}

/// The enabled resource classes' tags, in list order.
pub fn enabled_classes() -> Vec<u8> {
    let mut classes = Vec::new();
    for_each_class!(C => classes.push(C::CLASS));
    classes
}
