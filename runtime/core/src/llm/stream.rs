//! Token usage read from a chat-completions event stream as it passes through: the usage
//! chunk when the backend sends one (`stream_options.include_usage`), else the completion
//! estimated from the streamed `delta` texts.

use super::estimate::{text_tokens, LlmLimits};
use super::usage::{from_value, Usage};
use serde_json::Value;

/// Reads `data:` events of a server-sent event stream, a piece at a time.
#[derive(Debug)]
pub struct SseUsage {
    line: Vec<u8>,
    /// Skipping the rest of an over-long line.
    skipping: bool,
    usage: Option<Usage>,
    completion: u64,
    model: Option<String>,
    max_line: usize,
}

impl SseUsage {
    /// A reader for a stream answering a request for `model`.
    pub fn new(model: Option<String>, limits: &LlmLimits) -> SseUsage {
        SseUsage {
            line: Vec::new(),
            skipping: false,
            usage: None,
            completion: 0,
            model,
            max_line: limits.max_event_bytes,
        }
    }

    /// Reads the next piece of the stream.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while let Some(at) = memchr::memchr(b'\n', bytes) {
            let (head, rest) = bytes.split_at(at);
            self.push(head);
            self.end_line();
            bytes = rest.get(1..).unwrap_or_default();
        }
        self.push(bytes);
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.skipping {
            self.completion += (bytes.len() as u64).div_ceil(4);
            return;
        }
        if self.line.len() + bytes.len() > self.max_line {
            self.completion += ((self.line.len() + bytes.len()) as u64).div_ceil(4);
            self.line.clear();
            self.skipping = true;
            return;
        }
        self.line.extend_from_slice(bytes);
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let was_skipping = std::mem::replace(&mut self.skipping, false);
        if was_skipping {
            return;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        let Some(data) = line.strip_prefix(b"data:") else {
            return;
        };
        let Ok(v) = serde_json::from_slice::<Value>(data.trim_ascii()) else {
            return; // `[DONE]`, or a stream that is not OpenAI's
        };
        if let Some(u) = from_value(&v) {
            self.usage = Some(u);
        }
        let Some(choices) = v.get("choices").and_then(Value::as_array) else {
            return;
        };
        for c in choices {
            let text = c
                .get("delta")
                .and_then(|d| d.get("content"))
                .or_else(|| c.get("text"))
                .and_then(Value::as_str);
            if let Some(t) = text.filter(|t| !t.is_empty()) {
                self.completion += text_tokens(self.model.as_deref(), t);
            }
        }
    }

    /// The usage the stream reported, if it did.
    pub fn reported(&self) -> Option<Usage> {
        self.usage
    }

    /// The completion tokens estimated from the streamed text so far.
    pub fn estimated_completion(&self) -> u64 {
        self.completion
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_usage_chunk_across_pieces() {
        let mut s = SseUsage::new(None, &LlmLimits::default());
        let stream = "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\n\
            data: {\"choices\":[{\"delta\":{\"content\":\" world\"}}]}\n\n\
            data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n\
            data: [DONE]\n\n";
        for piece in stream.as_bytes().chunks(7) {
            s.feed(piece);
        }
        assert_eq!(s.estimated_completion(), 2);
        assert_eq!(s.reported().map(|u| u.total), Some(11));
    }

    #[test]
    fn an_overlong_line_is_skipped_and_estimated() {
        let limits = LlmLimits {
            max_event_bytes: 8,
            ..LlmLimits::default()
        };
        let mut s = SseUsage::new(None, &limits);
        s.feed(b"data: 0123456789abcdef");
        s.feed(b"0123456789abcdef\n");
        assert_eq!(s.reported(), None);
        assert_eq!(s.estimated_completion(), 10);
        s.feed(b"data: {}\n");
        assert_eq!(s.estimated_completion(), 10);
    }
}
