//! A backend's reported token usage: OpenAI's `usage` object (chat completions,
//! completions, embeddings, and the Responses API's `input_tokens`/`output_tokens`).

use serde_json::Value;

/// Tokens one call consumed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt (input) tokens.
    pub prompt: u64,
    /// Completion (output) tokens.
    pub completion: u64,
    /// Prompt and completion together.
    pub total: u64,
}

/// The `usage` of a JSON response body, if it has one.
pub fn from_json(body: &[u8]) -> Option<Usage> {
    let v: Value = serde_json::from_slice(body).ok()?;
    from_value(&v)
}

/// The `usage` member of a parsed JSON object (`None` when absent or `null`).
pub(crate) fn from_value(v: &Value) -> Option<Usage> {
    let u = v.get("usage")?.as_object()?;
    let n = |names: &[&str]| names.iter().find_map(|k| u.get(*k).and_then(Value::as_u64));
    let prompt = n(&["prompt_tokens", "input_tokens"]).unwrap_or(0);
    let completion = n(&["completion_tokens", "output_tokens"]).unwrap_or(0);
    let total = n(&["total_tokens"]).unwrap_or(prompt.saturating_add(completion));
    Some(Usage {
        prompt,
        completion,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chat_and_responses_usage() {
        let chat = br#"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#;
        assert_eq!(
            from_json(chat),
            Some(Usage {
                prompt: 12,
                completion: 5,
                total: 17
            })
        );
        let responses = br#"{"usage":{"input_tokens":3,"output_tokens":4}}"#;
        assert_eq!(from_json(responses).map(|u| u.total), Some(7));
        assert_eq!(from_json(br#"{"usage":null}"#), None);
        assert_eq!(from_json(b"not json"), None);
    }
}
