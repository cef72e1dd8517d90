//! The JSON the API speaks: every request and response body except errors ([`crate::ApiError`]).
//!
//! Field names are snake_case; byte strings (hashes, digests, roots, keys, proofs) are
//! lower-case hex without `0x`; amounts are integer base units. These types are the wire
//! contract: `openapi.rs` describes each one, and the tests check the two agree.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The node's view of the chain: `GET /v1/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    /// Human-readable chain identifier.
    pub chain_id: String,
    /// Hex digest of the genesis block.
    pub genesis_hash: String,
    /// Height of the latest finalized block.
    pub finalized_height: u64,
    /// Hex digest of the latest finalized block.
    pub finalized_block: String,
    /// Hex state root after the latest finalized block.
    pub state_root: String,
    /// Connected peers.
    pub peers: u32,
    /// Validators in the current epoch.
    pub validators: u32,
    /// Transactions waiting in this node's mempool.
    pub mempool_size: u64,
    /// Hex BLS threshold public key of the validator set; verifies finalization certificates.
    pub network_identity: String,
}

/// One entry of the reason-code registry: why a transaction or proof was rejected, or that it
/// succeeded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeView {
    /// Stable numeric code.
    pub code: u16,
    /// Stable snake_case name, e.g. `insufficient_funds`.
    pub name: String,
    /// What the rule is and how to satisfy it.
    pub description: String,
}

/// An account, with a proof of its record against a finalized state root:
/// `GET /v1/accounts/{address}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// Hex 32-byte address.
    pub address: String,
    /// Balance in base units.
    pub balance: u64,
    /// Next nonce the account's transaction must carry.
    pub nonce: u64,
    /// Finalized height the proof is against.
    pub height: u64,
    /// Hex state root at `height`.
    pub state_root: String,
    /// Hex 32-byte state key of the account record.
    pub key: String,
    /// Hex encoded account record, `None` if the account has no record.
    pub value: Option<String>,
    /// Hex encoded proof: of inclusion if `value` is `Some`, of exclusion otherwise.
    pub proof: String,
}

/// `POST /v1/tx` accepted the transaction into the mempool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxSubmitted {
    /// Hex 32-byte transaction hash, for `GET /v1/tx/{hash}`.
    pub hash: String,
}

/// The JSON form of `POST /v1/tx` (`Content-Type: application/json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitTxRequest {
    /// Hex of the binary encoded signed transaction.
    pub tx: String,
}

/// Where a transaction is: `GET /v1/tx/{hash}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxStatusView {
    /// Hex 32-byte transaction hash.
    pub hash: String,
    /// Whether the transaction is pending, included, or unknown to this node.
    pub status: TxStatus,
    /// Height of the including block, if included.
    pub height: Option<u64>,
    /// Position within the including block, if included.
    pub index: Option<u32>,
    /// The execution outcome, if included. Inclusion does not mean success: read `code`.
    pub outcome: Option<OutcomeView>,
}

/// Lifecycle of a transaction as seen by one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxStatus {
    /// In this node's mempool, not yet in a finalized block.
    Pending,
    /// In a finalized block and charged (fee burned, nonce used); the outcome says whether
    /// its payload succeeded.
    Included,
    /// In a finalized block but rejected before being charged (bad signature, stale nonce,
    /// unpayable fee...): nothing happened, and it may be fixed and submitted again.
    Refused,
    /// Neither pending here nor indexed as included.
    Unknown,
}

/// A finalized block: `GET /v1/blocks/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockView {
    /// Block height.
    pub height: u64,
    /// Hex block digest.
    pub digest: String,
    /// Hex digest of the parent block.
    pub parent: String,
    /// Proposer's timestamp, milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Epoch the block belongs to.
    pub epoch: u64,
    /// Consensus view the block was proposed in.
    pub view: u64,
    /// Hex public key of the proposer.
    pub proposer: String,
    /// Hex encoding of the block header: its SHA-256 is `digest`, which `finalization` signs.
    pub header: String,
    /// Hex state root after executing the block.
    pub state_root: String,
    /// Hex threshold randomness seed for the block's view, if known.
    pub seed: Option<String>,
    /// Number of transactions in the block.
    pub tx_count: u32,
    /// The block's transactions and their outcomes, in execution order.
    pub txs: Vec<TxInBlock>,
    /// Hex finalization certificate, if this node holds it.
    pub finalization: Option<String>,
}

/// A transaction inside a [`BlockView`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxInBlock {
    /// Hex 32-byte transaction hash.
    pub hash: String,
    /// Hex of the transaction's bytes as the block holds them: leaf `i` of the header's
    /// `txs_root` is `SHA-256(0x00 ‖ bytes)`, so anyone can recompute the root.
    pub tx: String,
    /// The execution outcome.
    pub outcome: OutcomeView,
}

/// Which block `GET /v1/blocks/{id}` asks for: `latest` or a decimal height.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockId {
    /// The block at this height.
    Height(u64),
    /// The latest finalized block.
    Latest,
}

/// A path segment that is neither `latest` nor a decimal height.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("block id must be `latest` or a decimal height")]
pub struct InvalidBlockId;

impl FromStr for BlockId {
    type Err = InvalidBlockId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "latest" {
            return Ok(Self::Latest);
        }
        // `u64::from_str` alone would also accept a leading `+`; one spelling per height keeps
        // URLs canonical for caches.
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidBlockId);
        }
        text.parse().map(Self::Height).map_err(|_| InvalidBlockId)
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Height(height) => write!(f, "{height}"),
            Self::Latest => f.write_str("latest"),
        }
    }
}

/// Something that happened on chain, pushed on `GET /v1/events`.
///
/// Serialized with a `type` tag (`{"type": "block", ...}`); the server-sent event's `event:`
/// field carries the same name ([`ChainEvent::kind`]). New variants will be added; clients must
/// ignore types they do not know, and this crate's own deserializer maps them to
/// [`ChainEvent::Unknown`] instead of failing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChainEvent {
    /// A block was finalized.
    Block {
        /// Block height.
        height: u64,
        /// Hex block digest.
        digest: String,
        /// Number of transactions in the block.
        tx_count: u32,
        /// Hex state root after the block.
        state_root: String,
        /// Proposer's timestamp, milliseconds since the Unix epoch.
        timestamp_ms: u64,
    },
    /// A transaction in a finalized block was executed.
    TxOutcome {
        /// Hex 32-byte transaction hash.
        hash: String,
        /// Height of the including block.
        height: u64,
        /// Position within the block.
        index: u32,
        /// Outcome code, see `GET /v1/outcomes/{code}`.
        code: u16,
        /// Outcome name.
        name: String,
        /// Whether it was charged (fee burned, nonce used). An uncharged rejection changed
        /// nothing: a transaction with this hash may still execute later.
        charged: bool,
    },
    /// An epoch closed: its rewards were distributed.
    EpochClosed {
        /// The epoch.
        epoch: u64,
        /// Height of the closing block.
        height: u64,
        /// Emission, base units.
        emission: u64,
        /// Distributed to devices, base units.
        distributed: u64,
        /// Hex reward root.
        reward_root: String,
    },
    /// A device report was judged.
    ReportOutcome {
        /// Hex report id.
        report_id: String,
        /// Hex device key, when the signer was recognized.
        device: Option<String>,
        /// Height.
        height: u64,
        /// 0 valid or pending, else the reason code.
        code: u16,
        /// Reason name.
        name: String,
        /// Units credited now.
        units: u64,
    },
    /// An event type newer than this crate. Only produced by deserializing; a backend that
    /// publishes it sends `{"type": "unknown"}`.
    #[serde(other)]
    Unknown,
}

impl ChainEvent {
    /// The `type` tag, also used as the server-sent event name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Block { .. } => "block",
            Self::TxOutcome { .. } => "tx_outcome",
            Self::EpochClosed { .. } => "epoch_closed",
            Self::ReportOutcome { .. } => "report_outcome",
            Self::Unknown => "unknown",
        }
    }
}

/// Data of the `lagged` server-sent event: the subscriber fell behind and missed events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamLagged {
    /// Number of events dropped for this subscriber.
    pub skipped: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_id_parses_latest_and_canonical_decimal_only() {
        assert_eq!("latest".parse(), Ok(BlockId::Latest));
        assert_eq!("0".parse(), Ok(BlockId::Height(0)));
        assert_eq!(
            "18446744073709551615".parse(),
            Ok(BlockId::Height(u64::MAX))
        );
        for bad in [
            "",
            "+1",
            "-1",
            " 1",
            "1 ",
            "0x10",
            "Latest",
            "18446744073709551616",
        ] {
            assert_eq!(bad.parse::<BlockId>(), Err(InvalidBlockId), "{bad:?}");
        }
    }

    #[test]
    fn chain_event_kind_matches_serialized_type_tag() {
        let events = [
            ChainEvent::Block {
                height: 1,
                digest: String::new(),
                tx_count: 0,
                state_root: String::new(),
                timestamp_ms: 0,
            },
            ChainEvent::TxOutcome {
                hash: String::new(),
                height: 1,
                index: 0,
                code: 0,
                name: String::new(),
                charged: true,
            },
            ChainEvent::EpochClosed {
                epoch: 1,
                height: 1,
                emission: 0,
                distributed: 0,
                reward_root: String::new(),
            },
            ChainEvent::ReportOutcome {
                report_id: String::new(),
                device: None,
                height: 1,
                code: 0,
                name: String::new(),
                units: 0,
            },
            ChainEvent::Unknown,
        ];
        for event in events {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.kind());
        }
    }

    #[test]
    fn chain_event_of_unknown_type_deserializes_to_unknown() {
        let event: ChainEvent =
            serde_json::from_str(r#"{"type":"validator_set_changed","epoch":3}"#).unwrap();
        assert_eq!(event, ChainEvent::Unknown);
    }
}
