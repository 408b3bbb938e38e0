//! `ip-filter`: allow and forbid lists, IPv4 and IPv6 addresses and ranges, 403 and
//! `on-error`.

use super::*;
use crate::program::IpFilter;
use std::net::IpAddr;

/// An `ip-filter` with `action`, single `addresses` and `(from, to)` ranges.
fn filter(b: &mut B, action: &str, addresses: &[&str], ranges: &[(&str, &str)]) -> OpKind {
    let action = b.lit(action);
    let addresses = addresses.iter().map(|a| b.lit(a)).collect();
    let ranges = ranges.iter().map(|(f, t)| (b.s(f), b.s(t))).collect();
    OpKind::IpFilter(IpFilter {
        action,
        addresses,
        ranges,
    })
}

/// Runs `op` for a caller at `ip`; `on-error` copies the reason into `X-Reason`.
fn call(mut b: B, op: OpKind, ip: &str) -> Outcome {
    let reason = set_entity_header(
        &mut b,
        "X-Reason",
        crate::value::Entity::LastError,
        "Reason",
    );
    let p = b.pipeline(vec![op], None, vec![], vec![reason]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let mut h = head("GET", "/orders/items/7", &[]);
    h.client_ip = ip.parse::<IpAddr>().unwrap();
    run(&gw, h, "")
}

fn allowed(o: &Outcome) -> bool {
    o.response.status == StatusCode::OK && o.forwarded.len() == 1
}

fn refused(o: &Outcome, reason: &str) {
    assert_eq!(o.response.status, StatusCode::FORBIDDEN);
    assert_eq!(body(o), r#"{ "statusCode": 403, "message": "Forbidden" }"#);
    assert_eq!(header(o, "x-reason"), Some(reason));
    assert!(o.forwarded.is_empty());
    let e = o.exchange.last_error().unwrap();
    assert_eq!(&*e.source, "ip-filter");
}

#[test]
fn allow_lets_listed_addresses_and_ranges_through_and_refuses_others() {
    let cases = [
        ("13.66.201.169", true),
        ("13.66.140.128", true),
        ("13.66.140.135", true),
        ("13.66.140.143", true),
        ("13.66.140.144", false),
        ("13.66.140.127", false),
        ("10.0.0.1", false),
    ];
    for (ip, ok) in cases {
        let mut b = B::new();
        let f = filter(
            &mut b,
            "allow",
            &["13.66.201.169"],
            &[("13.66.140.128", "13.66.140.143")],
        );
        let o = call(b, f, ip);
        if ok {
            assert!(allowed(&o), "{ip}: {:?}", o.response.status);
        } else {
            refused(&o, "CallerIpNotAllowed");
        }
    }
}

#[test]
fn forbid_blocks_listed_callers_only() {
    for (ip, blocked) in [
        ("192.168.1.5", true),
        ("192.168.2.0", false),
        ("::1", false),
    ] {
        let mut b = B::new();
        let f = filter(&mut b, "forbid", &[], &[("192.168.1.0", "192.168.1.255")]);
        let o = call(b, f, ip);
        if blocked {
            refused(&o, "CallerIpBlocked");
        } else {
            assert!(allowed(&o), "{ip}");
        }
    }
}

#[test]
fn ipv6_ranges_compare_numerically_within_the_family() {
    let range = [("2001:db8::", "2001:db8::ffff:ffff")];
    let cases = [
        ("2001:db8::1", true),
        ("2001:db8::ffff:ffff", true),
        ("2001:db8::1:0:0", false),
        ("2001:db7:ffff::1", false),
        ("2001:DB8:0:0:0:0:0:ABCD", true),
        // Another family never falls in the range.
        ("0.0.0.1", false),
    ];
    for (ip, ok) in cases {
        let mut b = B::new();
        let f = filter(&mut b, "allow", &[], &range);
        let o = call(b, f, ip);
        if ok {
            assert!(allowed(&o), "{ip}");
        } else {
            refused(&o, "CallerIpNotAllowed");
        }
    }
}

#[test]
fn ipv4_mapped_ipv6_callers_match_ipv4_rules() {
    for ip in ["::ffff:10.1.2.3", "::ffff:172.20.0.9"] {
        let mut b = B::new();
        let f = filter(
            &mut b,
            "allow",
            &["10.1.2.3"],
            &[("172.16.0.0", "172.31.255.255")],
        );
        assert!(allowed(&call(b, f, ip)), "{ip}");
    }
    let mut b = B::new();
    let f = filter(&mut b, "forbid", &["::ffff:10.1.2.3"], &[]);
    refused(&call(b, f, "10.1.2.3"), "CallerIpBlocked");
}

#[test]
fn a_single_ipv6_address_matches_whatever_its_spelling() {
    let mut b = B::new();
    let f = filter(
        &mut b,
        "allow",
        &["2001:0db8:0000:0000:0000:0000:0000:0001"],
        &[],
    );
    assert!(allowed(&call(b, f, "2001:db8::1")));
}

#[test]
fn a_computed_action_and_address_are_evaluated_per_request() {
    let mut b = B::new();
    let action = b.text("Forbid");
    let address = b.text("10.0.0.9");
    let f = OpKind::IpFilter(IpFilter {
        action,
        addresses: vec![address],
        ranges: vec![],
    });
    refused(&call(b, f, "10.0.0.9"), "CallerIpBlocked");
}

#[test]
fn a_bad_action_or_address_at_run_time_is_an_error_not_a_pass() {
    let mut b = B::new();
    let f = filter(&mut b, "maybe", &["10.0.0.1"], &[]);
    let o = call(b, f, "10.0.0.1");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(o.forwarded.is_empty());
    let mut b = B::new();
    let f = filter(&mut b, "forbid", &["10.0.0.300"], &[]);
    let o = call(b, f, "10.0.0.1");
    assert_eq!(o.response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!o.exchange.last_error().unwrap().message.contains("300"));
    assert!(o.forwarded.is_empty());
}
