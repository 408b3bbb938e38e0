//! VM hot-path tests: a header comparison evaluates without touching the heap.

use super::{eval_with, Scratch, VmLimits};
use crate::host::RequestHost;
use crate::library::{name_id, navigation};
use crate::program::{Code, Instr, SpanRef};
use crate::value::{HostObj, Value};

/// `context.Request.Headers.GetValueOrDefault("X-Tenant", "") == "contoso"` as lowering
/// emits it: the static `context.Request.Headers` chain folded into one `Host`, the literal
/// comparison fused into `EqStr`.
fn header_compare() -> Code {
    let headers = navigation(HostObj::Context, "Request").and_then(|r| navigation(r, "Headers"));
    assert_eq!(headers, Some(HostObj::Headers(crate::value::Msg::Request)));
    let get = name_id("GetValueOrDefault").expect("a table member");
    let instrs = vec![
        Instr::Host(HostObj::Headers(crate::value::Msg::Request)),
        Instr::Str(0),
        Instr::Str(1),
        Instr::Call(get, 2),
        Instr::EqStr(2),
        Instr::Return,
    ];
    Code {
        spans: vec![SpanRef::NONE; instrs.len()],
        instrs,
        strings: vec!["X-Tenant".into(), "".into(), "contoso".into()],
        ..Code::default()
    }
}

#[test]
fn header_compare_allocates_nothing_after_warm_up() {
    // The counter is really installed (so that zero below is not vacuous).
    let probe = allocation_counter::measure(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(8));
    });
    assert!(probe.count_total >= 1);

    let code = header_compare();
    let req = r#"{"headers": {"X-Tenant": ["contoso"], "Accept": ["a", "b"]}}"#;
    let mut host = RequestHost::from_json(req).expect("the request parses");
    let limits = VmLimits::default();
    let mut scratch = Scratch::default();
    let run = |host: &mut RequestHost, scratch: &mut Scratch| {
        let done = eval_with(&code, host, &limits, scratch).expect("evaluates");
        let ok = matches!(done.value, Value::Bool(true));
        scratch.recycle(done);
        ok
    };
    assert!(run(&mut host, &mut scratch));
    let info = allocation_counter::measure(|| {
        for _ in 0..100 {
            assert!(run(&mut host, &mut scratch));
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
}
