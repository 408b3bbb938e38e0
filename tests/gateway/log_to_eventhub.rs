//! `log-to-eventhub` through a served project: Event Hubs' HTTPS send API on a loopback
//! server that checks the documented request (path, headers, the SAS signature recomputed
//! from the key, body), a failed send tried again, the client's response not delayed;
//! and the local `file` logger.

use super::harness::{backend, reply, send, start_loaded};
use super::retry::project_dir;
use crate::support::TempDir;
use base64::Engine;
use bytes::Bytes;
use gatehouse_compiler::{build_project, CheckOptions};
use gatehouse_runtime::engine::{EngineConfig, Gateway};
use gatehouse_server::backend::client::ClientSettings;
use gatehouse_server::{Loaded, ServerConfig};
use hmac::Mac;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const SECTION: &str = r#"<log-to-eventhub logger-id="audit" partition-key="@(context.Request.Method)">@("event " + context.Request.Method)</log-to-eventhub>
    <return-response><set-status code="202" /></return-response>"#;

/// One request as the hub saw it.
struct Seen {
    path: String,
    headers: http::HeaderMap,
    body: Bytes,
}

/// Builds `dir` with secret `eh-conn` = `connection` and serves it.
async fn serve(dir: &TempDir, connection: String) -> super::harness::Running<Gateway> {
    let report = build_project(&dir.0, &CheckOptions::default());
    let mut program = report.program.unwrap_or_else(|| {
        panic!(
            "{}",
            gatehouse_compiler::diagnostic::render_human(
                &report.diagnostics,
                gatehouse_compiler::diagnostic::Style::Plain
            )
        )
    });
    program
        .resolve_secrets(&|n| (n == "eh-conn").then(|| connection.clone()))
        .expect("secret");
    let gateway = Gateway::new(Arc::new(program), EngineConfig::default());
    let loaded = Loaded::new(gateway, &ClientSettings::default()).expect("load");
    start_loaded(loaded, ServerConfig::default()).await
}

fn logger(dir: &TempDir, json: &str) {
    dir.write("loggers/audit/loggerInformation.json", json);
}

fn query(auth: &str, key: &str) -> String {
    auth.split('&')
        .find_map(|p| p.strip_prefix(&format!("{key}=")))
        .unwrap_or_default()
        .to_string()
}

fn decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

#[tokio::test]
async fn events_reach_the_hub_signed_with_the_key_and_a_failure_is_tried_again() {
    let (tx, mut rx) = mpsc::unbounded_channel::<Seen>();
    let tries = Arc::new(AtomicUsize::new(0));
    let hub = backend(move |req: Request<hyper::body::Incoming>| {
        let (tx, tries) = (tx.clone(), tries.clone());
        async move {
            let (parts, body) = req.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let path = parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let _ = tx.send(Seen {
                path,
                headers: parts.headers,
                body,
            });
            // The first try fails: the sink sends it again.
            let status = if tries.fetch_add(1, Ordering::SeqCst) == 0 {
                500
            } else {
                201
            };
            reply(status, "")
        }
    })
    .await;
    let dir = project_dir("eventhub", "http://unused.example", SECTION);
    logger(
        &dir,
        r#"{"properties":{"loggerType":"azureEventHub","credentials":{"name":"hub1","connectionString":"{{eh-conn}}"}}}"#,
    );
    dir.write(
        "named values/eh-conn/namedValueInformation.json",
        r#"{"properties":{"displayName":"eh-conn","secret":true}}"#,
    );
    let connection = format!(
        "Endpoint=sb://{hub}/;SharedAccessKeyName=send;SharedAccessKey=k3y;UseDevelopmentEmulator=true"
    );
    let gw = serve(&dir, connection).await;
    let req = Request::post("/r/x")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let (status, _, _) = send(gw.addr, req).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    for attempt in 0..2 {
        let seen = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("try {attempt} never came"))
            .expect("seen");
        assert_eq!(seen.path, "/hub1/messages?timeout=60&api-version=2014-01");
        assert_eq!(seen.body, Bytes::from_static(b"event POST"));
        assert_eq!(
            seen.headers["brokerproperties"],
            r#"{"PartitionKey":"POST"}"#
        );
        assert_eq!(
            seen.headers["content-type"],
            "application/atom+xml;type=entry;charset=utf-8"
        );
        let auth = seen.headers["authorization"].to_str().expect("ascii");
        let rest = auth
            .strip_prefix("SharedAccessSignature ")
            .expect("a shared access signature");
        let sr = query(rest, "sr");
        assert_eq!(decode(&sr), format!("http://{hub}/hub1"));
        assert_eq!(query(rest, "skn"), "send");
        let se = query(rest, "se");
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"k3y").expect("key");
        mac.update(format!("{sr}\n{se}").as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(decode(&query(rest, "sig")), expected);
        // The key itself is never sent.
        assert!(!auth.contains("k3y"));
    }
}

#[tokio::test]
async fn the_file_logger_appends_one_line_per_event() {
    let dir = project_dir("eventhub-file", "http://unused.example", SECTION);
    let file = dir.0.join("events.log");
    logger(
        &dir,
        &format!(
            r#"{{"properties":{{"loggerType":"file","credentials":{{"path":"{}"}}}}}}"#,
            file.display()
        ),
    );
    let gw = serve(&dir, String::new()).await;
    for _ in 0..2 {
        let req = Request::post("/r/x")
            .body(Full::new(Bytes::new()))
            .expect("request");
        assert_eq!(send(gw.addr, req).await.0, StatusCode::ACCEPTED);
    }
    let mut text = String::new();
    for _ in 0..100 {
        text = std::fs::read_to_string(&file).unwrap_or_default();
        if text.lines().count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(text, "event POST\nevent POST\n");
}
