//! What a block gives execution besides its transactions.

use terrane_primitives::{ChainId, Epoch, Hash32, Height, TimestampMs};

/// The block-level inputs of execution. Everything time- or randomness-dependent in state code
/// comes from here, never from the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// The chain being executed.
    pub chain_id: ChainId,
    /// This block's height (>= 1).
    pub height: Height,
    /// The reward epoch this block belongs to: `(height - 1) / epoch_length_blocks`.
    pub epoch: Epoch,
    /// The proposer's timestamp; strictly greater than the parent's.
    pub timestamp: TimestampMs,
    /// Unbiasable randomness: the hash of the threshold VRF seed the block carries (the seed
    /// of its parent's consensus round). Rules that draw from it must bind to a draw made
    /// after the inputs were fixed (see `docs/spec/proofs.md`).
    pub randomness: Hash32,
}
