//! Unit tests: every construct parses, round-trips, and disambiguates as C# does.

use super::{block, check_span, expr, round_trip_block, round_trip_expr};
use crate::expr::*;
use crate::Limits;

pub(super) const EXPRS: &[&str] = &[
    "1",
    "1L",
    "2u",
    "3UL",
    "0x1F",
    "0b1010",
    "1_000",
    "1.5",
    "1e3",
    "2.5f",
    "3.0m",
    "1d",
    ".5",
    "'a'",
    "'\\n'",
    "'\\u0041'",
    "'\\''",
    "\"a\\tb\\\"c\"",
    "@\"a \"\"b\"\" \\c\"",
    "true",
    "false",
    "null",
    "$\"a {x} {y:format} {{literal}}\"",
    "$\"{a,5}{b,-3:N2}\"",
    "$\"{(c ? a : b)}\"",
    "$@\"path\\{x}\"",
    "@$\"x{y}\"\"\"",
    "$\"outer {$\"inner {x}\"} {\"s\"}\"",
    "{{Weight}}",
    "Next(1,100) <= {{Weight}}",
    "\"{{Prefix}}\"",
    "context.Request.Headers",
    "x?.y",
    "x?[i]",
    "x[i]",
    "x[i, j]",
    "a.b.c.d.e()",
    "context.Request.Body.As<JObject>(preserveContent: true)",
    "F(out var x)",
    "F(out string x, out y)",
    "F(ref x)",
    "GetValueOrDefault<string>(\"a\", \"\")",
    "typeof(string)",
    "typeof(List<int>)",
    "nameof(x)",
    "default(int)",
    "default",
    "checked(a + b)",
    "unchecked(a * b)",
    "x!.y",
    "a < b && c > d",
    "x.As<JObject>()",
    "new List<Dictionary<string, int>>()",
    "a < b",
    "a << 2",
    "a >> 2",
    "F(a < b, c > d)",
    "F<A, B>(x)",
    "x = y >> 1",
    "-x",
    "+x",
    "!x",
    "~x",
    "++x",
    "--x",
    "x++",
    "x--",
    "- -x",
    "-(-x)",
    "!!x",
    "a * b + c / d - e % f",
    "a << 1 | b & c ^ d",
    "a == b != c",
    "a ?? b ?? c",
    "a || b && c",
    "c ? a : b",
    "a ? b ? c : d : e",
    "x = 1",
    "x += 1",
    "x -= 1",
    "x *= 2",
    "x /= 2",
    "x %= 2",
    "x &= 1",
    "x |= 1",
    "x ^= 1",
    "x <<= 1",
    "x >>= 1",
    "x ??= y",
    "x => x + 1",
    "(x, y) => x + y",
    "(string x) => x.Length",
    "() => { return 1; }",
    "() => 1",
    "xs.Where(x => x > 1).Select(x => x * 2)",
    "(string)context.Variables[\"x\"]",
    "(int)x",
    "(JObject)y",
    "((JArray)z)",
    "(string[])a",
    "(int?)b",
    "(int)-x",
    "(T)(-x)",
    "(a) + b",
    "(a)",
    "(int)(long)x",
    "(List<int>)x",
    "(a, b)",
    "x is string",
    "x is string s",
    "x is null",
    "x is not null",
    "x is JObject { } o",
    "x is int i && i > 0",
    "x is > 5 and < 10",
    "x is 1 or 2",
    "x is (1 or 2)",
    "x is var v",
    "x is { Length: > 2 }",
    "x as string",
    "x as int? ?? 0",
    "(x as string) ?? \"\"",
    "x switch { 1 => \"a\", _ => \"b\" }",
    "x switch { int i when i > 0 => i, _ => 0 }",
    "new JObject()",
    "new JObject(new JProperty(\"a\", 1))",
    "new X { A = 1, B = 2 }",
    "new List<string> { \"a\", \"b\" }",
    "new Dictionary<string, int> { [\"k\"] = v }",
    "new Dictionary<string, string> { { \"k\", v } }",
    "new Dictionary<string,string> {{\"a\",\"b\"}}",
    "new string[] { \"a\" }",
    "new[] { 1, 2 }",
    "new byte[16]",
    "new int[2, 3]",
    "new int[2][]",
    "new int[][] { new int[] { 1 } }",
    "new { a = 1, b, c.d }",
    "new()",
    "new X { }",
    "new X { Inner = { A = 1 } }",
    "x ?? throw new Exception(\"a\")",
    "string.IsNullOrEmpty(s)",
    "int.Parse(\"1\")",
    "this",
    "@class + 1",
    "var + value",
    "from + select",
    "System.Text.Encoding.UTF8.GetBytes(s)",
    "x /* c */ + // line\n y",
];

#[test]
fn every_expression_construct_round_trips() {
    for code in EXPRS {
        round_trip_expr(code);
    }
}

pub(super) const BLOCKS: &[&str] = &[
    "var x = 1; return x;", "int a = 1, b; string[] parts = s.Split(',');", "const int N = 3;",
    "if (a) { b(); } else if (c) d(); else { }", "foreach (var x in xs) { total += x; }",
    "for (int i = 0; i < 10; i++) { continue; }", "for (;;) break;", "for (i = 0, j = 1; ; i++, j++) { }",
    "while (x) x--;", "do { x++; } while (x < 10);",
    "switch (s) { case \"a\": case \"b\": return 1; case int i when i > 0: break; default: return 0; }",
    "try { a(); } catch (Exception ex) { throw; } catch { } finally { b(); }",
    "try { } catch (Exception ex) when (ex.Message != null) { }", "{ { } }", ";",
    "string F(int a) { return a.ToString(); } return F(1);", "int G(int a) => a + 1;",
    "using (var s = new MemoryStream()) { }", "throw new Exception();", "int[] a = { 1, 2 };",
    "x = y; F(); x++;", "unchecked { x = (byte)(y >> 8); }", "List<int> xs = new List<int>();",
    "Dictionary<string, List<int>> d = null;", "int? n = null;", "a.b c = null;", "return;",
];

#[test]
fn every_statement_construct_round_trips() {
    for code in BLOCKS {
        round_trip_block(code);
    }
}

fn dump(code: &str) -> String {
    dump_expression(&expr(code))
}

#[test]
fn less_than_versus_generic_arguments() {
    assert!(dump("a < b && c > d").starts_with("Binary And"));
    assert!(dump("x.As<JObject>()").contains("Member .As<JObject>"));
    assert!(dump("new List<Dictionary<string, int>>()")
        .contains("New List<Dictionary<string, int>> (args)"));
    assert!(dump("F(a < b, c > d)").contains("Binary Lt"));
}

#[test]
fn casts_versus_parentheses() {
    assert!(dump("(a) + b").starts_with("Binary Add"));
    assert!(dump("(int)-x").starts_with("Cast int"));
    assert!(dump("(T)x").starts_with("Cast T"));
    assert!(dump("(a)").starts_with("Paren"));
}

#[test]
fn spans_cover_their_source() {
    let code = "context.Request.Headers.GetValueOrDefault(\"a\", \"\")";
    let e = expr(code);
    assert_eq!(e.span.range(), 0..code.len());
    let ExprKind::Call { callee, args } = &e.kind else {
        panic!("not a call");
    };
    assert_eq!(
        &code[callee.span.range()],
        "context.Request.Headers.GetValueOrDefault"
    );
    assert_eq!(&code[args[1].span.range()], "\"\"");
    let code = "$\"a {x + 1} b\"";
    let ExprKind::Interpolated(parts) = expr(code).kind else {
        panic!("not interpolated");
    };
    let InterpPart::Hole { expr, span, .. } = &parts[1] else {
        panic!("not a hole");
    };
    assert_eq!(&code[expr.span.range()], "x + 1");
    assert_eq!(&code[span.range()], "{x + 1}");
}

#[test]
fn literal_values_are_decoded() {
    let lit = |c: &str| match expr(c).kind {
        ExprKind::Literal(l) => l,
        k => panic!("{k:?}"),
    };
    assert_eq!(lit("0x1F"), Literal::Int(31, IntSuffix::None));
    assert_eq!(lit("1_000UL"), Literal::Int(1000, IntSuffix::UL));
    assert_eq!(lit("'\\u0041'"), Literal::Char('A'));
    assert_eq!(
        lit("@\"a \"\"b\"\" \\c\""),
        Literal::String("a \"b\" \\c".into())
    );
    assert_eq!(lit("\"\\x41\\t\""), Literal::String("A\t".into()));
    assert_eq!(lit("2.5f"), Literal::Real("2.5".into(), RealSuffix::F));
}

#[test]
fn walker_visits_every_expression() {
    let b = block("var x = F(a, y => y + 1); if (x is > 1) { return $\"{x}\"; }");
    let mut names = Vec::new();
    for_each_expr_in_block(&b, &mut |e| {
        if let ExprKind::Name(n, _) = &e.kind {
            names.push(n.name.to_string());
        }
    });
    assert_eq!(names, ["F", "a", "y", "x", "x"]);
}

#[test]
fn errors_are_located() {
    let cases: &[(&str, &str, &str)] = &[
        ("F(1, 2", "syntax::unexpected-token", ""),
        ("'abc'", "syntax::invalid-char-literal", "'abc'"),
        ("\"abc", "syntax::unterminated-string", "\""),
        ("a +", "syntax::unexpected-token", ""),
        ("a b", "syntax::unexpected-token", "b"),
        ("x # y", "syntax::unexpected-character", "#"),
        ("\"\\q\"", "syntax::invalid-escape", "\\q"),
        ("/* x", "syntax::unterminated-comment", "/*"),
        (
            "99999999999999999999",
            "syntax::invalid-number",
            "99999999999999999999",
        ),
    ];
    for (code, want, at) in cases {
        let e = parse_expression(code, &Limits::default()).expect_err(code);
        check_span(code, &e);
        assert_eq!(e.code, *want, "{code}: {e:?}");
        assert_eq!(&code[e.span.range()], *at, "{code}: {e:?}");
    }
}

#[test]
fn operator_edge_cases() {
    assert!(dump("x is int ? a : b").starts_with("Conditional\n  Is"));
    assert!(dump("x as int? ?? 0").starts_with("Binary Coalesce\n  As int?"));
    assert!(dump("Next(1,100) <= {{Weight}}").contains("NamedValue Weight"));
    assert!(dump("\"{{Prefix}}\"").contains("Literal String(\"{{Prefix}}\")"));
    assert!(dump("x switch { _ => 1 } * 2").starts_with("Binary Mul\n  Switch"));
    assert!(parse_expression("x is T * 2", &Limits::default()).is_err());
    assert!(dump("a >> b >= c").starts_with("Binary Ge\n  Binary Shr"));
    assert!(dump("x >>= 1").starts_with("Assign Shr"));
}
