//! The writer of program bundles: tables as framed, varint-coded sections, deflated.

use super::deflate::deflate;
use super::section;
use super::write_ops::put_block;
use crate::bundle::{put_code, put_len, put_str, put_var, seal, BundleKind};
use crate::program::{
    Api, ApiKind, Arg, Backend, BackendKind, Breaker, Credentials, Operation, Product, Program,
    Subscription, SubscriptionScope, Versioning,
};

/// Writes `p` as a program bundle (format [`crate::bundle::FORMAT_VERSION`], kind
/// [`BundleKind::Program`]): the sections, deflated, behind the header. Secrets are written
/// as names only: a program never holds their values until [`Program::resolve_secrets`]
/// runs after loading. The same program always gives the same bytes.
pub fn encode_program(p: &Program) -> Vec<u8> {
    let mut out = Vec::new();
    put_section(&mut out, section::STRINGS, |w| put_strs(w, &p.strings));
    put_section(&mut out, section::FILES, |w| put_strs(w, &p.files));
    put_section(&mut out, section::LOCS, |w| {
        put_len(w, p.locs.len());
        for l in &p.locs {
            put_var(w, l.file);
            put_var(w, l.line);
            put_var(w, l.column);
            w.push(l.scope as u8);
            put_var(w, l.path);
        }
    });
    put_section(&mut out, section::SECRETS, |w| {
        put_len(w, p.secrets.len());
        for s in &p.secrets {
            put_str(w, &s.name);
            match &s.key_vault {
                None => w.push(0),
                Some(kv) => {
                    w.push(1);
                    put_str(w, kv);
                }
            }
        }
    });
    put_section(&mut out, section::CODES, |w| {
        put_len(w, p.codes.len());
        for c in &p.codes {
            put_var(w, c.loc);
            put_code(w, &c.code);
        }
    });
    put_section(&mut out, section::BACKENDS, |w| {
        put_len(w, p.backends.len());
        p.backends.iter().for_each(|b| put_backend(w, b));
    });
    put_section(&mut out, section::BLOCKS, |w| {
        put_len(w, p.blocks.len());
        p.blocks.iter().for_each(|b| put_block(w, b));
    });
    put_section(&mut out, section::PIPELINES, |w| {
        put_len(w, p.pipelines.len());
        for pl in &p.pipelines {
            pl.sections.iter().for_each(|b| put_var(w, *b));
        }
        put_opt(w, p.global);
    });
    put_section(&mut out, section::PRODUCTS, |w| {
        put_len(w, p.products.len());
        p.products.iter().for_each(|x| put_product(w, x));
    });
    put_section(&mut out, section::APIS, |w| {
        put_len(w, p.apis.len());
        p.apis.iter().for_each(|a| put_api(w, a));
    });
    put_section(&mut out, section::SUBSCRIPTIONS, |w| {
        put_len(w, p.subscriptions.len());
        p.subscriptions.iter().for_each(|s| put_subscription(w, s));
    });
    seal_payload(&out)
}

/// A program bundle holding the section stream `raw`: deflated, then sealed (the header's
/// length and CRC-32 cover the deflated bytes). Tests use it to build bundles whose
/// sections are wrong behind a valid header and deflate stream.
pub(crate) fn seal_payload(raw: &[u8]) -> Vec<u8> {
    seal(BundleKind::Program, &deflate(raw))
}

/// Section `id`: its id byte, its body's byte length, its body.
fn put_section(out: &mut Vec<u8>, id: u8, body: impl FnOnce(&mut Vec<u8>)) {
    let mut b = Vec::new();
    body(&mut b);
    out.push(id);
    put_len(out, b.len());
    out.extend_from_slice(&b);
}

/// A front-coded string table: each string as the length of the longest prefix it shares
/// with the previous one, then the rest (policy paths and file paths share a lot).
fn put_strs(w: &mut Vec<u8>, strs: &[std::sync::Arc<str>]) {
    put_len(w, strs.len());
    let mut prev: &[u8] = b"";
    for s in strs {
        let b = s.as_bytes();
        let shared = prev.iter().zip(b).take_while(|(x, y)| x == y).count();
        put_len(w, shared);
        put_len(w, b.len() - shared);
        w.extend_from_slice(b.get(shared..).unwrap_or_default());
        prev = b;
    }
}

/// A list of ids: its length, then each.
pub(super) fn put_ids(w: &mut Vec<u8>, ids: &[u32]) {
    put_len(w, ids.len());
    ids.iter().for_each(|i| put_var(w, *i));
}

/// An optional id: 0 for none, else the id plus one.
pub(crate) fn put_opt(w: &mut Vec<u8>, v: Option<u32>) {
    put_var(w, v.map_or(0, |v| u64::from(v) + 1));
}

/// An argument as one varint: the id times two, plus 1 for an expression.
pub(super) fn arg_bits(a: Arg) -> u64 {
    match a {
        Arg::Lit(s) => u64::from(s) << 1,
        Arg::Expr(c) => (u64::from(c) << 1) | 1,
    }
}

/// An argument (see [`arg_bits`]).
pub(crate) fn put_arg(w: &mut Vec<u8>, a: Arg) {
    put_var(w, arg_bits(a));
}

/// An optional argument: 0 for none, else its bits plus one.
pub(crate) fn put_opt_arg(w: &mut Vec<u8>, a: Option<Arg>) {
    put_var(w, a.map_or(0, |a| arg_bits(a) + 1));
}

/// Booleans as bits of one byte, the first in bit 0.
pub(crate) fn put_flags(w: &mut Vec<u8>, flags: &[bool]) {
    let bits = flags
        .iter()
        .enumerate()
        .fold(0u8, |acc, (i, f)| acc | (u8::from(*f) << i));
    w.push(bits);
}

fn put_backend(w: &mut Vec<u8>, b: &Backend) {
    put_var(w, b.name);
    put_opt(w, b.url);
    match &b.kind {
        BackendKind::Single => w.push(0),
        BackendKind::Pool(members) => {
            w.push(1);
            put_len(w, members.len());
            for m in members {
                put_var(w, m.backend);
                put_var(w, m.priority);
                put_var(w, m.weight);
            }
        }
    }
    put_credentials(w, &b.credentials);
    put_flags(w, &[b.tls.validate_chain, b.tls.validate_name]);
    put_len(w, b.breakers.len());
    b.breakers.iter().for_each(|r| put_breaker(w, r));
}

fn put_credentials(w: &mut Vec<u8>, c: &Credentials) {
    for pairs in [&c.headers, &c.query] {
        put_len(w, pairs.len());
        for (name, values) in pairs {
            put_var(w, *name);
            put_ids(w, values);
        }
    }
    match c.authorization {
        None => w.push(0),
        Some((scheme, param)) => {
            w.push(1);
            put_var(w, scheme);
            put_var(w, param);
        }
    }
    put_ids(w, &c.certificates);
}

fn put_breaker(w: &mut Vec<u8>, r: &Breaker) {
    put_var(w, r.name);
    put_opt(w, r.count);
    put_opt(w, r.percentage);
    put_var(w, r.interval_ms);
    put_len(w, r.status_ranges.len());
    for (lo, hi) in &r.status_ranges {
        put_var(w, *lo);
        put_var(w, *hi);
    }
    put_ids(w, &r.error_reasons);
    put_var(w, r.trip_ms);
    put_flags(w, &[r.accept_retry_after]);
}

fn put_product(w: &mut Vec<u8>, p: &Product) {
    put_var(w, p.name);
    put_var(w, p.display_name);
    put_flags(w, &[p.subscription_required, p.published]);
    put_ids(w, &p.apis);
}

fn put_api(w: &mut Vec<u8>, a: &Api) {
    put_var(w, a.name);
    put_var(w, a.display_name);
    put_var(w, a.path);
    put_ids(w, &a.hosts);
    put_opt(w, a.service_url);
    put_flags(w, &[a.subscription_required, a.is_current]);
    put_var(w, a.key_header);
    put_var(w, a.key_query);
    put_var(w, a.revision);
    put_opt(w, a.version);
    match a.versioning {
        None => w.push(0),
        Some(Versioning::Segment) => w.push(1),
        Some(Versioning::Header(n)) => {
            w.push(2);
            put_var(w, n);
        }
        Some(Versioning::Query(n)) => {
            w.push(3);
            put_var(w, n);
        }
    }
    w.push(ApiKind::ALL.iter().position(|k| *k == a.kind).unwrap_or(0) as u8);
    w.push(a.protocols.0);
    put_opt(w, a.graphql_schema);
    put_len(w, a.operations.len());
    a.operations.iter().for_each(|o| put_operation(w, o));
}

fn put_operation(w: &mut Vec<u8>, o: &Operation) {
    put_var(w, o.name);
    put_var(w, o.display_name);
    put_var(w, o.method);
    put_var(w, o.template);
    put_len(w, o.pipelines.len());
    for (product, pipeline) in &o.pipelines {
        put_opt(w, (*product != u32::MAX).then_some(*product));
        put_var(w, *pipeline);
    }
    put_len(w, o.examples.len());
    for e in &o.examples {
        put_var(w, e.status);
        put_opt(w, e.content_type);
        put_opt(w, e.body);
    }
    o.contract.write(w);
}

fn put_subscription(w: &mut Vec<u8>, s: &Subscription) {
    put_var(w, s.name);
    match s.scope {
        SubscriptionScope::AllApis => w.push(0),
        SubscriptionScope::Product(i) => {
            w.push(1);
            put_var(w, i);
        }
        SubscriptionScope::Api(i) => {
            w.push(2);
            put_var(w, i);
        }
    }
    put_len(w, s.key_digests.len());
    s.key_digests.iter().for_each(|d| w.extend_from_slice(d));
    put_flags(w, &[s.active]);
}
