//! Engine tests: hand-built programs run through the in-process driver.
#![allow(clippy::unwrap_used)]

mod ai_services;
mod authentication_basic;
mod authentication_managed_identity;
mod backend;
mod bodies;
mod cache_responses;
mod cache_values;
mod check_header;
mod client_certificates;
mod cors;
mod cost;
mod errors;
mod ip_filter;
mod json_xml;
mod limit_concurrency;
mod limits;
mod policies;
mod probe;
mod quota;
mod quota_by_key;
mod rate_limit;
mod robustness;
mod routing;
mod send_request;
mod set_body_liquid;
mod subscriptions;
mod tokens;
mod transform;
mod validate_jwt;
mod validation;
mod versions;
mod xsl_transform;

use super::{
    run_in_process, BackendFailure, BackendRequest, BackendResponse, EngineConfig, Gateway,
    Outcome, RequestHead,
};
use crate::bytecode::{Code, Instr, SpanRef};
use crate::library::name_id;
use crate::program::Program;
use crate::program::{
    Api, Arg, Block, CodeEntry, Loc, LocId, Op, OpKind, Operation, Pipeline, Product, Scope, StrId,
    Subscription, SubscriptionScope,
};
use crate::state::{LocalRates, ManualClock};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Builds a [`Program`] piece by piece.
#[derive(Default)]
pub(super) struct B {
    pub p: Program,
}

impl B {
    pub fn new() -> B {
        let mut b = B::default();
        b.p.files.push("test.xml".into());
        b
    }

    /// Interns `s`.
    pub fn s(&mut self, s: &str) -> StrId {
        if let Some(i) = self.p.strings.iter().position(|x| &**x == s) {
            return i as StrId;
        }
        self.p.strings.push(s.into());
        (self.p.strings.len() - 1) as StrId
    }

    pub fn lit(&mut self, s: &str) -> Arg {
        Arg::Lit(self.s(s))
    }

    fn loc(&mut self, path: &str) -> LocId {
        let path = self.s(path);
        self.p.locs.push(Loc {
            file: 0,
            line: 1,
            column: 1,
            scope: Scope::Operation,
            path,
        });
        (self.p.locs.len() - 1) as LocId
    }

    /// An expression from instructions over a string pool.
    pub fn code(&mut self, instrs: Vec<Instr>, strings: &[&str]) -> u32 {
        let loc = self.loc("expr");
        let code = Code {
            spans: vec![SpanRef::NONE; instrs.len()],
            instrs,
            strings: strings.iter().map(|s| Arc::from(*s)).collect(),
            ..Code::default()
        };
        self.p.codes.push(CodeEntry { code, loc });
        (self.p.codes.len() - 1) as u32
    }

    /// `@("text")`.
    pub fn text(&mut self, s: &str) -> Arg {
        Arg::Expr(self.code(vec![Instr::Str(0), Instr::Return], &[s]))
    }

    /// `@(context.<map>.GetValueOrDefault(key))` for a host multimap.
    pub fn lookup(&mut self, map: crate::value::HostObj, key: &str) -> Arg {
        Arg::Expr(self.code(vec![Instr::Lookup(map, 0, u16::MAX), Instr::Return], &[key]))
    }

    /// `@((string)context.Variables[name])` as text.
    pub fn var(&mut self, name: &str) -> Arg {
        use crate::value::HostObj;
        let to_string = name_id("ToString").unwrap();
        Arg::Expr(self.code(
            vec![
                Instr::Host(HostObj::Variables),
                Instr::Str(0),
                Instr::Index(1),
                Instr::Call(to_string, 0),
                Instr::Return,
            ],
            &[name],
        ))
    }

    /// An expression that always fails (`null.ToString()`).
    pub fn failing(&mut self) -> u32 {
        let to_string = name_id("ToString").unwrap();
        self.code(
            vec![Instr::Null, Instr::Call(to_string, 0), Instr::Return],
            &[],
        )
    }

    /// A block; op `i` gets the path `<section>/<policy>[i+1]`.
    pub fn block(&mut self, section: &str, ops: Vec<OpKind>) -> u32 {
        let ops = ops
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let loc = self.loc(&format!("{section}/{}[{}]", kind.policy_name(), i + 1));
                Op { kind, loc }
            })
            .collect();
        self.p.blocks.push(Block { ops });
        (self.p.blocks.len() - 1) as u32
    }

    /// A pipeline of four sections; the backend defaults to one `forward-request`.
    pub fn pipeline(
        &mut self,
        inbound: Vec<OpKind>,
        backend: Option<Vec<OpKind>>,
        outbound: Vec<OpKind>,
        on_error: Vec<OpKind>,
    ) -> u32 {
        let backend = backend.unwrap_or_else(|| vec![OpKind::ForwardRequest(Default::default())]);
        let sections = [
            self.block("inbound", inbound),
            self.block("backend", backend),
            self.block("outbound", outbound),
            self.block("on-error", on_error),
        ];
        self.p.pipelines.push(Pipeline { sections });
        (self.p.pipelines.len() - 1) as u32
    }

    /// An API at `path` with service URL `https://backend.example/svc`.
    pub fn api(&mut self, name: &str, path: &str, subscription_required: bool) -> u32 {
        let api = Api {
            name: self.s(name),
            display_name: self.s(&format!("{name} API")),
            path: self.s(path),
            hosts: Vec::new(),
            service_url: Some(self.s("https://backend.example/svc")),
            subscription_required,
            key_header: self.s(""),
            key_query: self.s(""),
            revision: self.s("1"),
            is_current: true,
            version: None,
            versioning: None,
            kind: Default::default(),
            protocols: Default::default(),
            graphql_schema: None,
            operations: Vec::new(),
        };
        self.p.apis.push(api);
        (self.p.apis.len() - 1) as u32
    }

    /// Operation `name` of `api` with its pipelines `(product or u32::MAX, pipeline)`.
    pub fn op(
        &mut self,
        api: u32,
        name: &str,
        method: &str,
        template: &str,
        pipelines: Vec<(u32, u32)>,
    ) -> u32 {
        let op = Operation {
            name: self.s(name),
            display_name: self.s(&format!("{name} op")),
            method: self.s(method),
            template: self.s(template),
            pipelines,
            examples: Vec::new(),
            contract: Default::default(),
        };
        let ops = &mut self.p.apis[api as usize].operations;
        ops.push(op);
        (ops.len() - 1) as u32
    }

    /// A published product over `apis`.
    pub fn product(&mut self, name: &str, apis: Vec<u32>, published: bool) -> u32 {
        let p = Product {
            name: self.s(name),
            display_name: self.s(&format!("{name} product")),
            subscription_required: true,
            published,
            apis,
        };
        self.p.products.push(p);
        (self.p.products.len() - 1) as u32
    }

    /// A subscription with `keys`.
    pub fn subscription(
        &mut self,
        name: &str,
        scope: SubscriptionScope,
        keys: &[&str],
        active: bool,
    ) {
        let s = Subscription {
            name: self.s(name),
            scope,
            key_digests: keys
                .iter()
                .map(|k| Sha256::digest(k.as_bytes()).into())
                .collect(),
            active,
        };
        self.p.subscriptions.push(s);
    }

    pub fn gateway(self) -> (Gateway, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        let gw = Gateway::with_state(
            Arc::new(self.p),
            EngineConfig::default(),
            clock.clone(),
            Arc::new(LocalRates::default()),
        );
        (gw, clock)
    }
}

/// A request head for `method` `path_and_query` with `headers`.
pub(super) fn head(method: &str, path_and_query: &str, headers: &[(&str, &str)]) -> RequestHead {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.append(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    RequestHead {
        method: Method::from_bytes(method.as_bytes()).unwrap(),
        scheme: "https".into(),
        host: "gw.example:443".into(),
        path_and_query: path_and_query.into(),
        headers: map,
        client_ip: [10, 0, 0, 1].into(),
        client_certificate: None,
    }
}

/// A backend answering 200 `backend-body` with `X-Backend: yes`.
pub(super) fn ok(
    _: &BackendRequest,
    _: &Bytes,
) -> Result<(BackendResponse, Bytes), BackendFailure> {
    let mut headers = HeaderMap::new();
    headers.insert("x-backend", HeaderValue::from_static("yes"));
    Ok((
        BackendResponse {
            status: StatusCode::OK,
            headers,
        },
        Bytes::from_static(b"backend-body"),
    ))
}

/// Runs `head` (with `body`) through `gw` against [`ok`].
pub(super) fn run(gw: &Gateway, head: RequestHead, body: &str) -> Outcome {
    run_in_process(gw, head, Bytes::from(body.to_string()), &mut ok)
}

/// A header of the response as text.
pub(super) fn header<'a>(o: &'a Outcome, name: &str) -> Option<&'a str> {
    o.response.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The body as text.
pub(super) fn body(o: &Outcome) -> &str {
    std::str::from_utf8(&o.body).unwrap()
}

/// `set-header <header>: @(context.<entity>.<prop>)`, overriding: how the tests read an
/// entity's property back from the response.
pub(super) fn set_entity_header(
    b: &mut B,
    header: &str,
    entity: crate::value::Entity,
    prop: &str,
) -> OpKind {
    let name = b.lit(header);
    let v = b.code(
        vec![
            Instr::Host(crate::value::HostObj::Entity(entity)),
            Instr::Get(name_id(prop).unwrap()),
            Instr::Return,
        ],
        &[],
    );
    OpKind::SetHeader(crate::program::HeaderOp {
        name,
        action: crate::program::ExistsAction::Override,
        values: vec![Arg::Expr(v)],
    })
}

/// One API `orders` at `orders`, with `GET /items/{id}` running `pipeline`.
pub(super) fn single(b: &mut B, pipeline: u32) -> u32 {
    let api = b.api("orders", "orders", false);
    b.op(
        api,
        "get-item",
        "GET",
        "/items/{id}",
        vec![(u32::MAX, pipeline)],
    );
    api
}

/// `@(context.<msg>.Body.As<string>(preserveContent: preserve))`.
pub(super) fn read_body(b: &mut B, msg: crate::value::Msg, preserve: bool) -> Arg {
    let as_id = name_id("As").unwrap();
    let c = b.code(
        vec![
            Instr::Host(crate::value::HostObj::Body(msg)),
            Instr::Str(0),
            Instr::Const(0),
            Instr::Call(as_id, 2),
            Instr::Return,
        ],
        &["type:string"],
    );
    b.p.codes[c as usize]
        .code
        .consts
        .push(crate::bytecode::Const::Bool(preserve));
    Arg::Expr(c)
}
