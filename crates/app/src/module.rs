//! The module contract: how a state-machine module, its messages and its resource classes plug
//! into execution.
//!
//! ```text
//! crate::modules::for_each_module!  (the one list, in hook order)
//!   block 1:            Module::genesis            (every module, list order)
//!   first block of e>0: Module::close_epoch(e-1)   (every module, list order)
//!   first block of e:   Module::open_epoch(e)      (every module, list order)
//!   per transaction:    Payload::X(m) => m.execute(ctx)   (crate::tx::payloads!)
//!                       then Module::on_event for each event the payload emitted
//!   tests, after blocks: Module::check_invariants  (crate::invariants::check_all)
//! crate::modules::for_each_class!   (the class list)
//!   per registration:                         ClassVerifier::check_capabilities
//!   per report that passed pow's prechecks:   ClassVerifier::verify_report
//!   per worker when rewards closes an epoch:  ClassVerifier::eligible_from
//!   per slashing evidence or appeal:          ClassVerifier::duty / missed_duty / duty_done
//! ```
//! Dispatch is static: the lists expand to straight-line calls on zero-sized types, so the
//! order hooks run in is the order the list is written in, on every validator.
//!
//! # Determinism
//! Every hook and `execute` is part of consensus. They read only state, the [`BlockEnv`] and
//! their arguments: no wall clock, no `HashMap` iteration, no floats, no I/O besides `state`.
//! The same inputs must produce the same writes, events and verdicts on every machine.
//!
//! # Errors
//! `Err(StateError)` is a storage fault and aborts the block (the node crashes and retries);
//! a rule the input broke is data (`Ok(Err(outcome))`, a [`Verdict`]), never an `Err`.

use crate::{
    events::{AppEvent, EventKind},
    genesis::Genesis,
    outcome::Outcome,
    params::ChainParams,
};
use terrane_devices::{
    handler::ClassCheck,
    msg::Domains,
    types::{Capabilities, Device},
};
use terrane_pow::{handler::Prechecked, params::PowParams, types::Verdict};
use terrane_primitives::{Address, Amount, ClassId, Epoch, ReasonInfo};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead, TableId};

/// What a block-level hook may touch.
pub struct BlockCtx<'a, S: StateRead> {
    /// The block's pending writes.
    pub state: &'a mut Overlay<S>,
    /// The block being executed.
    pub env: &'a BlockEnv,
    /// The chain's genesis (parameters, allocations).
    pub genesis: &'a Genesis,
    /// Where block-level events go (`tx: None`), in emission order.
    pub events: &'a mut Vec<AppEvent>,
}

impl<S: StateRead> BlockCtx<'_, S> {
    /// Appends a block-level event.
    pub fn emit(&mut self, kind: EventKind) {
        self.events.push(AppEvent { tx: None, kind });
    }
}

/// What a message sees when it executes: the transaction is already charged (nonce consumed,
/// fee burned) and the caller opened a nested write scope, rolled back if the message returns
/// `Ok(Err(_))`.
pub struct TxCtx<'a, S: StateRead> {
    /// The transaction's pending writes.
    pub state: &'a mut Overlay<S>,
    /// The block being executed.
    pub env: &'a BlockEnv,
    /// The transaction's signer (who pays and whose nonce was consumed).
    pub signer: &'a Address,
    /// The chain's parameters.
    pub params: &'a ChainParams,
    /// The device signing domains of this chain.
    pub domains: &'a Domains,
    /// The block-wide batch verdict on each device report this transaction carries, in order
    /// (empty for payloads without reports).
    pub report_signatures: &'a [bool],
    /// The checker of validators' conflicting consensus votes (slashing's validator
    /// evidence); `None` when the executor has none, and then no such evidence verifies.
    pub votes: Option<&'a dyn crate::modules::slashing::VoteEvidence>,
}

/// A transaction payload's message: its dispatch arm in [`crate::tx::Payload`] is one line.
pub trait Message {
    /// Executes the message for `ctx.signer`.
    ///
    /// Called once per charged transaction, in block order. `Ok(Ok(events))` commits the
    /// message's writes and emits `events` (tagged with the transaction); `Ok(Err(outcome))`
    /// rolls every write of the message back and records `outcome` (a registered reason code)
    /// in the receipt. Must be deterministic (see the module doc).
    #[allow(async_fn_in_trait)] // static dispatch only: callers name the concrete type
    async fn execute<S: StateRead>(
        &self,
        ctx: &mut TxCtx<'_, S>,
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError>;
}

/// A state-machine module: its name, parameters, genesis, reason codes, tables, block hooks
/// and invariants. Implemented by a zero-sized type per module in [`crate::modules`] and
/// listed once in `for_each_module!`.
pub trait Module {
    /// The module's name: its key in `ChainParams` JSON, its `docs/spec/<name>.md`.
    const NAME: &'static str;

    /// The module's parameters, as they sit in [`ChainParams`] (`()` for a module without
    /// any, which then has no section there).
    type Params: 'static;

    /// This module's parameters within the chain's.
    fn params(chain: &ChainParams) -> &Self::Params;

    /// Checks the parameters a genesis file sets. Called when a genesis is loaded, before any
    /// block executes; `Err` names the broken bound and refuses the genesis.
    fn validate_params(params: &Self::Params) -> Result<(), String>;

    /// Every reason code the module emits (its hundred, see `docs/spec/outcomes.md`).
    fn reasons() -> Vec<ReasonInfo>;

    /// Every table the module stores, as `(id, name)` ([`terrane_state::tables`]).
    fn tables() -> Vec<(TableId, &'static str)>;

    /// Writes the module's genesis state. Called once, by block 1, before its transactions and
    /// after `genesis` validated (so it may panic on what validation excludes).
    fn genesis<S: StateRead>(state: &mut Overlay<S>, genesis: &Genesis);

    /// Closes epoch `closing`. Called in the first block of epoch `closing + 1`, before its
    /// transactions, in list order: a later module sees what earlier ones wrote (rewards reads
    /// the units coverage credited).
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn close_epoch<S: StateRead>(
        _ctx: &mut BlockCtx<'_, S>,
        _closing: Epoch,
    ) -> Result<(), StateError> {
        Ok(())
    }

    /// Opens `ctx.env.epoch`. Called in the first block of every epoch (block 1 included),
    /// after every `close_epoch`, before the block's transactions.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn open_epoch<S: StateRead>(_ctx: &mut BlockCtx<'_, S>) -> Result<(), StateError> {
        Ok(())
    }

    /// Reacts to `event`, emitted by a transaction's payload that succeeded. Called for each
    /// such event in order, for every module in list order, inside the transaction's write
    /// scope. The events returned are appended to the transaction's. This is how a module
    /// applies its own rule to another module's change (rewards settles a device's earnings
    /// with its seller when devices reports `OwnerChanged`); it may not fail the transaction.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn on_event<S: StateRead>(
        _ctx: &mut TxCtx<'_, S>,
        _event: &EventKind,
    ) -> Result<Vec<EventKind>, StateError> {
        Ok(Vec::new())
    }

    /// Tokens minted to the module and not yet credited to an account (the supply invariant
    /// counts them as held).
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn held<S: StateRead>(_state: &Overlay<S>) -> Result<Amount, StateError> {
        Ok(Amount::ZERO)
    }

    /// Checks what must hold of the module's state after any block. `Ok(Err(why))` is a broken
    /// invariant: a bug, never a user's fault. Run after every block in tests and simulations
    /// ([`crate::invariants::check_all`]); must only read.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn check_invariants<S: StateRead>(
        _state: &Overlay<S>,
        _at: &crate::invariants::CheckCtx,
    ) -> Result<Result<(), String>, StateError> {
        Ok(Ok(()))
    }
}

/// A resource class: what its devices are (capabilities), how their reports are judged, and
/// what its own rules say about paying them. Implemented by a zero-sized type per class and
/// listed once in `for_each_class!`; everything the registry, the framework, rewards and the
/// API know of a class comes through here.
pub trait ClassVerifier {
    /// The class's id in device records, reports and reward pools. Stable forever.
    const CLASS: ClassId;

    /// The class's name: the one source of it (API, CLI, explorer). Stable forever.
    const CLASS_NAME: &'static str;

    /// Report kinds as `(kind, name)`, for the API and the explorer.
    const KINDS: &'static [(u8, &'static str)];

    /// The class's verdict on the capabilities of a device registering in it
    /// (`caps.class() == Self::CLASS`): malformed, out of its limits, or accepted. Called once
    /// per registration, at its place among the registry's checks; must only read.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn check_capabilities<S: StateRead>(
        state: &Overlay<S>,
        caps: &Capabilities,
    ) -> Result<ClassCheck, StateError>;

    /// `caps` (accepted at registration) as named fields, for the API.
    fn capabilities_json(caps: &Capabilities) -> serde_json::Value;

    /// The JSON schema of what [`Self::capabilities_json`] returns, for the API's document.
    fn capabilities_schema() -> serde_json::Value;

    /// Judges a report that passed the framework's prechecks ([`terrane_pow::handler::precheck`])
    /// and whose device is of [`Self::CLASS`]. Called once per such report, in block order;
    /// may store what it accepts (its own records). The verdict is recorded by pow: `Valid`
    /// credits units to the device's epoch work, `Invalid(code)` counts against its
    /// reputation, `Refused(code)` and `Pending` change neither. `code` must be a registered
    /// reason code. Must be deterministic.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn verify_report<S: StateRead>(
        state: &mut Overlay<S>,
        env: &BlockEnv,
        pow: &PowParams,
        report: &Prechecked,
    ) -> Result<Verdict, StateError>;

    /// The first epoch in which `device` of this class may be paid for its work under the
    /// class's own rules (coverage: after the cooldown that follows a relocation). Rewards'
    /// close pays an active device for epoch `e` only if this is at most `e`; the API shows it.
    /// Must only read. The default: from the epoch the device registered in.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn eligible_from<S: StateRead>(
        _state: &Overlay<S>,
        device: &Device,
    ) -> Result<Epoch, StateError> {
        Ok(device.registered_epoch)
    }

    /// The devices whose work a customer's payment to `device` in `epoch` also backs, and
    /// whose customers back its work (rewards' demand backing shares paid usage over the
    /// payee and its reach; `docs/spec/rewards.md`, rule 2b). Coverage: the hotspots it heard
    /// or was heard by in counted witness reports. Must only read; at most a few dozen. The
    /// default: nobody (a payment backs its payee alone).
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn reach<S: StateRead>(
        _state: &Overlay<S>,
        _device: &Device,
        _epoch: Epoch,
    ) -> Result<Vec<terrane_primitives::DeviceId>, StateError> {
        Ok(Vec::new())
    }

    /// The duty a report of this class answers, if the class has one per report: two
    /// different reports of one device for one duty in one epoch are an equivocation
    /// (slashing). Pure. The default: no duty, so no report can equivocate.
    fn duty(_report: &terrane_pow::types::Report) -> Option<terrane_primitives::Hash32> {
        None
    }

    /// Whether `device` owed a scheduled duty in closed epoch `epoch` and the chain recorded
    /// none (slashing's missed-duties rule). Must only read. The default: the class
    /// schedules no duty.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn missed_duty<S: StateRead>(
        _state: &Overlay<S>,
        _device: &Device,
        _epoch: Epoch,
    ) -> Result<bool, StateError> {
        Ok(false)
    }

    /// Whether `report` (signed for its device, checked by the caller) proves the device did
    /// its duty of `report.epoch` though the chain recorded no report for it: an appeal's
    /// counter-proof. Must only read. The default: nothing proves it.
    #[allow(async_fn_in_trait)] // static dispatch only
    async fn duty_done<S: StateRead>(
        _state: &Overlay<S>,
        _report: &terrane_pow::types::Report,
    ) -> Result<bool, StateError> {
        Ok(false)
    }
}
