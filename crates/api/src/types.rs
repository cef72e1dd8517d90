//! The JSON the API speaks: every request and response body except errors ([`crate::ApiError`]).
//!
//! Field names are snake_case; byte strings (hashes, digests, roots, keys, proofs) are
//! lower-case hex without `0x`; amounts are integer base units. These types are the wire
//! contract, and the OpenAPI document's schemas are derived from them (`ToSchema`): a doc
//! comment is the schema's description, a `format` names the shape of a string
//! ([`crate::openapi`] gives each its pattern), and an `Option` field is `required` because the
//! server always sends it, as `null` when absent.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The node's view of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusView {
    /// Chain identifier.
    pub chain_id: String,
    /// Digest of the genesis block.
    #[schema(format = "hex")]
    pub genesis_hash: String,
    /// Height of the latest finalized block.
    pub finalized_height: u64,
    /// Digest of the latest finalized block.
    #[schema(format = "hex")]
    pub finalized_block: String,
    /// State root after the latest finalized block.
    #[schema(format = "hex")]
    pub state_root: String,
    /// Connected peers.
    pub peers: u32,
    /// Validators in the current epoch.
    pub validators: u32,
    /// Transactions in this node's mempool.
    pub mempool_size: u64,
    /// BLS threshold public key of the validator set; verifies finalization certificates.
    #[schema(format = "hex")]
    pub network_identity: String,
}

/// One entry of the reason-code registry: why a transaction or proof was rejected, or that it
/// succeeded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OutcomeView {
    /// Stable numeric code.
    pub code: u16,
    /// Stable snake_case name, e.g. `insufficient_funds`.
    pub name: String,
    /// What the rule is and how to satisfy it.
    pub description: String,
}

/// A resource class the chain knows: its id, name, whether it runs, and its report kinds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClassView {
    /// Stable class id (the byte in device records, reports and reward pools).
    pub id: u8,
    /// Stable name, as the `class` filter and every class field spell it.
    pub name: String,
    /// `running`: devices register and report in it; `reserved`: the id is set aside for a
    /// class not built yet (its reward pool, if any, is not issued; no device can register).
    #[schema(pattern = "^(running|reserved)$")]
    pub status: String,
    /// The class's report kinds (empty for a reserved class).
    pub report_kinds: Vec<ReportKindView>,
}

/// One report kind of a class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReportKindView {
    /// The kind byte of a report.
    pub kind: u8,
    /// Its name, as device outcomes show it.
    pub name: String,
}

/// The chain's TRN/USD price at the latest finalized block, and the reports it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PriceView {
    /// Micro-USD per whole TRN: the median of the fresh reports, or `null` when fewer than
    /// `min_fresh_reports` are fresh (what needs a price is then refused with code 606).
    pub price: Option<u64>,
    /// The block time the price is taken at, ms.
    pub at_ms: u64,
    /// Fresh reports it was taken over.
    pub fresh_reports: u32,
    /// Fewest fresh reports the chain takes a price from.
    pub min_fresh_reports: u32,
    /// Oldest a report may be and still count, ms.
    pub max_report_age_ms: u64,
    /// Every listed oracle's latest report, in the parameters' order.
    pub reports: Vec<OracleReportView>,
}

/// One oracle's latest accepted report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OracleReportView {
    /// Hex oracle key.
    #[schema(format = "hex32")]
    pub oracle: String,
    /// Micro-USD per whole TRN.
    pub price: u64,
    /// When the oracle observed it, ms.
    pub timestamp_ms: u64,
    /// The height that accepted it.
    pub height: u64,
    /// Whether it counts at `at_ms`.
    pub fresh: bool,
}

/// Data credits network-wide at the latest finalized block: what a credit costs, what a TRN
/// buys now, and the credit ledger (`docs/spec/credits.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreditsView {
    /// Finalized height these figures are at.
    pub height: u64,
    /// The USD value of one credit, micro-USD (10 = $0.00001).
    pub micro_usd_per_credit: u64,
    /// The chain's TRN/USD price now, micro-USD per TRN; `null` when too few oracle reports
    /// are fresh (burns are then refused with code 702).
    #[schema(required = true)]
    pub price: Option<u64>,
    /// Credits one whole TRN buys at `price` (`null` without a price).
    #[schema(required = true)]
    pub credits_per_trn: Option<u64>,
    /// Bytes of coverage traffic one credit buys in a session opened now.
    pub bytes_per_credit: u32,
    /// TRN base units burned for credits since genesis.
    pub trn_burned: u64,
    /// Credits minted by burns since genesis.
    pub minted: u64,
    /// Credits paid to providers' usage ledgers.
    pub spent: u64,
    /// Credits in accounts' balances.
    pub balances: u64,
    /// Credits held in open escrows.
    pub escrowed: u64,
    /// Credits bought and not yet spent (`balances + escrowed`).
    pub outstanding: u64,
    /// Escrows open now.
    pub escrows_open: u64,
}

/// One account's credits, with a proof of its balance record, and its open data sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreditAccountView {
    /// Account address.
    #[schema(format = "hex32")]
    pub address: String,
    /// Credit balance (not counting credits escrowed in its sessions).
    pub balance: u64,
    /// The account's open data sessions (at most `sessions.max_open_per_payer`).
    pub sessions: Vec<SessionView>,
    /// Finalized height the proof is against.
    pub height: u64,
    /// State root at `height`.
    #[schema(format = "hex")]
    pub state_root: String,
    /// State key of the balance record.
    #[schema(format = "hex32")]
    pub key: String,
    /// Encoded balance record (u64 big-endian); null if the account never held credits.
    #[schema(format = "hex", required = true)]
    pub value: Option<String>,
    /// Encoded proof: inclusion if `value` is set, exclusion otherwise.
    #[schema(format = "hex")]
    pub proof: String,
}

/// An open data session: a consumer's escrow with a hotspot, paid by signed receipts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    /// Session id (its escrow's).
    pub id: u64,
    /// The consumer: payer, receipt signer, refund recipient.
    #[schema(format = "hex32")]
    pub payer: String,
    /// The hotspot.
    #[schema(format = "hex32")]
    pub device: String,
    /// Credits deposited.
    pub deposit: u64,
    /// Credits paid to the hotspot so far.
    pub paid: u64,
    /// Credits still in escrow.
    pub remaining: u64,
    /// Cumulative bytes of the last paid receipt.
    pub paid_bytes: u64,
    /// Nonce of the last paid receipt (0: none yet); the next receipt must carry a larger one.
    pub last_nonce: u64,
    /// Bytes per credit, frozen at opening.
    pub bytes_per_credit: u32,
    /// Height that opened it.
    pub opened: u64,
    /// Last height the session runs.
    pub expires: u64,
    /// Last height a receipt is paid; after it the payer may close and take the rest back.
    pub settle_until: u64,
}

/// An account with a proof of its record against a finalized state root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    /// Account address.
    #[schema(format = "hex32")]
    pub address: String,
    /// Balance in base units.
    pub balance: u64,
    /// Next nonce the account's transaction must carry.
    pub nonce: u64,
    /// Finalized height the proof is against.
    pub height: u64,
    /// State root at `height`.
    #[schema(format = "hex")]
    pub state_root: String,
    /// State key of the account record.
    #[schema(format = "hex32")]
    pub key: String,
    /// Encoded account record; null if the account has no record.
    #[schema(format = "hex", required = true)]
    pub value: Option<String>,
    /// Encoded proof: inclusion if `value` is set, exclusion otherwise.
    #[schema(format = "hex")]
    pub proof: String,
}

/// The transaction was accepted into the mempool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TxSubmitted {
    /// Transaction hash, for `GET /v1/tx/{hash}`.
    #[schema(format = "hex32")]
    pub hash: String,
}

/// JSON form of a transaction submission (`Content-Type: application/json`): exactly one
/// member, `tx`; any other member is refused (400, code 7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitTxRequest {
    /// Hex of the binary encoded signed transaction.
    #[schema(format = "hex-tx")]
    pub tx: String,
}

/// Where a transaction is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TxStatusView {
    /// Transaction hash.
    #[schema(format = "hex32")]
    pub hash: String,
    /// Whether the transaction is pending, included, refused or unknown to this node.
    pub status: TxStatus,
    /// Height of the including block, if included.
    #[schema(required = true)]
    pub height: Option<u64>,
    /// Position within the including block, if included.
    #[schema(required = true)]
    pub index: Option<u32>,
    /// The execution outcome, if included. Inclusion does not mean success: read `code`.
    #[schema(required = true)]
    pub outcome: Option<OutcomeView>,
}

/// Lifecycle of a transaction as seen by one node. pending: in this node's mempool;
/// included: in a finalized block and charged (the outcome says whether the payload
/// succeeded); refused: in a finalized block but rejected before being charged (nothing
/// happened, nonce unchanged); unknown: none of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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

/// A finalized block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BlockView {
    /// Block height.
    pub height: u64,
    /// Block digest.
    #[schema(format = "hex")]
    pub digest: String,
    /// Digest of the parent block.
    #[schema(format = "hex")]
    pub parent: String,
    /// Proposer's timestamp, milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Epoch the block belongs to.
    pub epoch: u64,
    /// Consensus view the block was proposed in.
    pub view: u64,
    /// Proposer's public key.
    #[schema(format = "hex")]
    pub proposer: String,
    /// The encoded block header; the block digest is its SHA-256 and the finalization
    /// certificate signs that digest (docs/spec/blocks.md).
    #[schema(format = "hex")]
    pub header: String,
    /// State root after executing the block.
    #[schema(format = "hex")]
    pub state_root: String,
    /// Threshold randomness seed of the block's view, if known.
    #[schema(format = "hex", required = true)]
    pub seed: Option<String>,
    /// Number of transactions in the block.
    pub tx_count: u32,
    /// The block's transactions and their outcomes, in execution order.
    pub txs: Vec<TxInBlock>,
    /// Finalization certificate, if this node holds it.
    #[schema(format = "hex", required = true)]
    pub finalization: Option<String>,
}

/// A transaction in a block, with its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TxInBlock {
    /// Transaction hash.
    #[schema(format = "hex32")]
    pub hash: String,
    /// The transaction's bytes as the block holds them: leaf `i` of the header's `txs_root`
    /// is SHA-256(0x00 ‖ bytes), so anyone can recompute the root.
    #[schema(format = "hex")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schema(
    description = "A finalized chain event, tagged by `type`. More types will be added; \
    clients must ignore types they do not know."
)]
#[non_exhaustive]
pub enum ChainEvent {
    /// A block was finalized.
    #[schema(title = "BlockEvent")]
    Block {
        /// Block height.
        height: u64,
        /// Block digest.
        #[schema(format = "hex")]
        digest: String,
        /// Number of transactions in the block.
        tx_count: u32,
        /// State root after the block.
        #[schema(format = "hex")]
        state_root: String,
        /// Proposer's timestamp, milliseconds since the Unix epoch.
        timestamp_ms: u64,
    },
    /// A transaction in a finalized block was executed.
    #[schema(title = "TxOutcomeEvent")]
    TxOutcome {
        /// Transaction hash.
        #[schema(format = "hex32")]
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
    /// A reward epoch closed: its rewards were credited to device ledgers.
    #[schema(title = "EpochClosedEvent")]
    EpochClosed {
        /// The epoch.
        epoch: u64,
        /// Height of the block that closed it.
        height: u64,
        /// Emission of the epoch, base units.
        emission: u64,
        /// Credited to devices, all classes, base units.
        distributed: u64,
        /// Merkle root of the epoch's reward list.
        #[schema(format = "hex32")]
        reward_root: String,
    },
    /// A device report (proof of physical work) was judged.
    #[schema(title = "ReportOutcomeEvent")]
    ReportOutcome {
        /// Report id.
        #[schema(format = "hex32")]
        report_id: String,
        /// Device key; null if the signer was not recognized.
        #[schema(format = "hex32", required = true)]
        device: Option<String>,
        /// Height of the judging block.
        height: u64,
        /// 0 if valid (or pending), else the reason code.
        code: u16,
        /// Reason name, `ok` for 0.
        name: String,
        /// Work units credited by this judgement.
        units: u64,
    },
    /// An event type newer than this crate. Only produced by deserializing; a backend that
    /// publishes it sends `{"type": "unknown"}`.
    #[schema(title = "UnknownEvent")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
