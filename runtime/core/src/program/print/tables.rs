//! The tables of `explain`: APIs and operations, products, subscriptions, backends, secrets.

use super::Printer;
use crate::program::{BackendKind, SubscriptionScope};
use std::fmt::Write;

impl Printer<'_> {
    pub(super) fn tables(&self, out: &mut String) {
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
            let version = self.version(api);
            let kind = match api.kind {
                crate::program::ApiKind::Http => String::new(),
                k => format!(" type={}", k.name()),
            };
            let schema = api.graphql_schema.map_or(String::new(), |s| {
                format!(" graphql-schema={}B", self.s(s).len())
            });
            let protocols = if api.protocols == crate::program::Protocols::default() {
                String::new()
            } else {
                format!(
                    " protocols={}",
                    api.protocols.names().collect::<Vec<_>>().join(",")
                )
            };
            let _ = writeln!(
                out,
                "  api {} {:?} path=/{}{url} revision={}{current}{version}{kind}{protocols}{schema}{key}",
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
}

impl super::Printer<'_> {
    /// ` version=v2 (segment)`, ` version=- (header Api-Version)`, or nothing.
    fn version(&self, api: &crate::program::Api) -> String {
        use crate::program::Versioning;
        let Some(scheme) = api.versioning else {
            return String::new();
        };
        let scheme = match scheme {
            Versioning::Segment => "segment".to_string(),
            Versioning::Header(n) => format!("header {}", self.s(n)),
            Versioning::Query(n) => format!("query {}", self.s(n)),
        };
        let v = api.version.map_or("-", |v| self.s(v));
        format!(" version={v} ({scheme})")
    }
}
