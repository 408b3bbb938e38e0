//! `gatehouse explain`: a readable disassembly of a program — tables, pipelines, blocks.

use super::{
    Arg, BackendKind, BlockId, CodeId, HeaderOp, Op, OpKind, Program, SubscriptionScope,
    SECTION_NAMES,
};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The program as text: the tables (subscriptions, backends and secrets by name only, never
/// a key or a secret value), each pipeline's four section blocks, then every block once
/// with its operations and their compiled expressions. `only` (API name, operation name)
/// limits the pipelines and blocks to that operation's.
pub fn explain(program: &Program, only: Option<(&str, &str)>) -> String {
    let mut out = String::new();
    let mut p = Printer {
        program,
        owners: vec![None; program.blocks.len()],
    };
    p.tables(&mut out);
    p.name_blocks();
    let mut roots = Vec::new();
    out.push_str("\npipelines:\n");
    for api in &program.apis {
        for op in &api.operations {
            let (a, o) = (program.str(api.name), program.str(op.name));
            if only.is_some_and(|(x, y)| x != a || y != o) {
                continue;
            }
            for &(product, id) in &op.pipelines {
                let Some(pipe) = program.pipelines.get(id as usize) else {
                    continue;
                };
                let via = p.product_name(product);
                let _ = write!(out, "  pipeline #{id} {a}/{o}{via}:");
                for (name, block) in SECTION_NAMES.iter().zip(pipe.sections) {
                    let _ = write!(out, " {name}=block {block}");
                    roots.push(block);
                }
                out.push('\n');
            }
        }
    }
    let blocks = match only {
        None => (0..program.blocks.len() as BlockId).collect(),
        Some(_) => p.reachable(&roots),
    };
    for id in blocks {
        p.block(&mut out, id);
    }
    out
}

struct Printer<'p> {
    program: &'p Program,
    /// Per block, who owns it (`api orders`, `global`, …), from the first pipeline
    /// reaching it.
    owners: Vec<Option<String>>,
}

impl Printer<'_> {
    /// Names each block after the scope that wrote it, walking pipelines in order.
    fn name_blocks(&mut self) {
        let program = self.program;
        for api in &program.apis {
            for op in &api.operations {
                for &(product, id) in &op.pipelines {
                    let Some(pipe) = program.pipelines.get(id as usize) else {
                        continue;
                    };
                    let (a, o) = (program.str(api.name), program.str(op.name));
                    let prod = program
                        .products
                        .get(product as usize)
                        .map_or("", |p| program.str(p.name));
                    for root in pipe.sections {
                        for b in self.reachable(&[root]) {
                            if self.owners.get(b as usize).is_some_and(Option::is_none) {
                                let owner = self.owner(b, a, o, prod);
                                self.owners[b as usize] = Some(owner);
                            }
                        }
                    }
                }
            }
        }
    }

    fn owner(&self, b: BlockId, api: &str, op: &str, product: &str) -> String {
        let first = self
            .program
            .blocks
            .get(b as usize)
            .and_then(|x| x.ops.first());
        let Some(loc) = first.and_then(|op| self.program.loc(op.loc)) else {
            return "empty".to_string();
        };
        let path = self.s(loc.path);
        let within = path.rsplit_once('/').map_or(path, |(p, _)| p);
        let who = match loc.scope {
            super::Scope::Api => format!("api {api}"),
            super::Scope::Operation => format!("operation {api}/{op}"),
            super::Scope::Product => format!("product {product}"),
            super::Scope::Fragment => {
                let file = self.program.files.get(loc.file as usize).map_or("?", |f| f);
                format!("fragment {file}")
            }
            other => other.name().to_string(),
        };
        format!("{who}, {within}")
    }

    fn s(&self, id: u32) -> &str {
        self.program.str(id)
    }

    fn product_name(&self, product: u32) -> String {
        match self.program.products.get(product as usize) {
            Some(p) => format!(" via {}", self.s(p.name)),
            None => String::new(),
        }
    }

    fn api_name(&self, i: u32) -> &str {
        self.program
            .apis
            .get(i as usize)
            .map_or("?", |a| self.s(a.name))
    }

    fn tables(&self, out: &mut String) {
        let p = self.program;
        let _ = writeln!(
            out,
            "program: {} apis, {} products, {} backends, {} pipelines, {} blocks, {} expressions, {} strings",
            p.apis.len(),
            p.products.len(),
            p.backends.len(),
            p.pipelines.len(),
            p.blocks.len(),
            p.codes.len(),
            p.strings.len()
        );
        out.push_str("\napis:\n");
        for api in &p.apis {
            let url = api
                .service_url
                .map_or(String::new(), |u| format!(" service-url={}", self.s(u)));
            let key = if api.subscription_required {
                format!(
                    " subscription-required key-header={} key-query={}",
                    self.s(api.key_header),
                    self.s(api.key_query)
                )
            } else {
                String::new()
            };
            let current = if api.is_current { " current" } else { "" };
            let _ = writeln!(
                out,
                "  api {} {:?} path=/{}{url} revision={}{current}{key}",
                self.s(api.name),
                self.s(api.display_name),
                self.s(api.path),
                self.s(api.revision)
            );
            for op in &api.operations {
                let examples: Vec<String> = op
                    .examples
                    .iter()
                    .map(|e| {
                        let ct = e.content_type.map_or("", |c| self.s(c));
                        format!("{} {ct}", e.status).trim_end().to_string()
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "    operation {} {} {} examples=[{}]",
                    self.s(op.name),
                    self.s(op.method),
                    self.s(op.template),
                    examples.join(", ")
                );
            }
        }
        self.products(out);
        self.backends(out);
        if !p.secrets.is_empty() {
            out.push_str("\nsecrets:\n");
            for s in &p.secrets {
                let kv = if s.key_vault.is_some() {
                    " (key vault)"
                } else {
                    ""
                };
                let _ = writeln!(out, "  {}{kv}", s.name);
            }
        }
    }

    fn products(&self, out: &mut String) {
        let p = self.program;
        if !p.products.is_empty() {
            out.push_str("\nproducts:\n");
        }
        for prod in &p.products {
            let apis: Vec<&str> = prod.apis.iter().map(|&i| self.api_name(i)).collect();
            let _ = writeln!(
                out,
                "  product {} {:?} {} subscription-required={} apis=[{}]",
                self.s(prod.name),
                self.s(prod.display_name),
                if prod.published {
                    "published"
                } else {
                    "not-published"
                },
                prod.subscription_required,
                apis.join(", ")
            );
        }
        if !p.subscriptions.is_empty() {
            out.push_str("\nsubscriptions:\n");
        }
        for sub in &p.subscriptions {
            let scope = match sub.scope {
                SubscriptionScope::AllApis => "all-apis".to_string(),
                SubscriptionScope::Product(i) => format!(
                    "product {}",
                    p.products.get(i as usize).map_or("?", |x| self.s(x.name))
                ),
                SubscriptionScope::Api(i) => format!("api {}", self.api_name(i)),
            };
            let state = if sub.active { "active" } else { "inactive" };
            let _ = writeln!(
                out,
                "  subscription {} scope={scope} {state} keys={}",
                self.s(sub.name),
                sub.key_digests.len()
            );
        }
    }

    fn backends(&self, out: &mut String) {
        let p = self.program;
        if !p.backends.is_empty() {
            out.push_str("\nbackends:\n");
        }
        for b in &p.backends {
            let kind = match &b.kind {
                BackendKind::Single => "single".to_string(),
                BackendKind::Pool(members) => {
                    let m: Vec<String> = members
                        .iter()
                        .map(|m| {
                            let name = p
                                .backends
                                .get(m.backend as usize)
                                .map_or("?", |x| self.s(x.name));
                            format!("{name} priority={} weight={}", m.priority, m.weight)
                        })
                        .collect();
                    format!("pool [{}]", m.join(", "))
                }
            };
            let url = b
                .url
                .map_or(String::new(), |u| format!(" url={}", self.s(u)));
            let _ = writeln!(out, "  backend {} {kind}{url}", self.s(b.name));
            let c = &b.credentials;
            for (what, list) in [("header", &c.headers), ("query", &c.query)] {
                for (name, values) in list {
                    let v: Vec<String> =
                        values.iter().map(|&v| format!("{:?}", self.s(v))).collect();
                    let _ = writeln!(
                        out,
                        "    credential {what} {}=[{}]",
                        self.s(*name),
                        v.join(", ")
                    );
                }
            }
            if let Some((scheme, param)) = c.authorization {
                let _ = writeln!(
                    out,
                    "    credential authorization {} {:?}",
                    self.s(scheme),
                    self.s(param)
                );
            }
            for cert in &c.certificates {
                let _ = writeln!(out, "    credential certificate {}", self.s(*cert));
            }
            if !b.tls.validate_chain || !b.tls.validate_name {
                let _ = writeln!(
                    out,
                    "    tls validate-chain={} validate-name={}",
                    b.tls.validate_chain, b.tls.validate_name
                );
            }
            for r in &b.breakers {
                let ranges: Vec<String> = r
                    .status_ranges
                    .iter()
                    .map(|(a, z)| format!("{a}-{z}"))
                    .collect();
                let reasons: Vec<&str> = r.error_reasons.iter().map(|&e| self.s(e)).collect();
                let trip = match (r.count, r.percentage) {
                    (Some(n), _) => format!("count={n}"),
                    (None, Some(pc)) => format!("percentage={pc}"),
                    (None, None) => "count=?".to_string(),
                };
                let _ = writeln!(
                    out,
                    "    breaker {} {trip} interval={}ms status=[{}] reasons=[{}] trip={}ms accept-retry-after={}",
                    self.s(r.name),
                    r.interval_ms,
                    ranges.join(", "),
                    reasons.join(", "),
                    r.trip_ms,
                    r.accept_retry_after
                );
            }
        }
    }

    /// Blocks reachable from `roots` through calls and `choose` branches, in id order.
    fn reachable(&self, roots: &[BlockId]) -> BTreeSet<BlockId> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<BlockId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(block) = self.program.blocks.get(id as usize) else {
                continue;
            };
            for op in &block.ops {
                match &op.kind {
                    OpKind::Call(b) => stack.push(*b),
                    OpKind::Choose {
                        branches,
                        otherwise,
                    } => {
                        stack.extend(branches.iter().map(|(_, b)| *b));
                        stack.extend(otherwise);
                    }
                    _ => {}
                }
            }
        }
        seen
    }

    /// `block N (scope, path):` then one op a line, each op's expressions under it.
    fn block(&self, out: &mut String, id: BlockId) {
        let Some(block) = self.program.blocks.get(id as usize) else {
            return;
        };
        let label = match self.owners.get(id as usize) {
            Some(Some(owner)) => owner.clone(),
            _ => self.owner(id, "?", "?", "?"),
        };
        let _ = writeln!(out, "\nblock {id} ({label}):");
        for op in &block.ops {
            let _ = writeln!(
                out,
                "  {} ; {}",
                self.op(op),
                self.program.describe_loc(op.loc)
            );
            for code in codes_of(&op.kind) {
                self.code(out, code);
            }
        }
    }

    fn code(&self, out: &mut String, id: CodeId) {
        let Some(entry) = self.program.code(id) else {
            return;
        };
        let _ = writeln!(
            out,
            "    expr#{id} ; {}",
            self.program.describe_loc(entry.loc)
        );
        for line in entry.code.disassemble().lines() {
            let _ = writeln!(out, "      {line}");
        }
    }

    fn arg(&self, a: Arg) -> String {
        match a {
            Arg::Lit(s) => format!("{:?}", self.s(s)),
            Arg::Expr(c) => format!("expr#{c}"),
        }
    }

    fn opt(&self, name: &str, a: Option<Arg>) -> String {
        a.map_or(String::new(), |a| format!(" {name}={}", self.arg(a)))
    }

    fn name(&self, label: &str, s: Option<u32>) -> String {
        s.map_or(String::new(), |s| format!(" {label}={:?}", self.s(s)))
    }

    fn header(&self, h: &HeaderOp) -> String {
        let values: Vec<String> = h.values.iter().map(|&v| self.arg(v)).collect();
        format!(
            "name={} action={} values=[{}]",
            self.arg(h.name),
            action_name(h.action),
            values.join(", ")
        )
    }

    fn op(&self, op: &Op) -> String {
        let name = op.kind.policy_name();
        match &op.kind {
            OpKind::Call(b) => format!("call block {b}"),
            OpKind::Choose { branches, otherwise } => {
                let mut parts: Vec<String> = branches
                    .iter()
                    .map(|(c, b)| format!("when expr#{c} -> block {b}"))
                    .collect();
                parts.extend(otherwise.map(|b| format!("otherwise -> block {b}")));
                format!("choose {}", parts.join(", "))
            }
            OpKind::SetHeader(h) | OpKind::SetQueryParameter(h) => format!("{name} {}", self.header(h)),
            OpKind::RewriteUri {
                template,
                copy_unmatched_params,
            } => format!(
                "{name} template={} copy-unmatched-params={copy_unmatched_params}",
                self.arg(*template)
            ),
            OpKind::SetMethod(m) => format!("{name} {}", self.arg(*m)),
            OpKind::SetStatus { code, reason } => {
                format!("{name} code={}{}", self.arg(*code), self.opt("reason", *reason))
            }
            OpKind::SetVariable { name: v, value } => {
                format!("{name} name={:?} value={}", self.s(*v), self.arg(*value))
            }
            OpKind::SetBody { value } => format!("{name} {}", self.arg(*value)),
            OpKind::ReturnResponse(r) => {
                let mut s = format!("{name}{}", self.name("variable", r.variable));
                if let Some((code, reason)) = r.status {
                    s.push_str(&format!(" status={}{}", self.arg(code), self.opt("reason", reason)));
                }
                for h in &r.headers {
                    s.push_str(&format!(" header({})", self.header(h)));
                }
                s.push_str(&self.opt("body", r.body));
                s
            }
            OpKind::MockResponse {
                status,
                content_type,
            } => format!("{name} status={status}{}", self.name("content-type", *content_type)),
            OpKind::Trace {
                source,
                severity,
                message,
                metadata,
            } => {
                let meta: Vec<String> = metadata
                    .iter()
                    .map(|(k, v)| format!("{:?}={}", self.s(*k), self.arg(*v)))
                    .collect();
                format!(
                    "{name} source={} severity={severity:?} message={} metadata=[{}]",
                    self.arg(*source),
                    self.arg(*message),
                    meta.join(", ")
                )
            }
            OpKind::SetBackendService {
                backend_id,
                base_url,
            } => format!(
                "{name}{}{}",
                self.opt("backend-id", *backend_id),
                self.opt("base-url", *base_url)
            ),
            OpKind::ForwardRequest(f) => format!(
                "{name} timeout={}ms follow-redirects={} buffer-request-body={} buffer-response={} fail-on-error-status-code={} http-version={:?}",
                f.timeout_ms,
                f.follow_redirects,
                f.buffer_request_body,
                f.buffer_response,
                f.fail_on_error_status_code,
                f.http_version
            ),
            OpKind::RateLimitByKey(r) => {
                let mut s = format!(
                    "{name} calls={} renewal-period={} counter-key={}",
                    self.arg(r.calls),
                    self.arg(r.renewal_period),
                    self.arg(r.counter_key)
                );
                if let Some(c) = r.increment_condition {
                    s.push_str(&format!(" increment-condition=expr#{c}"));
                }
                s.push_str(&self.opt("increment-count", r.increment_count));
                s.push_str(&self.name("retry-after-header", r.retry_after_header_name));
                s.push_str(&self.name("retry-after-variable", r.retry_after_variable_name));
                s.push_str(&self.name("remaining-calls-header", r.remaining_calls_header_name));
                s.push_str(&self.name("remaining-calls-variable", r.remaining_calls_variable_name));
                s.push_str(&self.name("total-calls-header", r.total_calls_header_name));
                s
            }
        }
    }
}

fn action_name(a: super::ExistsAction) -> &'static str {
    match a {
        super::ExistsAction::Override => "override",
        super::ExistsAction::Skip => "skip",
        super::ExistsAction::Append => "append",
        super::ExistsAction::Delete => "delete",
    }
}

/// The codes an operation refers to directly, in the order they are printed.
fn codes_of(kind: &OpKind) -> Vec<CodeId> {
    let mut out = Vec::new();
    let mut arg = |a: &Arg| {
        if let Arg::Expr(c) = a {
            out.push(*c);
        }
    };
    match kind {
        OpKind::Call(_) | OpKind::MockResponse { .. } | OpKind::ForwardRequest(_) => {}
        OpKind::Choose { branches, .. } => {
            return branches.iter().map(|(c, _)| *c).collect();
        }
        OpKind::SetHeader(h) | OpKind::SetQueryParameter(h) => {
            arg(&h.name);
            h.values.iter().for_each(arg);
        }
        OpKind::RewriteUri { template, .. } => arg(template),
        OpKind::SetMethod(a)
        | OpKind::SetBody { value: a }
        | OpKind::SetVariable { value: a, .. } => arg(a),
        OpKind::SetStatus { code, reason } => {
            arg(code);
            reason.iter().for_each(arg);
        }
        OpKind::ReturnResponse(r) => {
            if let Some((code, reason)) = &r.status {
                arg(code);
                reason.iter().for_each(&mut arg);
            }
            for h in &r.headers {
                arg(&h.name);
                h.values.iter().for_each(&mut arg);
            }
            r.body.iter().for_each(arg);
        }
        OpKind::Trace {
            source,
            message,
            metadata,
            ..
        } => {
            arg(source);
            arg(message);
            metadata.iter().for_each(|(_, v)| arg(v));
        }
        OpKind::SetBackendService {
            backend_id,
            base_url,
        } => {
            backend_id.iter().for_each(&mut arg);
            base_url.iter().for_each(arg);
        }
        OpKind::RateLimitByKey(r) => {
            arg(&r.calls);
            arg(&r.renewal_period);
            arg(&r.counter_key);
            if let Some(c) = r.increment_condition {
                out.push(c);
            }
            if let Some(Arg::Expr(c)) = r.increment_count {
                out.push(c);
            }
        }
    }
    out
}
