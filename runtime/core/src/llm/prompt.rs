//! The text of a chat-completions or completions request as the content-safety and
//! semantic-cache policies read it: every message's text (optionally without the system
//! messages), one message a line, and how many messages it holds.

use serde_json::Value;

/// A request's prompt text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prompt {
    /// The texts, joined by newlines.
    pub text: String,
    /// The messages read (a completions `prompt` counts one per string).
    pub messages: usize,
    /// `"stream": true`: the answer comes as server-sent events.
    pub stream: bool,
}

/// The prompt of `body` (a chat-completions `messages` array, or a completions `prompt`);
/// `None` when the body is not JSON or holds neither. System (and developer) messages are
/// left out when `ignore_system`.
pub fn prompt_text(body: &[u8], ignore_system: bool) -> Option<Prompt> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let mut p = Prompt {
        stream: v.get("stream").and_then(Value::as_bool) == Some(true),
        ..Prompt::default()
    };
    if let Some(messages) = v.get("messages").and_then(Value::as_array) {
        for m in messages {
            let role = m.get("role").and_then(Value::as_str).unwrap_or("");
            if ignore_system && (role == "system" || role == "developer") {
                continue;
            }
            p.messages += 1;
            if let Some(c) = m.get("content") {
                push_texts(&mut p.text, c);
            }
        }
        return Some(p);
    }
    let prompt = v.get("prompt")?;
    p.messages = match prompt {
        Value::Array(items) => items.len(),
        _ => 1,
    };
    push_texts(&mut p.text, prompt);
    Some(p)
}

/// Appends a content value's texts: a string, an array of strings or of `{"text": ...}`
/// parts, each on its own line.
fn push_texts(out: &mut String, v: &Value) {
    let mut push = |t: &str| {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(t);
    };
    match v {
        Value::String(s) => push(s),
        Value::Array(items) => {
            for i in items {
                match i {
                    Value::String(s) => push(s),
                    Value::Object(o) => {
                        if let Some(t) = o.get("text").and_then(Value::as_str) {
                            push(t);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chat_and_completion_prompts() {
        let chat = br#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"image_url"}]},{"role":"user","content":"there"}]}"#;
        let all = prompt_text(chat, false).expect("present");
        assert_eq!(
            (all.text.as_str(), all.messages),
            ("Be brief.\nHi\nthere", 3)
        );
        let users = prompt_text(chat, true).expect("present");
        assert_eq!((users.text.as_str(), users.messages), ("Hi\nthere", 2));
        let completion = prompt_text(br#"{"prompt":["a","b"]}"#, false).expect("present");
        assert_eq!((completion.text.as_str(), completion.messages), ("a\nb", 2));
        assert_eq!(prompt_text(b"not json", false), None);
        assert_eq!(prompt_text(br#"{"input":"x"}"#, false), None);
    }
}
