//! Project lints about backends: declared but unused, or pointing back at the gateway.

use super::DocKind;
use crate::diagnostic::codes;
use crate::project::{BackendKind, PolicyDoc, Project};
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::syntax::{Document, Element};
use gatehouse_grammar::Span;
use std::collections::HashSet;
use std::sync::Arc;

/// Runs the backend lints.
pub fn check(project: &Project, docs: &[(&PolicyDoc, DocKind)], out: &mut Vec<Diagnostic>) {
    let mut uses = Uses::default();
    for (doc, _) in docs {
        for root in doc.parsed.document.root_elements() {
            uses.collect(root);
        }
    }
    if !uses.dynamic {
        unused(project, &uses.ids, out);
    }
    self_referencing(project, docs, out);
}

#[derive(Default)]
struct Uses {
    ids: HashSet<String>,
    /// Some `backend-id` is computed by an expression: any backend may be used.
    dynamic: bool,
}

impl Uses {
    fn collect(&mut self, e: &Element) {
        if &*e.name.text == "set-backend-service" {
            if let Some(a) = e.attribute("backend-id") {
                match a.value.as_literal() {
                    Some(id) => {
                        self.ids.insert(id);
                    }
                    None => self.dynamic = true,
                }
            }
        }
        for c in e.child_elements() {
            self.collect(c);
        }
    }
}

fn unused(project: &Project, ids: &HashSet<String>, out: &mut Vec<Diagnostic>) {
    let mut used: HashSet<&str> = ids.iter().map(String::as_str).collect();
    // Members of used pools are used, transitively (a pool in a pool is an error of its
    // own, but must not make its members look unused as well).
    let mut pending: Vec<&str> = used.iter().copied().collect();
    while let Some(name) = pending.pop() {
        let Some(BackendKind::Pool(members)) = project
            .backends
            .iter()
            .find(|b| b.name == name)
            .map(|b| &b.kind)
        else {
            continue;
        };
        for m in members {
            if used.insert(m.backend.as_str()) {
                pending.push(m.backend.as_str());
            }
        }
    }
    for b in project
        .backends
        .iter()
        .filter(|b| !used.contains(b.name.as_str()))
    {
        let msg = format!(
            "backend `{}` is declared but no policy routes to it",
            b.name
        );
        let text = &b.origin.file.text;
        let span = crate::project::value_span(text, "/properties/url")
            .unwrap_or_else(|| first_line_of(b.origin.span, text));
        let d = Diagnostic::warning(
            &b.origin.file,
            codes::UNUSED_BACKEND,
            msg,
            span,
            "unused backend",
        );
        out.push(d.with_help(format!(
            "remove it, or route to it with `<set-backend-service backend-id=\"{}\" />`",
            b.name
        )));
    }
}

/// The first line of `span`, so a finding about a whole JSON object underlines its start.
fn first_line_of(span: Span, text: &str) -> Span {
    let start = span.start as usize;
    let end = text[start..span.end as usize]
        .find('\n')
        .map_or(span.end as usize, |n| start + n);
    Span::new(start, end)
}

/// The host of an absolute URL, lower-cased, without user info or port.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

const SELF_HELP: &str = "in an internal virtual network APIM cannot call itself (500 BackendConnectionFailure); gatehouse sends the call and stops the loop after `--max-self-hops` passes (508, docs/gateway.md \"Request loops\"); call the backend directly, or route through a separate gateway";

fn self_referencing(project: &Project, docs: &[(&PolicyDoc, DocKind)], out: &mut Vec<Diagnostic>) {
    let hosts: HashSet<String> = project
        .gateway_hosts
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    for b in &project.backends {
        if let Some(host) = b
            .url
            .as_deref()
            .and_then(url_host)
            .filter(|h| hosts.contains(h))
        {
            let msg = format!(
                "backend `{}` points at the gateway's own host `{host}`",
                b.name
            );
            let url = crate::project::value_span(&b.origin.file.text, "/properties/url");
            let span = url.unwrap_or(b.origin.span);
            let d = Diagnostic::warning(
                &b.origin.file,
                codes::SELF_REFERENCING_BACKEND,
                msg,
                span,
                "the gateway itself",
            );
            out.push(d.with_help(SELF_HELP));
        }
    }
    for (doc, _) in docs {
        self_referencing_urls(&doc.file, &doc.parsed.document, &project.gateway_hosts, out);
    }
}

/// `base-url`s of `set-backend-service` in one document that point at a gateway host.
pub fn self_referencing_urls(
    file: &Arc<SourceFile>,
    doc: &Document,
    gateway_hosts: &[String],
    out: &mut Vec<Diagnostic>,
) {
    if gateway_hosts.is_empty() {
        return;
    }
    for root in doc.root_elements() {
        base_urls(root, &mut |e| {
            let Some(a) = e.attribute("base-url") else {
                return;
            };
            let Some(host) = a.value.as_literal().as_deref().and_then(url_host) else {
                return;
            };
            if gateway_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
                let msg = format!("`base-url` points at the gateway's own host `{host}`");
                out.push(
                    Diagnostic::warning(
                        file,
                        codes::SELF_REFERENCING_BACKEND,
                        msg,
                        a.value.span,
                        "the gateway itself",
                    )
                    .with_help(SELF_HELP),
                );
            }
        });
    }
}

fn base_urls(e: &Element, f: &mut dyn FnMut(&Element)) {
    if &*e.name.text == "set-backend-service" {
        f(e);
    }
    for c in e.child_elements() {
        base_urls(c, f);
    }
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://Api.Contoso.com:8443/x?y").as_deref(),
            Some("api.contoso.com")
        );
        assert_eq!(url_host("http://u:p@h/").as_deref(), Some("h"));
        assert_eq!(url_host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(url_host("/relative"), None);
    }
}
