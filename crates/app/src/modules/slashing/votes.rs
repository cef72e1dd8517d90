//! The contract of validator-equivocation evidence: what checking a validator's conflicting
//! consensus votes must answer, in plain data.
//!
//! ```text
//! SubmitEvidence{ValidatorEquivocation{validator, votes}}
//!   ─▶ validator_equivocation_bps > 0 (disabled) ─▶ Executor's VoteEvidence, if any (not a
//!      validator) ─▶ VoteEvidence::check(validator, votes, block randomness)
//!   ─▶ Conflict {validator, index, epoch, view} ─▶ one slash per validator and round
//! ```
//! The state machine knows nothing of consensus: decoding and verifying simplex votes is the
//! `terrane-votes` crate's, which implements [`VoteEvidence`] with the node's own scheme. An
//! [`crate::Executor`] without one refuses every validator evidence, so every validator of a
//! chain must attach the same verifier (`Executor::with_vote_evidence`).

use terrane_primitives::{Address, Hash32};
use terrane_slashing::outcome::SlashingRejection;

/// What verified vote evidence proves: who voted twice, and in which round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The validator's key (its account).
    pub validator: Address,
    /// Its participant index in the genesis set.
    pub index: u32,
    /// The consensus epoch of the round (always 0 with a static validator set).
    pub epoch: u64,
    /// The consensus view of the round.
    pub view: u64,
}

/// Checks a validator's conflicting consensus votes against the chain's genesis validator set.
///
/// Built once per chain and shared by every block an executor runs; object safe, so the app
/// holds it as `Arc<dyn VoteEvidence>` without naming any consensus type.
pub trait VoteEvidence: Send + Sync {
    /// What `votes` (the evidence's encoded simplex activity) prove against `accused`.
    ///
    /// Called during block execution for each `ValidatorEquivocation` evidence of a chain
    /// whose `validator_equivocation_bps` is not 0, with `randomness` the block's. It must be
    /// a pure function of the validator set it was built with and its three arguments: every
    /// validator executes it and must reach the same verdict, byte for byte, on every machine.
    ///
    /// `Ok(conflict)` commits the chain to slash `conflict.validator` (always `accused`) once
    /// for `(conflict.epoch, conflict.view)`. `Err` is the first rule the votes break, in this
    /// order: [`SlashingRejection::ValidatorEvidenceMalformed`] (not exactly one conflicting
    /// activity), [`SlashingRejection::NotAValidator`] (the signer is not `accused` in the
    /// genesis set), [`SlashingRejection::VotesNotConflicting`],
    /// [`SlashingRejection::BadVoteSignature`].
    fn check(
        &self,
        accused: &Address,
        votes: &[u8],
        randomness: &Hash32,
    ) -> Result<Conflict, SlashingRejection>;
}
