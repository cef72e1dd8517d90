//! A bounded Server-Sent Events parser for `GET /v1/events` (or any SSE stream).
//!
//! Bytes arrive in arbitrary chunks; [`SseParser::push`] cuts them into lines (LF or CRLF),
//! and a blank line ends a message. `data:` lines of one message are joined with `\n`;
//! comment lines (`: keep-alive`) and unknown fields are skipped. A line longer than
//! [`MAX_LINE_BYTES`] is dropped whole (and its message with it), so a misbehaving server
//! cannot grow the buffer without bound. Lines are decoded as UTF-8 only once complete, so a
//! character split across chunks decodes whole; invalid UTF-8 becomes U+FFFD.

/// Longest line kept, in bytes. Chain events are a few hundred bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// One dispatched message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseMessage {
    /// The `event:` field, `message` if absent.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// Incremental parser state.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// Dropping the rest of an over-long line.
    skipping: bool,
    /// The current message lost a line: do not dispatch it.
    damaged: bool,
    event: Option<String>,
    data: Option<String>,
    /// Lines dropped for length.
    pub dropped_lines: u64,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a chunk, appending every message it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<SseMessage>) {
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
        assert!(out[1].data.contains(HASH));
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
    fn a_character_split_across_chunks_decodes_whole() {
        let stream = "data: caf\u{e9} \u{1f30d}\n\n".as_bytes();
        for at in 1..stream.len() {
            let (out, _) = parse_all(&[&stream[..at], &stream[at..]]);
            assert_eq!(out[0].data, "caf\u{e9} \u{1f30d}", "split at {at}");
        }
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
        assert_eq!(
            out,
            vec![SseMessage {
                event: "lagged".into(),
                data: "{\"skipped\":17}".into()
            }]
        );
        assert!(parser.line.capacity() <= 2 * MAX_LINE_BYTES);
    }
}
