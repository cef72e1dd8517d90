//! The chain events the load benchmark reads from `GET /v1/events`, parsed by
//! [`terrane_client::sse`].

use terrane_client::sse::SseMessage;
use terrane_primitives::Hash32;

/// A chain event the load benchmark cares about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Observed {
    /// A transaction in a finalized block was executed.
    TxOutcome {
        /// Transaction id.
        hash: Hash32,
        /// Including block.
        height: u64,
        /// Outcome code.
        code: u16,
        /// Whether it was charged (fee burned, nonce used). An uncharged rejection changed
        /// nothing, and a transaction with this hash may still execute later. Absent in the
        /// JSON (older nodes): charged.
        charged: bool,
    },
    /// The stream skipped this many events.
    Lagged(u64),
}

/// What `message` says, if it is a `tx_outcome` or `lagged` message that parses. Everything
/// else (blocks, other event types, malformed data) is `None`.
///
/// Only the fields used here are read, so fields the API adds later do not break the client.
pub(crate) fn observe(message: &SseMessage) -> Option<Observed> {
    let data: serde_json::Value = serde_json::from_str(&message.data).ok()?;
    if message.event == "lagged" {
        return Some(Observed::Lagged(data.get("skipped")?.as_u64()?));
    }
    if data.get("type")?.as_str()? != "tx_outcome" {
        return None;
    }
    Some(Observed::TxOutcome {
        hash: data.get("hash")?.as_str()?.parse().ok()?,
        height: data.get("height")?.as_u64()?,
        code: u16::try_from(data.get("code")?.as_u64()?).ok()?,
        charged: match data.get("charged") {
            None => true,
            Some(charged) => charged.as_bool()?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0101010101010101010101010101010101010101010101010101010101010101";

    #[test]
    fn tx_outcome_reads_charged_and_treats_its_absence_as_charged() {
        let msg = |charged: &str| SseMessage {
            event: "tx_outcome".into(),
            data: format!(
                r#"{{"type":"tx_outcome","hash":"{HASH}","height":7,"index":3,"code":111,"name":"nonce_too_high"{charged},"future_field":[1]}}"#
            ),
        };
        let outcome = |charged| {
            Some(Observed::TxOutcome {
                hash: HASH.parse().unwrap(),
                height: 7,
                code: 111,
                charged,
            })
        };
        assert_eq!(observe(&msg(r#","charged":false"#)), outcome(false));
        assert_eq!(observe(&msg(r#","charged":true"#)), outcome(true));
        assert_eq!(observe(&msg("")), outcome(true));
        assert_eq!(observe(&msg(r#","charged":"no""#)), None);
    }

    #[test]
    fn unknown_event_types_and_bad_hashes_are_ignored() {
        let msg = |data: &str| SseMessage {
            event: "tx_outcome".into(),
            data: data.into(),
        };
        assert_eq!(observe(&msg(r#"{"type":"epoch_closed","epoch":3}"#)), None);
        assert_eq!(
            observe(&msg(
                r#"{"type":"tx_outcome","hash":"zz","height":1,"index":0,"code":0,"name":"ok"}"#
            )),
            None
        );
        assert_eq!(observe(&msg("not json")), None);
    }
}
