//! Each policy operation through the in-process driver.

use super::*;
use crate::program::{
    Choose, ExistsAction, HeaderOp, MockExample, MockResponse, OpKind, ReturnResponse, RewriteUri,
    SetBody, SetMethod, SetStatus, SetVariable, Severity, TraceOp,
};
use crate::value::{HostObj, Msg};

fn header_op(b: &mut B, name: &str, action: ExistsAction, values: &[&str]) -> HeaderOp {
    let name = b.lit(name);
    let values = values.iter().map(|v| b.lit(v)).collect();
    HeaderOp {
        name,
        action,
        values,
    }
}

/// Runs a program whose inbound is `inbound` and outbound `outbound` on `GET /orders/items/7`.
fn go(b: B, headers: &[(&str, &str)]) -> Outcome {
    let (gw, _) = b.gateway();
    run(&gw, head("GET", "/orders/items/7?q=1&r=2", headers), "")
}

#[test]
fn set_header_override_skip_append_delete_on_request_and_response() {
    let mut b = B::new();
    let inbound = vec![
        OpKind::SetHeader(header_op(
            &mut b,
            "X-Over",
            ExistsAction::Override,
            &["a", "b"],
        )),
        OpKind::SetHeader(header_op(&mut b, "X-Skip", ExistsAction::Skip, &["new"])),
        OpKind::SetHeader(header_op(
            &mut b,
            "X-Skip-New",
            ExistsAction::Skip,
            &["new"],
        )),
        OpKind::SetHeader(header_op(&mut b, "X-App", ExistsAction::Append, &["2"])),
        OpKind::SetHeader(header_op(&mut b, "X-Del", ExistsAction::Delete, &[])),
        OpKind::SetHeader(header_op(
            &mut b,
            "Set-Cookie",
            ExistsAction::Override,
            &["a=1", "b=2"],
        )),
        OpKind::SetHeader(header_op(
            &mut b,
            "Content-Length",
            ExistsAction::Override,
            &["5"],
        )),
    ];
    let outbound = vec![
        OpKind::SetHeader(header_op(
            &mut b,
            "X-Backend",
            ExistsAction::Append,
            &["too"],
        )),
        OpKind::SetHeader(header_op(&mut b, "X-Out", ExistsAction::Override, &["o"])),
    ];
    let p = b.pipeline(inbound, None, outbound, vec![]);
    single(&mut b, p);
    let o = go(
        b,
        &[
            ("X-Over", "old"),
            ("X-Skip", "old"),
            ("X-App", "1"),
            ("X-Del", "x"),
        ],
    );
    let h = &o.forwarded[0].headers;
    assert_eq!(h.get("x-over").unwrap(), "a,b");
    assert_eq!(h.get("x-skip").unwrap(), "old");
    assert_eq!(h.get("x-skip-new").unwrap(), "new");
    assert_eq!(h.get("x-app").unwrap(), "1,2");
    assert!(h.get("x-del").is_none());
    assert_eq!(h.get_all("set-cookie").iter().count(), 2);
    assert!(h.get("content-length").is_none());
    assert_eq!(header(&o, "x-backend"), Some("yes,too"));
    assert_eq!(header(&o, "x-out"), Some("o"));
}

#[test]
fn set_query_parameter_and_method() {
    let mut b = B::new();
    let post = b.text("post");
    let inbound = vec![
        OpKind::SetQueryParameter(header_op(&mut b, "q", ExistsAction::Override, &["x y"])),
        OpKind::SetQueryParameter(header_op(&mut b, "r", ExistsAction::Delete, &[])),
        OpKind::SetQueryParameter(header_op(&mut b, "s", ExistsAction::Append, &["1", "2"])),
        OpKind::SetMethod(SetMethod(post)),
    ];
    let p = b.pipeline(inbound, None, vec![], vec![]);
    single(&mut b, p);
    let o = go(b, &[]);
    let f = &o.forwarded[0];
    assert_eq!(f.path_and_query, "/items/7?q=x%20y&s=1&s=2");
    assert_eq!(f.method, Method::POST);
}

#[test]
fn rewrite_uri_expands_parameters_and_copies_unmatched_query() {
    for (copy, want) in [(true, "/v2/item-7?x=1&q=1&r=2"), (false, "/v2/item-7?x=1")] {
        let mut b = B::new();
        let template = b.lit("/v2/item-{id}?x=1");
        let op = OpKind::RewriteUri(RewriteUri {
            template,
            copy_unmatched_params: copy,
        });
        let p = b.pipeline(vec![op], None, vec![], vec![]);
        single(&mut b, p);
        let o = go(b, &[]);
        assert_eq!(o.forwarded[0].path_and_query, want);
    }
}

#[test]
fn set_status_set_variable_and_variable_reads() {
    let mut b = B::new();
    let (code, reason) = (b.lit("418"), b.lit("Teapot"));
    let (vname, vval) = (b.s("who"), b.lit("alice"));
    let read = b.var("who");
    let name = b.lit("X-Who");
    let outbound = vec![
        OpKind::SetVariable(SetVariable {
            name: vname,
            value: vval,
        }),
        OpKind::SetStatus(SetStatus {
            code,
            reason: Some(reason),
        }),
        OpKind::SetHeader(HeaderOp {
            name,
            action: ExistsAction::Override,
            values: vec![read],
        }),
    ];
    let p = b.pipeline(vec![], None, outbound, vec![]);
    single(&mut b, p);
    let o = go(b, &[]);
    assert_eq!(o.response.status.as_u16(), 418);
    assert_eq!(header(&o, "x-who"), Some("alice"));
    assert_eq!(o.exchange.variable_text("who").as_deref(), Some("alice"));
}

#[test]
fn object_variables_survive_later_evaluations() {
    let mut b = B::new();
    let as_id = name_id("As").unwrap();
    let json = |b: &mut B| {
        Arg::Expr(b.code(
            vec![
                Instr::Host(HostObj::Body(Msg::Request)),
                Instr::Str(0),
                Instr::Const(0),
                Instr::Call(as_id, 2),
                Instr::Return,
            ],
            &["type:JObject"],
        ))
    };
    let (first, second) = (json(&mut b), json(&mut b));
    for a in [first, second] {
        if let Arg::Expr(c) = a {
            let preserve = crate::bytecode::Const::Bool(true);
            b.p.codes[c as usize].code.consts.push(preserve);
        }
    }
    let (j, k) = (b.s("j"), b.s("k"));
    let new_body = b.lit(r#"{"b": 2}"#);
    let (source, message) = (b.lit("t"), b.var("j"));
    let trace = OpKind::Trace(TraceOp {
        source,
        severity: Severity::Verbose,
        message,
        metadata: vec![],
    });
    let inbound = vec![
        OpKind::SetVariable(SetVariable {
            name: j,
            value: first,
        }),
        OpKind::SetBody(SetBody {
            value: new_body,
            liquid: None,
        }),
        OpKind::SetVariable(SetVariable {
            name: k,
            value: second,
        }),
        trace,
    ];
    let p = b.pipeline(inbound, None, vec![], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(&gw, head("POST", "/orders/items/7", &[]), r#"{"a": 1}"#);
    assert_eq!(
        o.response.status,
        StatusCode::NOT_FOUND,
        "POST is not routed"
    );
    let o = run(&gw, head("GET", "/orders/items/7", &[]), r#"{"a": 1}"#);
    assert!(
        o.exchange.last_error().is_none(),
        "{:?}",
        o.exchange.last_error()
    );
    let j = &o.exchange.traces()[0].message;
    assert!(j.contains("\"a\": 1"), "{j}");
    assert!(o.exchange.variable_text("k").unwrap().contains("\"b\": 2"));
}

#[test]
fn return_response_stops_and_skips_outbound() {
    let mut b = B::new();
    let (code, body_arg) = (b.lit("201"), b.text("made"));
    let h = header_op(&mut b, "X-R", ExistsAction::Override, &["1"]);
    let rr = OpKind::ReturnResponse(ReturnResponse {
        variable: None,
        status: Some((code, None)),
        headers: vec![h],
        body: Some(body_arg),
    });
    let never = OpKind::SetHeader(header_op(&mut b, "X-Never", ExistsAction::Override, &["1"]));
    let p = b.pipeline(vec![rr, never.clone()], None, vec![never], vec![]);
    single(&mut b, p);
    let o = go(b, &[]);
    assert_eq!(o.response.status, StatusCode::CREATED);
    assert_eq!(body(&o), "made");
    assert_eq!(header(&o, "x-r"), Some("1"));
    assert!(header(&o, "x-never").is_none());
    assert!(o.forwarded.is_empty());
}

#[test]
fn mock_response_picks_the_matching_example() {
    let mut b = B::new();
    let json = b.s("application/json");
    let xml = b.s("application/xml");
    let mock = OpKind::MockResponse(MockResponse {
        status: 404,
        content_type: Some(xml),
    });
    let p = b.pipeline(vec![mock], None, vec![], vec![]);
    let api = single(&mut b, p);
    let bodies = [b.s("ok-json"), b.s("nf-json"), b.s("nf-xml")];
    b.p.apis[api as usize].operations[0].examples = vec![
        MockExample {
            status: 200,
            content_type: Some(json),
            body: Some(bodies[0]),
        },
        MockExample {
            status: 404,
            content_type: Some(json),
            body: Some(bodies[1]),
        },
        MockExample {
            status: 404,
            content_type: Some(xml),
            body: Some(bodies[2]),
        },
    ];
    let o = go(b, &[]);
    assert_eq!(o.response.status, StatusCode::NOT_FOUND);
    assert_eq!(body(&o), "nf-xml");
    assert_eq!(header(&o, "content-type"), Some("application/xml"));
    assert!(o.forwarded.is_empty());
}

#[test]
fn choose_runs_the_first_true_branch_else_otherwise() {
    let mut b = B::new();
    let tenant = b.code(
        vec![
            Instr::LookupEq(HostObj::Headers(Msg::Request), 0, 1, false),
            Instr::Return,
        ],
        &["X-Tenant", "contoso"],
    );
    let yes = OpKind::SetHeader(header_op(
        &mut b,
        "X-Branch",
        ExistsAction::Override,
        &["when"],
    ));
    let no = OpKind::SetHeader(header_op(
        &mut b,
        "X-Branch",
        ExistsAction::Override,
        &["otherwise"],
    ));
    let (when, otherwise) = (
        b.block("inbound/choose", vec![yes]),
        b.block("inbound/choose", vec![no]),
    );
    let choose = OpKind::Choose(Choose {
        branches: vec![(tenant, when)],
        otherwise: Some(otherwise),
    });
    let p = b.pipeline(vec![], None, vec![choose], vec![]);
    single(&mut b, p);
    let (gw, _) = b.gateway();
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("X-Tenant", "contoso")]),
        "",
    );
    assert_eq!(header(&o, "x-branch"), Some("when"));
    let o = run(
        &gw,
        head("GET", "/orders/items/1", &[("X-Tenant", "other")]),
        "",
    );
    assert_eq!(header(&o, "x-branch"), Some("otherwise"));
}

#[test]
fn trace_records_source_severity_message_and_metadata() {
    let mut b = B::new();
    let (source, message, meta) = (b.lit("orders"), b.text("hello"), b.lit("v"));
    let key = b.s("k");
    let t = OpKind::Trace(TraceOp {
        source,
        severity: Severity::Error,
        message,
        metadata: vec![(key, meta)],
    });
    let p = b.pipeline(vec![t], None, vec![], vec![]);
    single(&mut b, p);
    let o = go(b, &[]);
    let t = &o.exchange.traces()[0];
    assert_eq!(
        (&*t.source, t.severity, &*t.message),
        ("orders", Severity::Error, "hello")
    );
    assert_eq!(t.metadata, vec![(Arc::from("k"), Arc::from("v"))]);
}
