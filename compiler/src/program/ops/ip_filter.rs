//! `ip-filter`: the action, `<address>` children (literal or computed) and
//! `<address-range>` children, whose literal addresses are checked here.

use super::{children, Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site};
use gatehouse_grammar::syntax::Element;
use gatehouse_grammar::Span;
use gatehouse_runtime::program::{ip_key, parse_ip_filter_address, Arg, IpFilter, OpKind};

/// `ip-filter`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "ip-filter",
    attributes: &["action"],
    lower: |b, env, site, e| ip_filter(b, env, site, e).map(OpKind::IpFilter),
};

fn ip_filter(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<IpFilter, Reported> {
    let action = b.attr(env, site, e, "action")?.ok_or(Reported)?;
    let mut addresses = Vec::new();
    for (inner, c) in children(site, e, "address") {
        let a = b.content(env, &inner, c).ok_or(Reported)?;
        if let Arg::Lit(s) = a {
            let text = b.program.str(s).to_string();
            if !text.contains("{{") {
                address(b, site, c.span, &text)?;
            }
        }
        addresses.push(a);
    }
    let mut ranges = Vec::new();
    for (inner, c) in children(site, e, "address-range") {
        let from = b.text_attr(env, &inner, c, "from")?.ok_or(Reported)?;
        let to = b.text_attr(env, &inner, c, "to")?.ok_or(Reported)?;
        if from.contains("{{") || to.contains("{{") {
            // A secret's value is known when the gateway loads; it is checked per request.
            ranges.push((b.intern(&from), b.intern(&to)));
            continue;
        }
        let (lo, hi) = (
            address(b, site, c.span, &from)?,
            address(b, site, c.span, &to)?,
        );
        if lo.0 != hi.0 || lo.1 > hi.1 {
            let message = format!(
                "the range `{from}`..`{to}` is empty: both ends must be of one family (IPv4 or IPv6) and `from` not above `to`"
            );
            b.error(
                site.file,
                codes::INVALID_ATTRIBUTE_VALUE,
                message,
                c.span,
                "empty range",
            );
            return Err(Reported);
        }
        ranges.push((b.intern(&from), b.intern(&to)));
    }
    if addresses.is_empty() && ranges.is_empty() {
        let message = "`ip-filter` needs at least one `address` or `address-range`";
        b.error(
            site.file,
            codes::CHILD_COUNT,
            message,
            e.start_tag,
            "no address",
        );
        return Err(Reported);
    }
    Ok(IpFilter {
        action,
        addresses,
        ranges,
    })
}

/// A literal address, its family and number; an invalid one is reported (a secret's
/// `{{name}}` is checked when the gateway runs).
fn address(
    b: &mut Builder<'_>,
    site: &Site<'_>,
    span: Span,
    text: &str,
) -> Result<(bool, u128), Reported> {
    if let Some(ip) = parse_ip_filter_address(text) {
        return Ok(ip_key(ip));
    }
    let hint = if text.contains('/') {
        " (APIM takes no CIDR notation: write an `address-range`)"
    } else {
        ""
    };
    let message = format!("`{}` is not an IP address{hint}", text.trim());
    b.error(
        site.file,
        codes::INVALID_ATTRIBUTE_VALUE,
        message,
        span,
        "not an address",
    );
    Err(Reported)
}
