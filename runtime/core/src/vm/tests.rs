//! VM hot-path tests: a header comparison evaluates without touching the heap, in each of
//! the forms lowering may give it.

use super::{eval_with, Scratch, VmLimits};
use crate::bytecode::{Code, Instr, SpanRef};
use crate::host::RequestHost;
use crate::library::{name_id, navigation};
use crate::value::{HostObj, Msg, Value};

const HEADERS: HostObj = HostObj::Headers(Msg::Request);

/// `context.Request.Headers.GetValueOrDefault("X-Tenant", "") == "contoso"` with the
/// strings pool `["X-Tenant", "", "contoso"]`.
fn code(instrs: Vec<Instr>) -> Code {
    Code {
        spans: vec![SpanRef::NONE; instrs.len()],
        instrs,
        strings: vec!["X-Tenant".into(), "".into(), "contoso".into()],
        ..Code::default()
    }
}

/// The generic form: a dispatched call with its arguments on the stack.
fn generic() -> Code {
    let get = name_id("GetValueOrDefault").expect("a table member");
    code(vec![
        Instr::Host(HEADERS),
        Instr::Str(0),
        Instr::Str(1),
        Instr::Call(get, 2),
        Instr::EqStr(2),
        Instr::Return,
    ])
}

/// Lowering's form: the lookup fused with the comparison.
fn fused() -> Code {
    code(vec![Instr::LookupEq(HEADERS, 0, 2, false), Instr::Return])
}

/// Zero allocations over 100 evaluations after one warm-up, and the right answer.
fn assert_no_allocation(code: &Code, tenant: &str, expect: bool) {
    // The counter is really installed (so that zero below is not vacuous).
    let probe = allocation_counter::measure(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(8));
    });
    assert!(probe.count_total >= 1);

    let req = format!(r#"{{"headers": {{"Accept": ["a", "b"], "x-tenant": ["{tenant}"]}}}}"#);
    let mut host = RequestHost::from_json(&req).expect("the request parses");
    let limits = VmLimits::default();
    let mut scratch = Scratch::default();
    let run = |host: &mut RequestHost, scratch: &mut Scratch| {
        let done = eval_with(code, host, &limits, scratch).expect("evaluates");
        let v = matches!(done.value, Value::Bool(true));
        scratch.recycle(done);
        v
    };
    assert_eq!(run(&mut host, &mut scratch), expect);
    let info = allocation_counter::measure(|| {
        for _ in 0..100 {
            assert_eq!(run(&mut host, &mut scratch), expect);
        }
    });
    assert_eq!(info.count_total, 0, "{info:?}");
}

#[test]
fn header_compare_allocates_nothing_after_warm_up() {
    for code in [generic(), fused()] {
        assert_no_allocation(&code, "contoso", true);
        assert_no_allocation(&code, "fabrikam", false);
    }
}

#[test]
fn static_context_chains_fold() {
    let headers = navigation(HostObj::Context, "Request").and_then(|r| navigation(r, "Headers"));
    assert_eq!(headers, Some(HEADERS));
    // Data members and members the type lacks do not fold.
    assert_eq!(navigation(HostObj::Message(Msg::Request), "Method"), None);
    assert_eq!(navigation(HostObj::Message(Msg::Response), "Url"), None);
}

#[test]
fn instructions_stay_small() {
    assert!(std::mem::size_of::<Instr>() <= 8);
}
