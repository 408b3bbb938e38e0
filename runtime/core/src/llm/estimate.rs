//! Prompt and completion tokens counted offline with OpenAI's BPE tokenizers
//! (`tiktoken-rs`): `o200k_base` for the models that use it (gpt-4o, gpt-4.1, gpt-5, o1,
//! o3, o4), `cl100k_base` for the others and when the request names no model (Azure OpenAI
//! names the deployment in the path). Each BPE is loaded once per process ([`warm_up`]).

use serde_json::Value;
use tiktoken_rs::tokenizer::{get_tokenizer, Tokenizer};
use tiktoken_rs::CoreBPE;

/// Bounds of the offline estimates (configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LlmLimits {
    /// Largest request body tokenized; a larger one is estimated at four bytes a token.
    pub max_estimate_bytes: usize,
    /// Longest line of an event stream kept while looking for the usage chunk; a longer
    /// line is skipped (its text is estimated at four bytes a token).
    pub max_event_bytes: usize,
    /// Longest a call to a Content Safety or embeddings backend may take, seconds.
    pub service_timeout_secs: u64,
    /// Most prompts kept per semantic-cache partition (the oldest is replaced).
    pub semantic_entries: usize,
    /// Most dimensions of an embedding kept; a longer one is not cached.
    pub max_embedding_dims: usize,
}

impl Default for LlmLimits {
    fn default() -> Self {
        LlmLimits {
            max_estimate_bytes: 1 << 20,
            max_event_bytes: 1 << 20,
            service_timeout_secs: 30,
            semantic_entries: 64,
            max_embedding_dims: 4096,
        }
    }
}

/// What the token policies read of a request body, once per exchange.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// `"stream": true`: the answer comes as server-sent events.
    pub stream: bool,
    /// The estimated prompt tokens.
    pub prompt_tokens: u64,
    /// The `model` the body names, if any.
    pub model: Option<String>,
}

/// Tokens a chat message adds beyond its text (OpenAI's count for gpt-3.5/4 and later).
const PER_MESSAGE: u64 = 3;
/// Tokens that prime the assistant's reply.
const REPLY_PRIMING: u64 = 3;

/// Loads the tokenizers now (at gateway load), so no request pays for it.
pub fn warm_up() {
    let _ = tiktoken_rs::cl100k_base_singleton();
    let _ = tiktoken_rs::o200k_base_singleton();
}

fn bpe(model: Option<&str>) -> &'static CoreBPE {
    match model.and_then(get_tokenizer) {
        Some(Tokenizer::O200kBase | Tokenizer::O200kHarmony) => tiktoken_rs::o200k_base_singleton(),
        _ => tiktoken_rs::cl100k_base_singleton(),
    }
}

/// Tokens of `text` for `model`.
pub fn text_tokens(model: Option<&str>, text: &str) -> u64 {
    bpe(model).encode_ordinary(text).len() as u64
}

/// Reads a chat-completions, completions or embeddings request body: whether it streams
/// and its prompt tokens. A body that is not JSON is estimated at four bytes a token.
pub fn read_request(body: &[u8], limits: &LlmLimits) -> RequestInfo {
    let by_bytes = (body.len() as u64).div_ceil(4);
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return RequestInfo {
            prompt_tokens: by_bytes,
            ..RequestInfo::default()
        };
    };
    let model = v.get("model").and_then(Value::as_str).map(str::to_string);
    let stream = v.get("stream").and_then(Value::as_bool) == Some(true);
    let prompt_tokens = if body.len() > limits.max_estimate_bytes {
        by_bytes
    } else {
        prompt_of(&v, model.as_deref())
    };
    RequestInfo {
        stream,
        prompt_tokens,
        model,
    }
}

/// Prompt tokens of a parsed request.
fn prompt_of(v: &Value, model: Option<&str>) -> u64 {
    let count = |t: &str| text_tokens(model, t);
    if let Some(messages) = v.get("messages").and_then(Value::as_array) {
        let mut n = REPLY_PRIMING;
        for m in messages {
            n += PER_MESSAGE;
            if let Some(role) = m.get("role").and_then(Value::as_str) {
                n += count(role);
            }
            if let Some(name) = m.get("name").and_then(Value::as_str) {
                n += count(name) + 1;
            }
            n += m.get("content").map_or(0, |c| texts(c, &count));
        }
        return n;
    }
    ["prompt", "input"]
        .iter()
        .filter_map(|k| v.get(*k))
        .map(|p| texts(p, &count))
        .sum()
}

/// Tokens of a content value: a string, an array of strings or of `{"text": ...}` parts.
fn texts(v: &Value, count: &dyn Fn(&str) -> u64) -> u64 {
    match v {
        Value::String(s) => count(s),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => count(s),
                Value::Object(o) => o.get("text").and_then(Value::as_str).map_or(0, count),
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chat_prompts_like_openai() {
        // 3 per message, 1 for the role, 6 for the text (cl100k_base), 3 priming the reply.
        let body = br#"{"messages":[{"role":"user","content":"Hello, how are you?"}]}"#;
        let info = read_request(body, &LlmLimits::default());
        assert_eq!(info.prompt_tokens, 3 + 3 + 1 + 6);
        assert!(!info.stream);
        let streamed = br#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}"#;
        let info = read_request(streamed, &LlmLimits::default());
        assert!(info.stream);
        assert_eq!(info.model.as_deref(), Some("gpt-4o"));
        assert_eq!(info.prompt_tokens, 3 + 3 + 1 + 1);
    }

    #[test]
    fn large_or_foreign_bodies_are_estimated_by_bytes() {
        let limits = LlmLimits {
            max_estimate_bytes: 16,
            ..LlmLimits::default()
        };
        let body = br#"{"prompt":"a long prompt of many words"}"#;
        assert_eq!(read_request(body, &limits).prompt_tokens, 10);
        assert_eq!(read_request(b"plain", &limits).prompt_tokens, 2);
        let embeddings = br#"{"input":["one","two"]}"#;
        assert_eq!(
            read_request(embeddings, &LlmLimits::default()).prompt_tokens,
            2
        );
    }
}
