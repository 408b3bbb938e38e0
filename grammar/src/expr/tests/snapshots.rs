//! Insta snapshots of tree dumps (one per construct) and of common syntax errors.

use crate::expr::*;
use crate::Limits;

const EXPRESSIONS: &[(&str, &str)] = &[
    (
        "literals_numeric",
        "F(1, 1L, 2u, 0x1F, 1_000, 1.5, 1e3, 2.5f, 3.0m, 1d)",
    ),
    (
        "literals_text",
        "F('a', '\\n', '\\u0041', \"a\\tb\", @\"a \"\"b\"\" \\c\", true, null)",
    ),
    ("interpolated", "$\"a {x} {y:format} {z,5} {{literal}}\""),
    (
        "interpolated_nested",
        "$\"outer {$\"inner {x}\"} {\"s\".Length}\"",
    ),
    ("interpolated_verbatim", "$@\"c:\\{dir}\\file\""),
    ("named_value", "Next(1,100) <= {{Weight}}"),
    ("named_value_in_string", "\"{{Prefix}}\" + x"),
    (
        "member_chain",
        "context.Request.Headers.GetValueOrDefault(\"x\", \"\")",
    ),
    ("null_conditional", "x?.y?[i]?.ToString()"),
    ("index_multi", "x[i, j]"),
    (
        "named_args",
        "context.Request.Body.As<JObject>(preserveContent: true)",
    ),
    (
        "out_ref_args",
        "int.TryParse(s, out var n) && F(out string t, ref u, out w)",
    ),
    (
        "generic_call",
        "context.Variables.GetValueOrDefault<string>(\"a\", \"\")",
    ),
    (
        "typeof_nameof_default",
        "F(typeof(List<int>), nameof(x), default(int), default)",
    ),
    ("checked", "checked(a + b) + unchecked(c * d)"),
    ("less_than_not_generic", "a < b && c > d"),
    ("nested_generics", "new List<Dictionary<string, int>>()"),
    ("shift_ops", "a << 2 | b >> 1"),
    ("precedence", "a + b * c - d / e % f == g && h || i ?? j"),
    ("unary_ops", "-x + !y + ~z + ++a + b++ + --c"),
    ("conditional", "a ? b ? c : d : e"),
    ("assignments", "x = y += z ??= w"),
    (
        "lambdas",
        "xs.Where(x => x > 1).Select((x, i) => x * i).Any((string s) => true)",
    ),
    ("lambda_block", "() => { var a = 1; return a; }"),
    (
        "casts",
        "(string)context.Variables[\"x\"] + (int)x + ((JArray)z).Count",
    ),
    ("casts_types", "F((string[])a, (int?)b, (int)-c, (a) + d)"),
    ("is_patterns", "x is string s && y is null && z is not null"),
    (
        "is_property_pattern",
        "x is JObject { } o || x is { Length: > 2 }",
    ),
    ("is_combinators", "x is > 5 and < 10 or 0"),
    (
        "as_operator",
        "(x as string) ?? (y as int? ?? 0).ToString()",
    ),
    (
        "switch_expression",
        "x switch { 1 => \"a\", int i when i > 5 => \"b\", _ => \"c\" }",
    ),
    ("new_object", "new JObject(new JProperty(\"a\", 1))"),
    ("new_object_initializer", "new X { A = 1, B = { C = 2 } }"),
    ("new_collection", "new List<string> { \"a\", \"b\" }"),
    (
        "new_dictionary",
        "new Dictionary<string, string> { [\"k\"] = v, }",
    ),
    (
        "new_dictionary_pairs",
        "new Dictionary<string,string> {{\"a\",\"b\"}, {\"c\", d}}",
    ),
    (
        "new_arrays",
        "F(new string[] { \"a\" }, new[] { 1 }, new byte[16], new int[2, 3], new int[2][])",
    ),
    ("new_anonymous", "new { a = 1, b, c.d }"),
    ("new_target_typed", "F(new(), new() { A = 1 })"),
    (
        "throw_expression",
        "x ?? throw new ArgumentException(\"x\")",
    ),
    (
        "predefined_members",
        "string.IsNullOrEmpty(s) ? int.MaxValue : long.Parse(s)",
    ),
    (
        "contextual_keywords",
        "var + value + from + select + when + nameof + @class",
    ),
];

const BLOCKS: &[(&str, &str)] = &[
    ("block_locals", "var x = 1; int a = 1, b; string[] parts = s.Split(','); const int N = 3;"),
    ("block_if_else", "if (a) { b(); } else if (c) d(); else { }"),
    ("block_loops", "foreach (var x in xs) { continue; } for (int i = 0; i < n; i++) { } while (x) x--; do { } while (y);"),
    ("block_switch", "switch (s.ToLower()) { case \"a\": case \"b\": r = 1; break; default: return 0; }"),
    ("block_try", "try { a(); } catch (Exception ex) when (ex != null) { throw; } catch { } finally { b(); }"),
    ("block_local_functions", "string F(int a) { return a.ToString(); } int G(int a) => a + 1; return F(G(1));"),
    ("block_nested", "{ { return; } } unchecked { x = (byte)(t >> 8); }"),
];

#[test]
fn expression_dumps() {
    for (name, code) in EXPRESSIONS {
        let e =
            parse_expression(code, &Limits::default()).unwrap_or_else(|e| panic!("{code}: {e:?}"));
        insta::assert_snapshot!(*name, dump_expression(&e), code);
    }
}

#[test]
fn block_dumps() {
    for (name, code) in BLOCKS {
        let b = parse_block(code, &Limits::default()).unwrap_or_else(|e| panic!("{code}: {e:?}"));
        insta::assert_snapshot!(*name, dump_block(&b), code);
    }
}

const ERRORS: &[(&str, bool, &str)] = &[
    ("err_unclosed_call", false, "F(a, b"),
    ("err_multi_char_literal", false, "(string)context.Variables['updatedRetryEpoch']"),
    ("err_unterminated_string", false, "\"abc + x"),
    ("err_missing_operand", false, "a + "),
    ("err_two_expressions", false, "a b"),
    ("err_missing_semicolon", true, "var x = 1\nreturn x;"),
    ("err_unclosed_block", true, "if (a) { return 1;"),
    ("err_bad_escape", false, "\"a\\qb\""),
    ("err_unexpected_character", false, "a # b"),
    ("err_missing_colon", false, "a ? b"),
    ("err_too_deep", false, "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"),
    ("err_stray_brace", true, "return 1; }"),
];

/// Renders an error like a compiler would: code, message, the line with a caret, help.
fn render(code: &str, e: &ExprError) -> String {
    let start = e.span.start as usize;
    let line_start = code[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = code[start..].find('\n').map_or(code.len(), |i| start + i);
    let col = code[line_start..start].chars().count();
    let width = code[start..(e.span.end as usize).min(line_end)]
        .chars()
        .count()
        .max(1);
    let mut out = format!(
        "error[{}]: {}\n  | {}\n  | ",
        e.code,
        e.message,
        &code[line_start..line_end]
    );
    out.push_str(&" ".repeat(col));
    out.push_str(&"^".repeat(width));
    out.push_str(&format!(" {}\n", e.label));
    if let Some(h) = &e.help {
        out.push_str(&format!("help: {h}\n"));
    }
    out
}

#[test]
fn error_messages() {
    for (name, is_block, code) in ERRORS {
        let e = if *is_block {
            parse_block(code, &Limits::default()).map(|_| ())
        } else {
            parse_expression(code, &Limits::default()).map(|_| ())
        }
        .expect_err(code);
        super::check_span(code, &e);
        insta::assert_snapshot!(*name, render(code, &e), code);
    }
}
