//! APIM's Liquid dialect: filter groups, bodies, bounds.

use super::{compile, filter_names, json_body, xml_body, LiquidLimits};
use liquid_core::model::{Object, Value};

fn render_with(src: &str, body: Option<Value>, limits: LiquidLimits) -> Result<String, String> {
    let mut g = Object::new();
    if let Some(b) = body {
        g.insert("body".into(), b);
    }
    compile(src)?.render(&g, limits)
}

fn render(src: &str, json: &str) -> String {
    render_with(src, json_body(json), LiquidLimits::default()).expect("succeeds")
}

#[test]
fn string_filters_use_csharp_names() {
    let b = r#"{"s": "hello world", "t": "  pad  "}"#;
    assert_eq!(render("{{ body.s | Upcase }}", b), "HELLO WORLD");
    assert_eq!(render("{{ body.s | Upcase | Downcase }}", b), "hello world");
    assert_eq!(render("{{ body.s | Capitalize }}", b), "Hello World");
    assert_eq!(
        render("{{ body.s | Append: '!' | Prepend: '> ' }}", b),
        "> hello world!"
    );
    assert_eq!(
        render(
            "{{ body.s | Replace: 'o', '0' | ReplaceFirst: '0', 'o' }}",
            b
        ),
        "hello w0rld"
    );
    assert_eq!(
        render(
            "{{ body.s | Remove: 'l' }}|{{ body.s | RemoveFirst: 'l' }}",
            b
        ),
        "heo word|helo world"
    );
    assert_eq!(
        render(
            "[{{ body.t | Strip }}][{{ body.t | Lstrip }}][{{ body.t | Rstrip }}]",
            b
        ),
        "[pad][pad  ][  pad]"
    );
    assert_eq!(
        render(
            "{{ body.s | Truncate: 8 }}|{{ body.s | TruncateWords: 1 }}",
            b
        ),
        "hello...|hello..."
    );
    assert_eq!(
        render("{{ body.s | Size }}|{{ body.s | Slice: 1, 3 }}", b),
        "11|ell"
    );
    assert_eq!(
        render(
            "{{ '<b>' | Escape }}{{ '<i>' | H }}|{{ '<p>x</p>' | StripHtml }}",
            b
        ),
        "&lt;b&gt;&lt;i&gt;|x"
    );
    assert_eq!(
        render("{{ 'a b' | UrlEncode }}|{{ 'a%20b' | UrlDecode }}", b),
        "a+b|a b"
    );
    assert_eq!(
        render(
            "{{ \"a\nb\" | NewlineToBr }}|{{ \"a\nb\" | StripNewlines }}",
            b
        ),
        "a<br />\nb|ab"
    );
}

#[test]
fn array_filters_use_csharp_names() {
    let b = r#"{"xs": ["b", "a", "b", null], "os": [{"n": 1}, {"n": 2}]}"#;
    assert_eq!(
        render("{{ body.xs | Compact | Uniq | Sort | Join: ',' }}", b),
        "a,b"
    );
    assert_eq!(
        render("{{ body.xs | First }}{{ body.xs | Compact | Last }}", b),
        "bb"
    );
    assert_eq!(render("{{ body.os | Map: 'n' | Join: '+' }}", b), "1+2");
    assert_eq!(render("{{ 'a,b' | Split: ',' | Size }}", b), "2");
    assert_eq!(render("{{ body.missing | Default: 'none' }}", b), "none");
}

#[test]
fn math_filters_use_csharp_names() {
    let b = r#"{"n": -7, "x": 2.567}"#;
    assert_eq!(
        render(
            "{{ body.n | Abs }}|{{ body.n | Plus: 10 }}|{{ body.n | Minus: 1 }}",
            b
        ),
        "7|3|-8"
    );
    assert_eq!(
        render(
            "{{ 6 | Times: 7 }}|{{ 7 | DividedBy: 2 }}|{{ 7 | Modulo: 4 }}",
            b
        ),
        "42|3|3"
    );
    assert_eq!(
        render(
            "{{ body.x | Round: 2 }}|{{ 5 | AtLeast: 9 }}|{{ 5 | AtMost: 2 }}",
            b
        ),
        "2.57|9|2"
    );
    assert_eq!(render("{{ 1234.5 | Currency }}", b), "$1,234.50");
}

#[test]
fn date_uses_dotnet_formats() {
    let b = r#"{"at": "2024-03-05T07:08:09Z"}"#;
    assert_eq!(
        render("{{ body.at | Date: 'yyyyMMddTHH:mm:ss' }}", b),
        "20240305T07:08:09"
    );
    assert_eq!(
        render("{{ body.at | Date: 'dd MMM yyyy' }}", b),
        "05 Mar 2024"
    );
    assert_eq!(render("{{ 'not a date' | Date: 'yyyy' }}", b), "not a date");
    assert_eq!(render("{{ 'now' | Date: 'yyyy' }}", b).len(), 4);
}

#[test]
fn filters_apim_does_not_know_pass_the_input_through() {
    let b = r#"{"s": "Ab"}"#;
    assert_eq!(
        render("{{ body.s | upcase }}|{{ body.s | Nope: 1 }}", b),
        "Ab|Ab"
    );
    let names: Vec<String> = filter_names("{{ x | upcase | Size }}{% assign y = 'a|b' | Foo %}")
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["upcase", "Size", "Foo"]);
    assert_eq!(filter_names("{{ a | Upcase }}")[0].at, 7);
}

#[test]
fn tags_loops_and_captures() {
    let b = r#"{"items": [{"id": 1}, {"id": 2}, {"id": 3}]}"#;
    let t = "{% for i in body.items limit: 2 %}{{ forloop.index }}:{{ i.id }}{% unless forloop.last %},{% endunless %}{% endfor %}";
    assert_eq!(render(t, b), "1:1,2:2");
    assert_eq!(
        render("{% for i in (1..3) reversed %}{{ i }}{% endfor %}", b),
        "321"
    );
    assert_eq!(
        render("{% for i in body.none %}x{% else %}empty{% endfor %}", b),
        "empty"
    );
    assert_eq!(
        render(
            "{% capture c %}{{ body.items.size }}!{% endcapture %}{{ c }}",
            b
        ),
        "3!"
    );
    assert_eq!(
        render(
            "{% if body.items.size > 2 %}many{% else %}few{% endif %}",
            b
        ),
        "many"
    );
    assert_eq!(render("{% assign n = body.items | Size %}{{ n }}", b), "3");
    assert!(compile("{% tablerow x in y %}{% endtablerow %}").is_err());
    assert!(compile("{% include 'x' %}").is_err());
}

#[test]
fn xml_bodies_bind_by_element_name() {
    let x = r#"<order xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="7"><item>a</item><item>b</item><note xsi:nil="true"/></order>"#;
    let render_xml = |t: &str, blank: bool| {
        render_with(t, xml_body(x, blank), LiquidLimits::default()).expect("succeeds")
    };
    assert_eq!(
        render_xml(
            "{{ body.order.id }}:{{ body.order.item | Join: '+' }}",
            true
        ),
        "7:a+b"
    );
    assert_eq!(
        render_xml(
            "[{{ body.order.note }}]{% if body.order.note == nil %}nil{% endif %}",
            false
        ),
        "[]nil"
    );
    assert_eq!(
        render_xml("{% if body.order.note == '' %}blank{% endif %}", true),
        "blank"
    );
    assert!(xml_body("<a><b></a>", true).is_none());
}

#[test]
fn bounds_stop_runaway_templates() {
    let small = LiquidLimits {
        max_output: 64,
        max_steps: 50,
    };
    let e = render_with("{% for i in (1..1000000000000) %}{% endfor %}", None, small)
        .expect_err("fails");
    assert!(e.contains("range"), "{e}");
    let e = render_with(
        "{% for i in (1..40) %}{% for j in (1..40) %}{% endfor %}{% endfor %}",
        None,
        small,
    )
    .expect_err("fails");
    assert!(e.contains("limit"), "{e}");
    let e = render_with("{% for i in (1..40) %}xxxxxxxxxx{% endfor %}", None, small)
        .expect_err("fails");
    assert!(e.contains("exceeds"), "{e}");
    let doubling = "{% assign s = 'xxxxxxxx' %}{% for i in (1..20) %}{% assign s = s | Append: s %}{% endfor %}";
    let e = render_with(doubling, None, small).expect_err("fails");
    assert!(e.contains("exceeds"), "{e}");
    let e = render_with(
        "{% for i in (1..20) %}{% capture c %}{{c}}{{c}}x{% endcapture %}{% endfor %}",
        None,
        small,
    )
    .expect_err("fails");
    assert!(e.contains("exceeds"), "{e}");
}
