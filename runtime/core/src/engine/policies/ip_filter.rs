//! `ip-filter`: the caller's address (from the connection) against addresses and ranges;
//! a refused caller gets APIM's 403 and `on-error` runs with `CallerIpNotAllowed` (action
//! `allow`) or `CallerIpBlocked` (action `forbid`).

use super::super::error::{self, LastError};
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{ip_key, parse_ip_filter_address, IpFilter, Op, Program};
use http::StatusCode;
use std::net::IpAddr;

/// Lets the call go on, or refuses it with 403.
pub(super) fn ip_filter(x: &mut Exchange, program: &Program, op: &Op, f: &IpFilter) -> Next {
    let action = match x.arg_text(program, &f.action) {
        Ok(a) => a,
        Err(e) => return Next::Error(x.fault_at(program, op, &e)),
    };
    let allow = match action.trim().to_ascii_lowercase().as_str() {
        "allow" => true,
        "forbid" => false,
        other => {
            let msg = format!("ip-filter action '{other}' is neither 'allow' nor 'forbid'");
            return Next::Error(x.error_at(program, op, "", msg));
        }
    };
    let caller = x.ctx.req.ip;
    let matched = match matches(x, program, op, f, caller) {
        Ok(m) => m,
        Err(e) => return Next::Error(e),
    };
    if matched == allow {
        return Next::Go;
    }
    let (reason, message) = if allow {
        ("CallerIpNotAllowed", "Caller IP address is not allowed.")
    } else {
        ("CallerIpBlocked", "Caller IP address is blocked.")
    };
    let status = StatusCode::FORBIDDEN;
    x.ctx.resp = Reply {
        status,
        reason: None,
        headers: Headers::new(error::json_headers()),
        body: Body::Held(error::json_body(status, "Forbidden")),
    };
    Next::Fail(x.error_at(program, op, reason, message.to_string()))
}

/// Whether `caller` is one of the addresses or in one of the ranges (a range holds the
/// addresses of its family numerically between its ends).
fn matches(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    f: &IpFilter,
    caller: IpAddr,
) -> Result<bool, LastError> {
    let (family, n) = ip_key(caller);
    for a in &f.addresses {
        let text = match x.arg_text(program, a) {
            Ok(t) => t,
            Err(e) => return Err(x.fault_at(program, op, &e)),
        };
        let Some(ip) = parse_ip_filter_address(&text) else {
            // Not quoted: the address may come from a secret named value.
            let msg = "an ip-filter address is not an IP address".to_string();
            return Err(x.error_at(program, op, "", msg));
        };
        if ip_key(ip) == (family, n) {
            return Ok(true);
        }
    }
    for (from, to) in &f.ranges {
        let ends = (program.str(*from), program.str(*to));
        let (Some(lo), Some(hi)) = (
            parse_ip_filter_address(ends.0).map(ip_key),
            parse_ip_filter_address(ends.1).map(ip_key),
        ) else {
            // Not quoted: the ends may come from secret named values.
            let msg = "an ip-filter address-range end is not an IP address".to_string();
            return Err(x.error_at(program, op, "", msg));
        };
        if lo.0 == family && hi.0 == family && lo.1 <= n && n <= hi.1 {
            return Ok(true);
        }
    }
    Ok(false)
}
