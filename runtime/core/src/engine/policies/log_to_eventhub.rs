//! `log-to-eventhub`: the message handed to the driver as a [`Step::SendDetached`] call,
//! sent off the request's path: Event Hubs' HTTPS send API signed with the connection
//! string's key or a managed identity's token, or a line for a local logger.

use super::super::exchange::{Exchange, Stage};
use super::super::run::Next;
use super::super::sas::ConnectionString;
use super::super::{BackendRequest, Delivery, DetachedCall, Step, Target, TokenRequest};
use crate::program::{EventSink, HttpVersion, LogToEventhub, Op, Program};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use std::time::Duration;

/// The resource Event Hubs tokens are for.
pub const EVENT_HUBS_RESOURCE: &str = "https://eventhubs.azure.net";

/// How long a signature is valid, seconds.
const SIGNATURE_LIFETIME: u64 = 3600;

/// Each try of a send is bounded by this.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// Further tries of a failed send.
const RETRIES: u32 = 3;

/// `log-to-eventhub`: the message (truncated past 200 KB) and partition evaluated now; a
/// faulting expression is an error, the sending never is.
pub(super) fn log_to_eventhub(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    l: &LogToEventhub,
) -> Next {
    match event(x, program, op, l) {
        Ok(call) => {
            x.stage = Stage::Detaching;
            Next::Effect(Step::SendDetached(Box::new(call)))
        }
        Err(e) => Next::Error(e),
    }
}

fn event(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    l: &LogToEventhub,
) -> Result<DetachedCall, super::super::LastError> {
    let mut message = x
        .arg_text(program, &l.message)
        .map_err(|f| x.fault_at(program, op, &f))?
        .to_string();
    truncate(&mut message, LogToEventhub::MAX_MESSAGE_BYTES);
    let key = match &l.partition_key {
        Some(a) => Some(
            x.arg_text(program, a)
                .map_err(|f| x.fault_at(program, op, &f))?,
        ),
        None => None,
    };
    let partition = l.partition_id.map(|p| program.str(p).to_string());
    let logger = program.str(l.logger);
    let mut headers = HeaderMap::new();
    let (url, delivery) = match &l.sink {
        EventSink::EventHubKey { connection, hub } => {
            let c = ConnectionString::parse(program.str(*connection))
                .map_err(|e| x.error_at(program, op, "", format!("logger '{logger}': {e}")))?;
            let hub = hub_name(program.str(*hub), c.entity.as_deref()).ok_or_else(|| {
                let msg = format!(
                    "logger '{logger}' names no event hub (credentials.name or EntityPath)"
                );
                x.error_at(program, op, "", msg)
            })?;
            let resource = format!("{}://{}/{hub}", c.scheme(), c.host);
            let expiry = x.ctx.sh.clock.now_ms() / 1000 + SIGNATURE_LIFETIME;
            let auth = c.signature(&resource, expiry);
            insert(&mut headers, "authorization", &auth);
            (
                messages_url(&resource, partition.as_deref()),
                Delivery::Http,
            )
        }
        EventSink::EventHubIdentity {
            endpoint,
            hub,
            client_id,
        } => {
            let host = program.str(*endpoint);
            let host = host
                .split_once("://")
                .map_or(host, |(_, h)| h)
                .trim_end_matches('/');
            let resource = format!("https://{host}/{}", program.str(*hub));
            let token = TokenRequest {
                resource: EVENT_HUBS_RESOURCE.to_string(),
                client_id: client_id.map(|c| program.str(c).to_string()),
            };
            (
                messages_url(&resource, partition.as_deref()),
                Delivery::HttpWithToken(token),
            )
        }
        EventSink::File(path) => {
            let path = program.strings.get(*path as usize).cloned();
            (
                String::new(),
                Delivery::AppendFile(path.unwrap_or_default()),
            )
        }
        EventSink::Stdout => (String::new(), Delivery::Stdout),
    };
    if let Some(k) = key {
        let props = ascii_json(&serde_json::json!({ "PartitionKey": &*k }).to_string());
        insert(&mut headers, "brokerproperties", &props);
    }
    insert(
        &mut headers,
        "content-type",
        "application/atom+xml;type=entry;charset=utf-8",
    );
    Ok(DetachedCall {
        request: BackendRequest {
            target: Target::Url(url),
            path_and_query: String::new(),
            method: Method::POST,
            headers,
            body: Some(Bytes::from(message)),
            timeout: SEND_TIMEOUT,
            follow_redirects: false,
            http_version: HttpVersion::Http1,
            buffer_response: false,
            certificate: None,
        },
        source: "log-to-eventhub",
        retries: RETRIES,
        delivery,
    })
}

/// The hub: the logger's `credentials.name`, else the connection string's `EntityPath`.
fn hub_name<'a>(declared: &'a str, entity: Option<&'a str>) -> Option<&'a str> {
    Some(declared).filter(|h| !h.is_empty()).or(entity)
}

/// Event Hubs' send URL: `…/{hub}/messages`, or `…/{hub}/partitions/{id}/messages`.
fn messages_url(resource: &str, partition: Option<&str>) -> String {
    let path = match partition {
        Some(p) => format!(
            "/partitions/{}/messages",
            gatehouse_dotnet::uri::escape_data_string(p)
        ),
        None => "/messages".to_string(),
    };
    format!("{resource}{path}?timeout=60&api-version=2014-01")
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// JSON text with every non-ASCII character written as `\uXXXX`, so it fits a header.
fn ascii_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut units = [0u16; 2];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// Cuts `s` to at most `max` bytes, on a character boundary.
fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut at = max;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
}
