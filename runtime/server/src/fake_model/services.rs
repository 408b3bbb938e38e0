//! The fake services beside the fake model: `POST …/embeddings` (OpenAI's format; a
//! deterministic 64-dimension bag-of-words vector, so equal and near prompts are near),
//! `POST /contentsafety/text:analyze` and `text:shieldPrompt` (Azure AI Content Safety's
//! format: a few violent words rate Violence 4, blocklist names match their own text,
//! "ignore previous instructions" is an attack), and `GET /metadata/identity/oauth2/token`
//! (IMDS: a fake token), for `--token-provider imds`.

use super::json_response;
use crate::handler::RespBody;
use http::{Method, Response, StatusCode};
use serde_json::{json, Value};

/// Dimensions of the fake embeddings.
const DIMS: usize = 64;

/// Words the fake Content Safety rates Violence 4.
const VIOLENT: [&str; 4] = ["kill", "fight", "attack", "weapon"];

/// The answer of a fake service, or `None` for the chat model.
pub(crate) fn answer(parts: &http::request::Parts, body: &Value) -> Option<Response<RespBody>> {
    let path = parts.uri.path();
    let ok = |v: Value| json_response(StatusCode::OK, v.to_string(), "application/json");
    if parts.method == Method::GET && path == "/metadata/identity/oauth2/token" {
        let token = json!({"access_token": "fake-model-token", "expires_in": "3600", "token_type": "Bearer"});
        return Some(ok(token));
    }
    if parts.method != Method::POST {
        return None;
    }
    if path.ends_with("/embeddings") {
        let input = match &body["input"] {
            Value::String(s) => s.clone(),
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        let data = json!([{"object": "embedding", "index": 0, "embedding": embed(&input)}]);
        return Some(ok(
            json!({"object": "list", "data": data, "model": "fake-embeddings"}),
        ));
    }
    if path == "/contentsafety/text:analyze" {
        let text = body["text"].as_str().unwrap_or_default().to_lowercase();
        let violence = if VIOLENT.iter().any(|w| text.contains(w)) {
            4
        } else {
            0
        };
        let categories: Vec<Value> = ["Hate", "SelfHarm", "Sexual", "Violence"]
            .iter()
            .map(
                |c| json!({"category": c, "severity": if *c == "Violence" { violence } else { 0 }}),
            )
            .collect();
        let matches: Vec<Value> = body["blocklistNames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|name| text.contains(&name.to_lowercase()))
            .map(|name| json!({"blocklistName": name, "blocklistItemId": "1", "blocklistItemText": name}))
            .collect();
        return Some(ok(
            json!({"blocklistsMatch": matches, "categoriesAnalysis": categories}),
        ));
    }
    if path == "/contentsafety/text:shieldPrompt" {
        let prompt = body["userPrompt"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        let attack = prompt.contains("ignore previous instructions");
        return Some(ok(
            json!({"userPromptAnalysis": {"attackDetected": attack}, "documentsAnalysis": []}),
        ));
    }
    None
}

/// A bag-of-words vector: each lowercased word adds one to a dimension chosen by its FNV
/// hash; the result is normalized.
fn embed(text: &str) -> Vec<f32> {
    let mut v = vec![0f32; DIMS];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in word.to_lowercase().bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        v[(h % DIMS as u64) as usize] += 1.0;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::embed;

    #[test]
    fn equal_prompts_embed_equally_and_others_apart() {
        assert_eq!(embed("Hello there"), embed("hello, THERE"));
        let (a, b) = (embed("tell me a joke"), embed("weather in paris tomorrow"));
        let dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!(dot < 0.5, "{dot}");
    }
}
