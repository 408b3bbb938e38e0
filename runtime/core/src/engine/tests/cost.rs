//! What a typical exchange costs: heap allocations per request (a regression bound).

use super::*;
use crate::program::{Choose, ExistsAction, HeaderOp, OpKind, SetVariable};
use crate::value::{HostObj, Msg};

/// Inbound: a header copied from another, a `choose` on a header, a literal variable;
/// backend: `forward-request`; outbound: a literal response header.
fn typical() -> Gateway {
    let mut b = B::new();
    let (copy_name, copy) = (
        b.lit("X-Copy"),
        b.lookup(HostObj::Headers(Msg::Request), "X-Tenant"),
    );
    let tenant = b.code(
        vec![
            Instr::LookupEq(HostObj::Headers(Msg::Request), 0, 1, false),
            Instr::Return,
        ],
        &["X-Tenant", "contoso"],
    );
    let (gold_name, gold) = (b.lit("X-Tier"), b.lit("gold"));
    let when = b.block(
        "inbound/choose",
        vec![OpKind::SetHeader(HeaderOp {
            name: gold_name,
            action: ExistsAction::Override,
            values: vec![gold],
        })],
    );
    let (var, val) = (b.s("seen"), b.lit("yes"));
    let (out_name, out) = (b.lit("X-Served-By"), b.lit("gatehouse"));
    let inbound = vec![
        OpKind::SetHeader(HeaderOp {
            name: copy_name,
            action: ExistsAction::Override,
            values: vec![copy],
        }),
        OpKind::Choose(Choose {
            branches: vec![(tenant, when)],
            otherwise: None,
        }),
        OpKind::SetVariable(SetVariable {
            name: var,
            value: val,
        }),
    ];
    let outbound = vec![OpKind::SetHeader(HeaderOp {
        name: out_name,
        action: ExistsAction::Override,
        values: vec![out],
    })];
    let p = b.pipeline(inbound, None, outbound, vec![]);
    single(&mut b, p);
    b.gateway().0
}

fn once(gw: &Gateway, h: RequestHead) -> StatusCode {
    let mut x = gw.start(h);
    let mut input = crate::engine::Resume::Start;
    loop {
        match x.resume(input) {
            crate::engine::Step::Forward(req) => {
                std::hint::black_box(&req);
                input = crate::engine::Resume::Backend(Ok(BackendResponse {
                    status: StatusCode::OK,
                    headers: HeaderMap::new(),
                }));
            }
            crate::engine::Step::Respond(r) => return r.status,
            _ => return StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[test]
fn a_typical_exchange_allocates_little() {
    let gw = typical();
    let h = head(
        "GET",
        "/orders/items/42?expand=1",
        &[("X-Tenant", "contoso"), ("Accept", "*/*")],
    );
    assert_eq!(once(&gw, h.clone()), StatusCode::OK);
    let heads: Vec<RequestHead> = (0..100).map(|_| h.clone()).collect();
    let info = allocation_counter::measure(|| {
        for h in heads {
            assert_eq!(once(&gw, h), StatusCode::OK);
        }
    });
    let per = info.count_total / 100;
    println!("allocations per exchange: {per}");
    assert!(per <= 40, "{per} allocations per exchange");
}

/// Wall time of a typical exchange (run with `--release --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a check"]
fn typical_exchange_time() {
    let gw = typical();
    let h = head(
        "GET",
        "/orders/items/42?expand=1",
        &[("X-Tenant", "contoso"), ("Accept", "*/*")],
    );
    let n = 200_000;
    let heads: Vec<RequestHead> = (0..n).map(|_| h.clone()).collect();
    let t = std::time::Instant::now();
    for h in heads {
        std::hint::black_box(once(&gw, h));
    }
    let ns = t.elapsed().as_nanos() / n as u128;
    println!("typical exchange: {ns} ns");
}
