//! Unit tests of inference and of each expression diagnostic.

use super::*;
use gatehouse_grammar::expr::{parse_block, parse_expression};
use gatehouse_grammar::Limits;

fn expr(code: &str) -> Checked {
    let e = parse_expression(code, &Limits::default()).expect("parses");
    check_expression(&e)
}

fn block(code: &str) -> Checked {
    let b = parse_block(code, &Limits::default()).expect("parses");
    check_block(&b)
}

fn codes(c: &Checked) -> Vec<&'static str> {
    c.findings.iter().map(|f| f.code).collect()
}

fn ty(code: &str) -> String {
    expr(code).ty.map(|t| t.display()).unwrap_or_default()
}

#[test]
fn infers_context_members() {
    assert_eq!(ty("context.Request.Method"), "string");
    assert_eq!(ty("context.Response.StatusCode"), "int");
    assert_eq!(
        ty("context.Request.Headers.GetValueOrDefault(\"a\", \"\")"),
        "string"
    );
    assert_eq!(
        ty("context.Variables.GetValueOrDefault<int>(\"n\", 0)"),
        "int"
    );
    assert_eq!(ty("context.Request.Body.As<JObject>()"), "JObject");
    assert_eq!(
        ty("context.Request.Url.Query"),
        "IReadOnlyDictionary<string, string[]>"
    );
}

#[test]
fn infers_linq_and_lambdas() {
    assert_eq!(
        ty("new List<string>().Where(s => s.Length > 1).ToList()"),
        "List<string>"
    );
    assert_eq!(
        ty("new[] { 1, 2 }.Select(i => i.ToString()).First()"),
        "string"
    );
    assert_eq!(ty("\"a,b\".Split(',').Length"), "int");
    assert_eq!(ty("$\"{1}\""), "string");
    assert_eq!(
        ty("new List<string>().Select(x => { return x.Length; }).First()"),
        "int"
    );
    assert_eq!(ty("(string)context.Variables[\"x\"]"), "string");
    assert_eq!(ty("context.Timestamp - DateTime.UtcNow"), "TimeSpan");
}

#[test]
fn locals_patterns_and_anonymous_types() {
    let c = block("var o = new { Name = \"a\" }; if (context.Variables[\"x\"] is string s) { return s.Length + o.Name.Length; } return 0;");
    assert!(c.findings.is_empty(), "{:?}", c.findings);
    assert_eq!(c.ty, Some(Ty::named("int")));
    let c = block("var o = new { Name = \"a\" }; return o.Nmae;");
    assert_eq!(codes(&c), ["expr::unknown-member"]);
}

#[test]
fn unknown_member_suggests_the_closest_name() {
    let c = expr("context.Request.Header.GetValueOrDefault(\"a\")");
    assert_eq!(codes(&c), ["expr::unknown-member"]);
    assert_eq!(
        c.findings[0].help.as_deref(),
        Some("did you mean `Headers`?")
    );
    let c = expr("context.Variable[\"a\"]");
    assert_eq!(
        c.findings[0].help.as_deref(),
        Some("did you mean `Variables`?")
    );
    assert_eq!(codes(&expr("\"a\".ToUpperr()")), ["expr::unknown-member"]);
    assert_eq!(codes(&expr("Math.Sqr(2)")), ["expr::unknown-member"]);
}

#[test]
fn real_dotnet_members_outside_the_table_are_unsupported() {
    let c = expr("\"a\".Normalize()");
    assert_eq!(codes(&c), ["expr::unsupported-member"]);
    assert_eq!(c.findings[0].severity, Severity::Warning);
    assert_eq!(
        codes(&expr("context.Api.SubscriptionKeyParameterNames")),
        ["expr::unsupported-member"]
    );
    assert_eq!(
        codes(&expr("new XComment(\"a\")")),
        ["expr::unsupported-type"]
    );
}

#[test]
fn argument_count_and_type_on_the_context_model() {
    let c = expr("context.Request.Headers.GetValueOrDefault(\"a\", \"b\", \"c\")");
    assert_eq!(codes(&c), ["expr::wrong-argument-count"]);
    let c = expr("context.Variables.ContainsKey(42)");
    assert_eq!(codes(&c), ["expr::wrong-argument-type"]);
    assert!(expr("context.Variables.ContainsKey(\"a\")")
        .findings
        .is_empty());
}

#[test]
fn blocks_must_return_on_every_path() {
    let c = block("if (context.Variables.ContainsKey(\"a\")) { return 1; }");
    assert_eq!(codes(&c), ["expr::missing-return"]);
    assert!(
        block("if (true) { return 1; } else { throw new Exception(); }")
            .findings
            .is_empty()
    );
    assert!(block("while (true) { return 1; }").findings.is_empty());
    assert!(block("if (true) return 1;").findings.is_empty());
    assert!(
        block("while (true) { if (context.Tracing) { break; } } return 1;")
            .findings
            .is_empty()
    );
    let c = block("while (true) { if (context.Tracing) { break; } }");
    assert_eq!(codes(&c), ["expr::missing-return"]);
    assert!(block("switch (1) { case 1: return 1; default: return 2; }")
        .findings
        .is_empty());
    assert!(block("try { return 1; } catch (Exception) { return 2; }")
        .findings
        .is_empty());
}

#[test]
fn locals_must_be_assigned_before_use() {
    let c = block("string s; if (context.Tracing) { s = \"a\"; } return s;");
    assert_eq!(codes(&c), ["expr::unassigned-local"]);
    assert!(
        block("string s; if (context.Tracing) { s = \"a\"; } else { s = \"b\"; } return s;")
            .findings
            .is_empty()
    );
    assert!(block(
        "string s; if (!context.Tracing) { return \"\"; } else { s = \"b\"; } return s;"
    )
    .findings
    .is_empty());
    assert!(
        block("int n; if (int.TryParse(\"1\", out n)) { return n; } return 0;")
            .findings
            .is_empty()
    );
    assert!(block("string s; s = \"a\"; return s;").findings.is_empty());
    assert!(block("int x; while (true) { x = 1; break; } return x;")
        .findings
        .is_empty());
    assert!(block("int x; if (true) { x = 1; } return x;")
        .findings
        .is_empty());
    let c = block("int x; foreach (var h in context.Request.Headers) { x = 1; } return x;");
    assert_eq!(codes(&c), ["expr::unassigned-local"]);
}

#[test]
fn nullable_casts_and_patterns() {
    assert_eq!(ty("context.Request.Body?.As<string>()"), "string");
    assert_eq!(ty("context.Response?.StatusCode"), "int?");
    assert_eq!(ty("context.Variables[\"a\"] as JObject"), "JObject");
    assert_eq!(
        ty("(context.Variables[\"a\"] as string)?.Length ?? 0"),
        "int"
    );
    let c = block("var t = JToken.Parse(\"{}\"); if (t is JObject o) { return o.Properties().Count(); } return 0;");
    assert!(c.findings.is_empty(), "{:?}", c.findings);
    assert_eq!(
        codes(&expr("JObject.Parse(\"{}\").Propertys()")),
        ["expr::unknown-member"]
    );
}

#[test]
fn unknown_values_stay_silent() {
    assert!(expr("context.Variables[\"a\"].Whatever")
        .findings
        .is_empty());
    assert!(expr("x.Foo(y => y.Bar)").findings.is_empty());
    assert!(
        expr("Regex.Matches(\"a\", \"b\").Cast<Match>().Select(m => m.Value)")
            .findings
            .is_empty()
    );
}

/// Valid C# of the kind policies use: nothing may be reported as an error.
const VALID: &[&str] = &[
    r#"context.Request.Body.As<JObject>(preserveContent: true)["items"].Select(i => (string)i["id"]).ToList()"#,
    r#"string.Join(",", context.Request.Headers.Select(h => h.Key + "=" + string.Join(";", h.Value)))"#,
    r#"context.Variables.ContainsKey("x") ? (string)context.Variables["x"] : "n""#,
    r#"((JObject)context.Variables["body"]).Property("a")?.Value.ToString()"#,
    r#"context.Request.MatchedParameters["id"].ToUpper()"#,
    r#"context.Request.OriginalUrl.Path.Trim('/').Split('/').Last()"#,
    r#"int.Parse(context.Request.Headers.GetValueOrDefault("X", "0")) + 1"#,
    r#"DateTime.UtcNow.AddMinutes(5).ToString("o")"#,
    r#"new JObject(new JProperty("a", 1)).ToString(Newtonsoft.Json.Formatting.None)"#,
    r#"Regex.Replace("abc", "a", m => m.Value.ToUpper())"#,
    r#"(context.Variables["a"] as JArray)?.Count ?? 0"#,
    r#"context.Variables.GetValueOrDefault<JObject>("x")?["a"]?.Value<string>("b")"#,
    r#"Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b"))"#,
    r#"context.Request.Headers["Accept"].Contains("x")"#,
    r#"new List<string> { "a" }.Select(x => { var y = x.Trim(); return y; }).First().Length"#,
    r#"JsonConvert.DeserializeObject<Dictionary<string, string>>("{}")["a"].Length"#,
    r#"context.Request.Headers.ToDictionary(x => x.Key, x => x.Value.First())["a"].Length"#,
    r#"JObject.Parse("{}").SelectTokens("$..id").Select(t => t.ToString()).Count()"#,
    r#"new[] { "a", "b" }.Contains(context.Request.Method)"#,
    r#"context.Request.Headers.GetValueOrDefault("Authorization")?.Split(' ')?[1]"#,
    r#"context.Variables.TryGetValue("x", out var v) ? v.ToString() : """#,
    r#"context.Request.Method switch { "GET" => 1, _ => 2 }"#,
    r#"context.Variables["x"] is string s && s.Length > 0"#,
    r#"context.Request.Url.Query.Select(q => q.Key + "=" + string.Join(",", q.Value)).Any()"#,
    r#"context.Request.Body?.As<JObject>()?.Properties().Select(p => p.Name).ToArray().Length"#,
    r#"System.Text.Encoding.UTF8.GetString(Convert.FromBase64String("YQ=="))"#,
    r#"context.Elapsed.TotalSeconds > 1 && context.Response.StatusCode >= 400"#,
    r#"TimeSpan.FromSeconds(30).TotalMilliseconds + Guid.NewGuid().ToString("N").Length"#,
    r#"new { a = 1, context.Request.Method }.Method.ToLower()"#,
    r#"context.Request.Headers.Where(h => h.Key.StartsWith("X-")).Select(h => h.Value.Length).Sum()"#,
    r#"JArray.Parse("[]").OfType<JObject>().Select(o => o["a"]).FirstOrDefault()?.Type"#,
    r#"Math.Round(2.5, 0, MidpointRounding.AwayFromZero).ToString()"#,
    r#"context.Request.Url.Host.Contains("contoso", StringComparison.OrdinalIgnoreCase)"#,
];

#[test]
fn valid_expressions_get_no_errors() {
    for code in VALID {
        let c = expr(code);
        let errors: Vec<_> = c
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{code}: {errors:?}");
    }
    let c = block("foreach (var h in context.Request.Headers) { if (h.Key.StartsWith(\"X-\")) { return h.Value.FirstOrDefault(); } } var d = new Dictionary<string, object> { { \"a\", 1 } }; return JsonConvert.SerializeObject(d);");
    assert!(c.findings.is_empty(), "{:?}", c.findings);
}
