//! Subscription keys: missing, invalid, valid; product pipelines; the key never forwarded.

use super::*;
use crate::program::{ExistsAction, HeaderOp, OpKind, SubscriptionScope};
use crate::value::Entity;

/// Orders API requiring a key; product `gold` has its own pipeline adding `X-Tier: gold`.
fn program() -> B {
    let mut b = B::new();
    let plain = b.pipeline(vec![], None, vec![], vec![]);
    let name = b.lit("X-Tier");
    let gold = b.lit("gold");
    let tier = OpKind::SetHeader(HeaderOp {
        name,
        action: ExistsAction::Override,
        values: vec![gold],
    });
    let gold_pipe = b.pipeline(vec![tier], None, vec![], vec![]);
    let api = b.api("orders", "orders", true);
    let other = b.api("other", "other", true);
    b.op(
        api,
        "get",
        "GET",
        "/x",
        vec![(u32::MAX, plain), (0, gold_pipe)],
    );
    b.op(other, "get", "GET", "/x", vec![(u32::MAX, plain)]);
    let gold_product = b.product("gold", vec![api], true);
    let hidden = b.product("hidden", vec![api], false);
    b.subscription("all", SubscriptionScope::AllApis, &["k-all"], true);
    b.subscription(
        "gold-sub",
        SubscriptionScope::Product(gold_product),
        &["k-gold", "k-gold-2"],
        true,
    );
    b.subscription(
        "hidden-sub",
        SubscriptionScope::Product(hidden),
        &["k-hidden"],
        true,
    );
    b.subscription(
        "other-only",
        SubscriptionScope::Api(other),
        &["k-other"],
        true,
    );
    b.subscription("off", SubscriptionScope::AllApis, &["k-off"], false);
    b
}

/// `GET /orders/x` with the subscription key `key` in `Ocp-Apim-Subscription-Key`.
fn with_key(gw: &Gateway, key: &str) -> Outcome {
    run(
        gw,
        head("GET", "/orders/x", &[("Ocp-Apim-Subscription-Key", key)]),
        "",
    )
}

#[test]
fn missing_key_is_401_with_apim_message() {
    let (gw, _) = program().gateway();
    let o = run(&gw, head("GET", "/orders/x", &[]), "");
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body(&o),
        r#"{ "statusCode": 401, "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API." }"#
    );
    assert_eq!(
        &*o.exchange.last_error().unwrap().reason,
        "SubscriptionKeyNotFound"
    );
    assert!(o.forwarded.is_empty());
}

#[test]
fn invalid_inactive_unpublished_or_out_of_scope_keys_are_401() {
    let (gw, _) = program().gateway();
    for key in ["nope", "k-off", "k-hidden", "k-other"] {
        let o = with_key(&gw, key);
        assert_eq!(o.response.status, StatusCode::UNAUTHORIZED, "{key}");
        assert!(body(&o).contains("invalid subscription key"), "{key}");
        assert_eq!(
            &*o.exchange.last_error().unwrap().reason,
            "SubscriptionKeyInvalid"
        );
    }
}

#[test]
fn valid_keys_by_header_or_query_are_removed_before_forwarding() {
    let (gw, _) = program().gateway();
    let o = run(
        &gw,
        head(
            "GET",
            "/orders/x",
            &[("ocp-apim-subscription-key", "k-all")],
        ),
        "",
    );
    assert_eq!(o.response.status, StatusCode::OK);
    let fwd = &o.forwarded[0];
    assert!(fwd.headers.get("ocp-apim-subscription-key").is_none());
    assert_eq!(o.exchange.subscription_name(), Some("all"));
    let o = run(
        &gw,
        head("GET", "/orders/x?a=1&subscription-key=k-all&b=2", &[]),
        "",
    );
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(o.forwarded[0].path_and_query, "/x?a=1&b=2");
}

#[test]
fn the_product_of_the_key_selects_its_pipeline() {
    let (gw, _) = program().gateway();
    let o = with_key(&gw, "k-gold-2");
    assert_eq!(o.forwarded[0].headers.get("x-tier").unwrap(), "gold");
    assert_eq!(o.exchange.product_name(), Some("gold"));
    let o = with_key(&gw, "k-all");
    assert!(o.forwarded[0].headers.get("x-tier").is_none());
    assert_eq!(o.exchange.product_name(), None);
}

#[test]
fn subscription_and_entities_are_visible_to_expressions() {
    let mut b = program();
    let set = set_entity_header;
    let ops = vec![
        set(&mut b, "X-Sub", Entity::Subscription, "Name"),
        set(&mut b, "X-Key", Entity::Subscription, "Key"),
        set(&mut b, "X-Secondary", Entity::Subscription, "SecondaryKey"),
        set(&mut b, "X-Product", Entity::Product, "Name"),
        set(&mut b, "X-Api", Entity::Api, "Name"),
        set(&mut b, "X-Op", Entity::Operation, "UrlTemplate"),
    ];
    let p = b.pipeline(vec![], None, ops, vec![]);
    b.p.apis[0].operations[0].pipelines[1].1 = p;
    let (gw, _) = b.gateway();
    let o = with_key(&gw, "k-gold-2");
    assert_eq!(header(&o, "x-sub"), Some("gold-sub"));
    assert_eq!(header(&o, "x-key"), Some("k-gold-2"));
    assert_eq!(header(&o, "x-secondary"), Some("k-gold-2"));
    assert_eq!(header(&o, "x-product"), Some("gold product"));
    assert_eq!(header(&o, "x-api"), Some("orders API"));
    assert_eq!(header(&o, "x-op"), Some("/x"));
}

#[test]
fn an_open_api_ignores_a_bad_key_and_uses_a_good_one() {
    let mut b = program();
    b.p.apis[0].subscription_required = false;
    let (gw, _) = b.gateway();
    let o = with_key(&gw, "nope");
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(o.exchange.subscription_name(), None);
    let o = with_key(&gw, "k-gold");
    assert_eq!(o.exchange.product_name(), Some("gold"));
}

#[test]
fn custom_key_names_are_honoured() {
    let mut b = program();
    let h = b.s("X-Key");
    let q = b.s("key");
    b.p.apis[0].key_header = h;
    b.p.apis[0].key_query = q;
    let (gw, _) = b.gateway();
    let o = with_key(&gw, "k-all");
    assert_eq!(o.response.status, StatusCode::UNAUTHORIZED);
    let o = run(&gw, head("GET", "/orders/x", &[("x-key", "k-all")]), "");
    assert_eq!(o.response.status, StatusCode::OK);
    let o = run(&gw, head("GET", "/orders/x?key=k-all", &[]), "");
    assert_eq!(o.response.status, StatusCode::OK);
    assert_eq!(o.forwarded[0].path_and_query, "/x");
}
