//! What the slashing routes return (`docs/spec/staking.md`, "Slashing"): one slash with its
//! evidence and a proof of its record, a target's latest slashes, and the module's parameters,
//! totals and due queue.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::OutcomeView;

/// Most epochs of due lists [`SlashingView`] reads, from the current epoch on: the appeal
/// window is a governance parameter, and one request must stay cheap however it is set.
pub const MAX_DUE_EPOCHS_SHOWN: u64 = 32;

/// One slash, as recorded, with a proof of its record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SlashView {
    /// Its id (sequential from 1).
    pub id: u64,
    /// `device` or `validator`: what kind of target's stake it takes.
    pub kind: String,
    /// The device id or validator address.
    #[schema(format = "hex32")]
    pub target: String,
    /// The offence (codes 1150-1159), as `GET /v1/outcomes/{code}` explains it.
    pub reason: OutcomeView,
    /// `pending` (appealable, not executed yet), `executed`, `voided` (answered by an appeal)
    /// or `lapsed` (nothing was staked any more when it came due).
    pub status: String,
    /// How a slash that did not execute ended (`appeal_upheld`, `slash_lapsed`); `null` while
    /// pending or once executed.
    pub ended_by: Option<OutcomeView>,
    /// The fraction of the target's bonded and unbonding stake it takes, basis points.
    pub fraction_bps: u16,
    /// Who submitted the evidence (paid the bounty when it executes).
    #[schema(format = "hex32")]
    pub reporter: String,
    /// The epoch of the offence (the last of the window, for a windowed rule).
    pub offence_epoch: u64,
    /// The height the evidence was accepted at.
    pub filed_height: u64,
    /// The epoch of `filed_height`.
    pub filed_epoch: u64,
    /// The epoch whose close executes it, unless an appeal voids it first.
    pub due_epoch: u64,
    /// Counter-proofs accepted so far.
    pub appeals: u8,
    /// Stake taken, bonded and unbonding together, base units (0 until executed). The record
    /// keeps the total; the split is in the execution's `slashed` staking event.
    pub slashed: u64,
    /// The reporter's part of `slashed`, base units.
    pub bounty: u64,
    /// The rest of `slashed`, burned, base units.
    pub burned: u64,
    /// The evidence (missed-duties epochs an appeal answered are removed from it).
    pub evidence: EvidenceView,
    /// Finalized height the proof is against.
    pub height: u64,
    /// State root at `height`.
    #[schema(format = "hex")]
    pub state_root: String,
    /// State key of the slash record.
    #[schema(format = "hex32")]
    pub key: String,
    /// Encoded slash record.
    #[schema(format = "hex")]
    pub value: String,
    /// Encoded inclusion proof of `value` under `state_root`.
    #[schema(format = "hex")]
    pub proof: String,
}

/// What an offence is proven by, decoded; signed reports are the hex of their encoding (as
/// `slash submit equivocation` takes them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceView {
    /// Two reports the device signed for one duty, with different content.
    DeviceEquivocation {
        /// The accused device.
        #[schema(format = "hex32")]
        device: String,
        /// The epoch both reports claim.
        epoch: u64,
        /// One signed report, hex of its encoding.
        #[schema(format = "hex")]
        first: String,
        /// The other.
        #[schema(format = "hex")]
        second: String,
    },
    /// The chain's own verdicts: too many accountable invalid reports in the window of
    /// epochs ending at `last_epoch`.
    RepeatedInvalidProofs {
        /// The accused device.
        #[schema(format = "hex32")]
        device: String,
        /// The last epoch of the window.
        last_epoch: u64,
    },
    /// Closed epochs in which the device owed a beacon and the chain recorded none.
    MissedDuties {
        /// The accused device.
        #[schema(format = "hex32")]
        device: String,
        /// The epochs missed, ascending.
        epochs: Vec<u64>,
    },
    /// Two consensus votes the validator signed that simplex forbids together.
    ValidatorEquivocation {
        /// The accused validator's key (its account).
        #[schema(format = "hex32")]
        validator: String,
        /// The simplex activity (`ConflictingNotarize`, `ConflictingFinalize` or
        /// `NullifyFinalize`), hex of its codec encoding.
        #[schema(format = "hex")]
        votes: String,
    },
}

/// A slash in a target's list: the record without its evidence and proof
/// (`GET /v1/slashes/{id}` has both).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SlashSummaryView {
    /// Its id.
    pub id: u64,
    /// The offence.
    pub reason: OutcomeView,
    /// `pending`, `executed`, `voided` or `lapsed`.
    pub status: String,
    /// How a slash that did not execute ended; `null` while pending or once executed.
    pub ended_by: Option<OutcomeView>,
    /// The fraction of stake it takes, basis points.
    pub fraction_bps: u16,
    /// Who submitted the evidence.
    #[schema(format = "hex32")]
    pub reporter: String,
    /// The epoch of the offence.
    pub offence_epoch: u64,
    /// The epoch the evidence was accepted in.
    pub filed_epoch: u64,
    /// The epoch whose close executes it.
    pub due_epoch: u64,
    /// Stake taken (bonded and unbonding), base units.
    pub slashed: u64,
    /// The reporter's part, base units.
    pub bounty: u64,
    /// Burned, base units.
    pub burned: u64,
}

/// A target's latest slashes, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SlashListView {
    /// Finalized height read.
    pub height: u64,
    /// `device` or `validator`.
    pub kind: String,
    /// The device id or validator address.
    #[schema(format = "hex32")]
    pub target: String,
    /// The slashes, newest first: the chain keeps a target's latest 64 in its list (older
    /// ones stay readable by id); none is an empty list.
    pub slashes: Vec<SlashSummaryView>,
}

/// The slashing parameters, as set at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SlashingParamsView {
    /// Epochs a slash stays pending (appealable) after the epoch its evidence came in.
    pub appeal_window_epochs: u64,
    /// Epochs after an offence in which evidence of it is accepted.
    pub evidence_max_age_epochs: u64,
    /// The reporter's share of what a slash takes, basis points (the rest is burned).
    pub bounty_bps: u16,
    /// Fraction of the target's stake an equivocation costs, basis points.
    pub equivocation_bps: u16,
    /// Fraction repeated invalid proofs cost, basis points.
    pub invalid_proofs_bps: u16,
    /// Accountable invalid reports in the window that make the offence.
    pub invalid_threshold: u32,
    /// Epochs of the invalid-proofs window.
    pub invalid_window_epochs: u64,
    /// Fraction missed duties cost, basis points.
    pub missed_duty_bps: u16,
    /// Missed epochs in the window that make the offence.
    pub missed_threshold: u32,
    /// Epochs of the missed-duties window.
    pub missed_window_epochs: u64,
    /// Slashes that may come due at one epoch's close.
    pub max_due_per_epoch: u32,
    /// Fraction of a validator's stake conflicting consensus votes cost, basis points; 0
    /// (the default) refuses vote evidence (`validator_evidence_disabled`, 1117): the chain's
    /// threshold votes are not attributable, so evidence could frame an honest validator.
    pub validator_equivocation_bps: u16,
}

/// The slashes one epoch's close executes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DueSlashesView {
    /// The epoch.
    pub epoch: u64,
    /// The ids its due list holds, in filing order. A slash voided by an appeal stays listed
    /// (its record's `status` says so) and is skipped when the epoch closes.
    pub ids: Vec<u64>,
}

/// Slashing's parameters, totals and due queue at the latest finalized block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SlashingView {
    /// Finalized height read.
    pub height: u64,
    /// The epoch at that height.
    pub epoch: u64,
    /// The parameters.
    pub params: SlashingParamsView,
    /// Slashes recorded (the last id).
    pub count: u64,
    /// Slashes still pending.
    pub pending: u64,
    /// Stake taken by executed slashes, base units.
    pub slashed: u64,
    /// Bounties paid out of it, base units.
    pub bounties: u64,
    /// Burned: the rest, base units.
    pub burned: u64,
    /// The first due list read: `epoch`. The lists `due_from ..= due_to` hold every
    /// pending slash (one filed in epoch `e` comes due at `e + appeal_window_epochs`).
    pub due_from: u64,
    /// The last due list read: `epoch + appeal_window_epochs`, capped at
    /// `epoch + 31` so that one request reads at most 32 lists.
    pub due_to: u64,
    /// The non-empty due lists in that range, by epoch.
    pub due: Vec<DueSlashesView>,
}
