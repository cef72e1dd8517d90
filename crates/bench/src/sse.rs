//! A bounded Server-Sent Events parser for `GET /v1/events`, and the chain events it carries.
//!
//! Bytes arrive in arbitrary chunks; [`SseParser::push`] cuts them into lines (LF or CRLF),
//! and a blank line ends a message. `data:` lines of one message are joined with `\n`;
//! comment lines (`: keep-alive`) and unknown fields are skipped. A line longer than
//! [`MAX_LINE_BYTES`] is dropped whole (and its message with it), so a misbehaving server
//! cannot grow the buffer without bound.

use terrane_primitives::Hash32;

/// Longest line kept, in bytes. Chain events are a few hundred bytes.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// One dispatched message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SseMessage {
    /// The `event:` field, `message` if absent.
    pub(crate) event: String,
    /// The `data:` lines joined with `\n`.
    pub(crate) data: String,
}

/// Incremental parser state.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    line: Vec<u8>,
    /// Dropping the rest of an over-long line.
    skipping: bool,
    /// The current message lost a line: do not dispatch it.
    damaged: bool,
    event: Option<String>,
    data: Option<String>,
    /// Lines dropped for length.
    pub(crate) dropped_lines: u64,
}

impl SseParser {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Feeds a chunk, appending every message it completes to `out`.
    pub(crate) fn push(&mut self, chunk: &[u8], out: &mut Vec<SseMessage>) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let (part, complete) = match rest.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    let part = &rest[..at];
                    rest = &rest[at + 1..];
                    (part, true)
                }
                None => {
                    let part = rest;
                    rest = &[];
                    (part, false)
                }
            };
            if !self.skipping {
                if self.line.len() + part.len() > MAX_LINE_BYTES {
                    self.line.clear();
                    self.skipping = true;
                    self.damaged = true;
                    self.dropped_lines += 1;
                } else {
                    self.line.extend_from_slice(part);
                }
            }
            if complete {
                if self.skipping {
                    self.skipping = false;
                } else {
                    let mut line = std::mem::take(&mut self.line);
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    self.line_done(&line, out);
                    line.clear();
                    self.line = line;
                }
            }
        }
    }

    fn line_done(&mut self, line: &[u8], out: &mut Vec<SseMessage>) {
        if line.is_empty() {
            let event = self.event.take();
            let data = self.data.take();
            if std::mem::take(&mut self.damaged) {
                return;
            }
            if let Some(data) = data {
                out.push(SseMessage {
                    event: event.unwrap_or_else(|| "message".to_owned()),
                    data,
                });
            }
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"event" => self.event = Some(value.into_owned()),
            b"data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(&value);
                }
                None => self.data = Some(value.into_owned()),
            },
            _ => {}
        }
    }
}

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

    fn parse_all(chunks: &[&[u8]]) -> (Vec<SseMessage>, SseParser) {
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        for chunk in chunks {
            parser.push(chunk, &mut out);
        }
        (out, parser)
    }

    const HASH: &str = "0101010101010101010101010101010101010101010101010101010101010101";

    fn spec_stream() -> String {
        format!(
            "event: block\n\
             data: {{\"type\":\"block\",\"height\":42,\"digest\":\"ab\",\"tx_count\":1,\"state_root\":\"cd\",\"timestamp_ms\":1700000042000}}\n\
             \n\
             : keep-alive\n\
             \n\
             event: tx_outcome\n\
             data: {{\"type\":\"tx_outcome\",\"hash\":\"{HASH}\",\"height\":42,\"index\":0,\"code\":0,\"name\":\"ok\",\"charged\":true}}\n\
             \n"
        )
    }

    #[test]
    fn parses_the_spec_example_into_messages_and_skips_comments() {
        let stream = spec_stream();
        let (out, _) = parse_all(&[stream.as_bytes()]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].event, "block");
        assert_eq!(out[1].event, "tx_outcome");
        assert_eq!(observe(&out[0]), None);
        assert_eq!(
            observe(&out[1]),
            Some(Observed::TxOutcome {
                hash: HASH.parse().unwrap(),
                height: 42,
                code: 0,
                charged: true,
            })
        );
    }

    #[test]
    fn messages_split_at_every_byte_parse_the_same() {
        let stream = spec_stream();
        let (whole, _) = parse_all(&[stream.as_bytes()]);
        let bytes: Vec<&[u8]> = stream.as_bytes().chunks(1).collect();
        let (split, _) = parse_all(&bytes);
        assert_eq!(split, whole);
        let (halves, _) = parse_all(&[&stream.as_bytes()[..37], &stream.as_bytes()[37..]]);
        assert_eq!(halves, whole);
    }

    #[test]
    fn crlf_line_endings_and_missing_space_after_colon_are_accepted() {
        let (out, _) = parse_all(&[b"event:tx_outcome\r\ndata:{\"a\":1}\r\n\r\n"]);
        assert_eq!(
            out,
            vec![SseMessage {
                event: "tx_outcome".into(),
                data: "{\"a\":1}".into()
            }]
        );
    }

    #[test]
    fn data_lines_are_joined_and_event_defaults_to_message() {
        let (out, _) = parse_all(&[b"data: one\ndata: two\nid: 7\nretry: 10\n\n"]);
        assert_eq!(
            out,
            vec![SseMessage {
                event: "message".into(),
                data: "one\ntwo".into()
            }]
        );
    }

    #[test]
    fn a_message_without_data_or_an_unterminated_message_is_not_dispatched() {
        let (out, _) = parse_all(&[b"event: block\n\nevent: tx_outcome\ndata: {}\n"]);
        assert!(out.is_empty());
    }

    #[test]
    fn an_over_long_line_drops_its_message_and_parsing_continues() {
        let long = vec![b'x'; MAX_LINE_BYTES + 1];
        let mut stream = b"event: tx_outcome\ndata: ".to_vec();
        stream.extend_from_slice(&long);
        stream.extend_from_slice(b"\n\nevent: lagged\ndata: {\"skipped\":17}\n\n");
        // In small chunks too, so the limit is enforced across pushes.
        let chunks: Vec<&[u8]> = stream.chunks(1000).collect();
        let (out, parser) = parse_all(&chunks);
        assert_eq!(parser.dropped_lines, 1);
        assert_eq!(out.len(), 1);
        assert_eq!(observe(&out[0]), Some(Observed::Lagged(17)));
        assert!(parser.line.capacity() <= 2 * MAX_LINE_BYTES);
    }

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
