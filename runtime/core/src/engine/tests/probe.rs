//! The probe (`gatehouse test`): off by default; on, it records the operations that ran and
//! the blocks entered, and seeds randomness.

use super::*;
use crate::engine::{BackendResponse, Resume, Step};
use crate::program::{Choose, ExistsAction, HeaderOp, OpKind};
use crate::value::{HostObj, Msg};

/// Drives `x` to its response, every forward answered 200.
fn drive(x: &mut crate::engine::Exchange) -> StatusCode {
    let mut input = Resume::Start;
    for _ in 0..16 {
        input = match x.resume(input) {
            Step::Forward(_) => Resume::Backend(Ok(BackendResponse {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
            })),
            Step::Respond(r) => return r.status,
            Step::NeedRequestBody => Resume::RequestBody(bytes::Bytes::new()),
            Step::NeedResponseBody => Resume::ResponseBody(bytes::Bytes::new()),
            Step::Send(_)
            | Step::Token(_)
            | Step::SendConcurrent(_)
            | Step::SendDetached(_)
            | Step::Sleep(_) => panic!("no call, token or wait here"),
        };
    }
    panic!("the exchange did not finish");
}

#[test]
fn the_probe_records_what_ran_and_the_branch_entered() {
    let mut b = B::new();
    let tenant = b.code(
        vec![
            Instr::LookupEq(HostObj::Headers(Msg::Request), 0, 1, false),
            Instr::Return,
        ],
        &["X-Tenant", "contoso"],
    );
    let set = |b: &mut B, v: &str| {
        let (name, value) = (b.lit("X-Branch"), b.lit(v));
        OpKind::SetHeader(HeaderOp {
            name,
            action: ExistsAction::Override,
            values: vec![value],
        })
    };
    let (yes, no) = (set(&mut b, "when"), set(&mut b, "otherwise"));
    let (when, otherwise) = (
        b.block("inbound/choose", vec![yes]),
        b.block("inbound/choose", vec![no]),
    );
    let choose = OpKind::Choose(Choose {
        branches: vec![(tenant, when)],
        otherwise: Some(otherwise),
    });
    let p = b.pipeline(vec![choose], None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();

    let mut off = gw.start(head("GET", "/orders/items/1", &[]));
    drive(&mut off);
    assert!(off.probe().is_none(), "off unless asked for");

    let mut x = gw.start(head("GET", "/orders/items/1", &[("X-Tenant", "contoso")]));
    x.start_probe(None);
    drive(&mut x);
    let p = x.probe().expect("probed");
    assert_eq!(
        p.ran.len(),
        3,
        "choose, the branch's set-header, forward-request: {p:?}"
    );
    assert!(
        p.entered.contains(&(1, when)),
        "the when block, entered right after the choose: {p:?}"
    );
    assert!(!p.entered.iter().any(|(_, b)| *b == otherwise));

    let mut y = gw.start(head("GET", "/orders/items/1", &[("X-Tenant", "other")]));
    y.start_probe(None);
    drive(&mut y);
    let p = y.probe().expect("probed");
    assert!(p.entered.contains(&(1, otherwise)), "{p:?}");
}

#[test]
fn a_seed_gives_the_same_random_bytes_every_time() {
    let (mut a, mut b, mut c) = (7u64, 7u64, 8u64);
    let first = crate::engine::probe::seeded_bytes(&mut a);
    assert_eq!(first, crate::engine::probe::seeded_bytes(&mut b));
    assert_ne!(first, crate::engine::probe::seeded_bytes(&mut c));
    assert_ne!(
        first,
        crate::engine::probe::seeded_bytes(&mut a),
        "the state moves on"
    );
}
