//! Language-model traffic as the AI-gateway policies read it: token usage reported by a
//! backend (a JSON body's `usage`, or a server-sent event stream's usage chunk) and prompt
//! and completion tokens estimated offline with OpenAI's BPE tokenizers.

mod estimate;
mod prompt;
mod stream;
mod usage;

pub use estimate::{read_request, text_tokens, warm_up, LlmLimits, RequestInfo};
pub use prompt::{prompt_text, Prompt};
pub use stream::SseUsage;
pub use usage::{from_json, Usage};
