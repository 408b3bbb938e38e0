//! `set-body template="liquid"`: the section's message body rendered from a template, with
//! `body` bound from a JSON or XML body (by `Content-Type`) and APIM's `context` object.

use super::super::exchange::{Ctx, Exchange};
use super::super::headers::Headers;
use super::super::run::Next;
use super::message::{held_body, message};
use crate::host::ParsedUrl;
use crate::liquid::{json_body, xml_body};
use crate::program::{LiquidBody, Op, Program};
use crate::value::Value as V;
use bytes::Bytes;
use liquid_core::model::{Object, Value};

/// Renders the template over the section's message and makes the result its body.
pub(super) fn set_body_liquid(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    l: &LiquidBody,
) -> Next {
    let (_, headers) = message(x);
    let content_type = headers
        .values("Content-Type")
        .and_then(|v| v.first())
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_default();
    let body = held_body(x).and_then(|b| bind(&b, &content_type, l.nil_blank));
    let mut globals = Object::new();
    globals.insert("body".into(), body.unwrap_or(Value::Nil));
    globals.insert("context".into(), context(&x.ctx));
    let limits = x.ctx.sh.config.liquid;
    match l.template.render(&globals, limits) {
        Ok(text) => {
            let (body, headers) = message(x);
            *body = super::super::exchange::Body::Held(Bytes::from(text));
            headers.map_mut().remove(http::header::CONTENT_LENGTH);
            Next::Go
        }
        Err(e) => {
            let msg = format!("The Liquid template failed: {e}");
            Next::Error(x.error_at(program, op, "", msg))
        }
    }
}

/// `body`: JSON for `application/json`, `text/json` and `*+json`; XML for
/// `application/xml`, `text/xml` and `*+xml`; else none.
fn bind(bytes: &[u8], content_type: &str, nil_blank: bool) -> Option<Value> {
    let media = content_type.split(';').next().unwrap_or("").trim();
    let text = std::str::from_utf8(bytes).ok()?;
    let is = |kind: &str| {
        media == format!("application/{kind}")
            || media == format!("text/{kind}")
            || media.ends_with(&format!("+{kind}"))
    };
    if is("json") {
        json_body(text)
    } else if is("xml") {
        xml_body(text, nil_blank)
    } else {
        None
    }
}

/// APIM's Liquid `context`: `Request` (`Url`, `Method`, `OriginalMethod`, `OriginalUrl`,
/// `IpAddress`, `MatchedParameters`, `HasBody`, `Headers`), `Response` (`StatusCode`,
/// `Headers`) and `Variables` (their simple values).
fn context(c: &Ctx) -> Value {
    let mut req = Object::new();
    req.insert("Url".into(), url(&c.current_url()));
    req.insert("OriginalUrl".into(), url(c.req.original()));
    req.insert(
        "Method".into(),
        Value::scalar(c.req.method.as_str().to_string()),
    );
    req.insert(
        "OriginalMethod".into(),
        Value::scalar(c.req.method.as_str().to_string()),
    );
    req.insert("IpAddress".into(), Value::scalar(c.req.ip.to_string()));
    let has_body = !matches!(c.req.body, super::super::exchange::Body::Absent);
    req.insert("HasBody".into(), Value::scalar(has_body));
    req.insert("Headers".into(), headers(&c.req.headers));
    let mut params = Object::new();
    for (k, v, _) in c.params.iter() {
        params.insert(k.to_string().into(), Value::scalar(v.to_string()));
    }
    req.insert("MatchedParameters".into(), Value::Object(params));
    let mut resp = Object::new();
    resp.insert(
        "StatusCode".into(),
        Value::scalar(i64::from(c.resp.status.as_u16())),
    );
    resp.insert(
        "StatusReason".into(),
        Value::scalar(c.resp.reason().to_string()),
    );
    resp.insert("Headers".into(), headers(&c.resp.headers));
    let mut vars = Object::new();
    for (k, v) in &c.vars {
        let v = match v {
            V::Str(s) => Value::scalar(s.to_string()),
            V::Int(i) => Value::scalar(i64::from(*i)),
            V::Long(i) => Value::scalar(*i),
            V::Bool(b) => Value::scalar(*b),
            V::Double(d) => Value::scalar(*d),
            _ => continue,
        };
        vars.insert(k.to_string().into(), v);
    }
    let mut ctx = Object::new();
    ctx.insert("Request".into(), Value::Object(req));
    ctx.insert("Response".into(), Value::Object(resp));
    ctx.insert("Variables".into(), Value::Object(vars));
    Value::Object(ctx)
}

/// A URL's parts (`Scheme`, `Host`, `Port`, `Path`, `Query`, `QueryString`, `ToUri`,
/// `ToString`).
fn url(u: &ParsedUrl) -> Value {
    let mut o = Object::new();
    o.insert("Scheme".into(), Value::scalar(u.scheme.to_string()));
    o.insert("Host".into(), Value::scalar(u.host.to_string()));
    o.insert("Port".into(), Value::scalar(i64::from(u.port)));
    o.insert("Path".into(), Value::scalar(u.path.to_string()));
    o.insert(
        "QueryString".into(),
        Value::scalar(u.query_string.to_string()),
    );
    let mut q = Object::new();
    for (k, vs) in &u.query {
        let joined: Vec<&str> = vs.iter().map(|v| &**v).collect();
        q.insert(k.to_string().into(), Value::scalar(joined.join(",")));
    }
    o.insert("Query".into(), Value::Object(q));
    o.insert("ToUri".into(), Value::scalar(u.text()));
    o.insert("ToString".into(), Value::scalar(u.text()));
    Value::Object(o)
}

/// Headers by name (as sent and lower-cased), several values joined by `,`.
fn headers(h: &Headers) -> Value {
    let mut o = Object::new();
    for k in h.keys() {
        let joined = h.values(&k).map(|vs| {
            let v: Vec<&str> = vs.iter().map(|v| &**v).collect();
            v.join(",")
        });
        let v = Value::scalar(joined.unwrap_or_default());
        o.insert(canonical(&k).into(), v.clone());
        o.insert(k.to_ascii_lowercase().into(), v);
    }
    Value::Object(o)
}

/// `content-type` → `Content-Type`.
fn canonical(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut up = true;
    for c in name.chars() {
        out.extend(if up {
            c.to_uppercase().collect::<Vec<_>>()
        } else {
            vec![c]
        });
        up = c == '-';
    }
    out
}
