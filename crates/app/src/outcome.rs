//! Transaction outcomes: the envelope's own reason codes (1-99) and the registry of every code
//! in the chain.

use terrane_accounts::outcome::AccountsRejection;
use terrane_coverage::outcome::CoverageRejection;
use terrane_credits::outcome::CreditsRejection;
use terrane_devices::outcome::DevicesRejection;
use terrane_maintenance::outcome::MaintenanceRejection;
use terrane_oracle::outcome::OracleRejection;
use terrane_pow::outcome::PowRejection;
use terrane_primitives::ReasonInfo;
use terrane_rewards::outcome::RewardsRejection;
use terrane_sessions::outcome::SessionsRejection;
use terrane_slashing::outcome::SlashingRejection;
use terrane_staking::outcome::StakingRejection;

terrane_primitives::reason_codes! {
    /// A rejection of the transaction envelope, before its payload runs.
    pub enum EnvelopeRejection {
        /// The signature does not verify for the signer and this chain.
        BadSignature = 1 => ("bad_signature", "the signature does not verify for the signer's key on this chain"),
        /// A transaction with this id was already executed.
        DuplicateTx = 2 => ("duplicate_tx", "a transaction with this id is already pending in the mempool or was already included"),
        /// Not a canonical transaction encoding.
        Malformed = 7 => ("malformed", "the bytes are not a canonical transaction encoding (truncated, trailing bytes, unknown tag or over a field limit)"),
        /// Larger than the transaction size limit.
        TxTooLarge = 9 => ("tx_too_large", "the transaction is larger than 131072 bytes"),
        /// The mempool is at capacity and the fee does not beat the cheapest pending transaction.
        MempoolFull = 10 => ("mempool_full", "the mempool is full and this transaction's fee does not beat the cheapest pending one"),
        /// The nonce is too far ahead of the account's next nonce to be held.
        NonceGapTooLarge = 11 => ("nonce_gap_too_large", "the nonce is too far ahead of the account's next nonce for the mempool to hold it"),
        /// Same signer and nonce as a pending transaction, without a higher fee.
        ReplacementUnderpriced = 12 => ("replacement_underpriced", "a pending transaction has the same signer and nonce and this one does not pay a higher fee"),
        /// The signer already has the maximum number of pending transactions.
        AccountQueueFull = 13 => ("account_queue_full", "the signer already has the maximum number of pending transactions"),
    }
}

/// The code every accepted transaction gets.
pub const OK: ReasonInfo = ReasonInfo {
    code: 0,
    name: "ok",
    description: "accepted and executed",
};

/// The outcome of one executed transaction: `0` or a registered reason code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Outcome(pub u16);

impl Outcome {
    /// Accepted.
    pub const OK: Self = Self(0);

    /// Whether the payload executed.
    pub const fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// The registry entry for this code.
    ///
    /// # Panics
    /// If the code is not registered: execution only produces registered codes.
    pub fn info(self) -> ReasonInfo {
        lookup(self.0).expect("outcome code is registered")
    }
}

impl From<EnvelopeRejection> for Outcome {
    fn from(r: EnvelopeRejection) -> Self {
        Self(r.code())
    }
}

macro_rules! outcome_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Outcome {
            fn from(r: $t) -> Self {
                Self(r.code())
            }
        }
    )*};
}

outcome_from!(
    AccountsRejection,
    DevicesRejection,
    PowRejection,
    CoverageRejection,
    RewardsRejection,
    OracleRejection,
    CreditsRejection,
    SessionsRejection,
    StakingRejection,
    SlashingRejection,
    MaintenanceRejection
);

/// Every reason code in the chain, in code order, starting with `0 ok`.
pub fn registry() -> Vec<ReasonInfo> {
    use crate::{module::Module as _, modules::for_each_module};
    let mut all = vec![OK];
    all.extend(EnvelopeRejection::infos());
    for_each_module!(M => all.extend(M::reasons()));
    all.sort_by_key(|i| i.code);
    all
}

/// The registry entry for `code`.
pub fn lookup(code: u16) -> Option<ReasonInfo> {
    registry().into_iter().find(|i| i.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_unique_across_modules() {
        let all = registry();
        let mut codes: Vec<u16> = all.iter().map(|i| i.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        let mut names: Vec<&str> = all.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }
}
