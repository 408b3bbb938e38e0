//! The echo backend: answers every request with a JSON description of what it received
//! (method, path, query, headers, body). Used by `gatehouse run --echo` and by tests.

use super::shutdown::Shutdown;
use crate::handler::{full, RespBody};
use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::collections::BTreeMap;
use std::convert::Infallible;
use tokio::net::TcpListener;

/// Largest body the echo backend reads.
pub const MAX_ECHO_BODY: usize = 16 << 20;

/// Serves the echo backend on `listener` until `shutdown`.
pub async fn serve(listener: TcpListener, shutdown: Shutdown) {
    serve_with(listener, shutdown, answer).await
}

/// Serves `answer` for every request on `listener` until `shutdown` (HTTP/1 and HTTP/2):
/// the built-in test backends' loop.
pub async fn serve_with<F, Fut>(listener: TcpListener, shutdown: Shutdown, answer: F)
where
    F: Fn(Request<Incoming>) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response<RespBody>> + Send + 'static,
{
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let svc = service_fn(move |req| async move { Ok::<_, Infallible>(answer(req).await) });
        let conn = builder
            .serve_connection(TokioIo::new(stream), svc)
            .into_owned();
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}

/// The JSON description of `req`.
pub async fn answer(req: Request<Incoming>) -> Response<RespBody> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_ECHO_BODY).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => {
            let mut r = Response::new(full(Bytes::from_static(b"body too large or broken\n")));
            *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return r;
        }
    };
    let mut headers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, value) in &parts.headers {
        let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers.entry(name.as_str()).or_default().push(v);
    }
    let mut out = String::from("{\"method\":");
    json_str(parts.method.as_str(), &mut out);
    out.push_str(",\"path\":");
    json_str(parts.uri.path(), &mut out);
    out.push_str(",\"query\":");
    json_str(parts.uri.query().unwrap_or(""), &mut out);
    out.push_str(",\"headers\":{");
    for (i, (name, values)) in headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_str(name, &mut out);
        out.push_str(":[");
        for (j, v) in values.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            json_str(v, &mut out);
        }
        out.push(']');
    }
    out.push_str("},\"body\":");
    json_str(&String::from_utf8_lossy(&body), &mut out);
    out.push('}');
    let mut resp = Response::new(full(Bytes::from(out)));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// Appends `s` as a JSON string literal.
fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        json_str("a\"b\\c\n\u{1}é", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001é\"");
    }
}
