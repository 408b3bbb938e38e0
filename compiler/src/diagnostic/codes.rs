//! The diagnostics catalogue: every code the compiler emits, with a wrong example and the fix.

use super::Severity;

/// One diagnostic code, as documented in `docs/diagnostics.md`.
#[derive(Clone, Copy, Debug)]
pub struct CodeDoc {
    /// The code without the `gatehouse::` prefix, e.g. `unknown-policy` or `syntax::too-deep`.
    pub code: &'static str,
    /// The severity it is reported with.
    pub severity: Severity,
    /// The severity `gatehouse build` gives it: an error where the gateway could not run
    /// what it points at as APIM would.
    pub build: Severity,
    /// One line saying what it means.
    pub summary: &'static str,
    /// A short document (or snippet) that triggers it.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

const fn error(
    code: &'static str,
    summary: &'static str,
    example: &'static str,
    fix: &'static str,
) -> CodeDoc {
    CodeDoc {
        code,
        severity: Severity::Error,
        build: Severity::Error,
        summary,
        example,
        fix,
    }
}

const fn warning(
    code: &'static str,
    summary: &'static str,
    example: &'static str,
    fix: &'static str,
) -> CodeDoc {
    CodeDoc {
        severity: Severity::Warning,
        build: Severity::Warning,
        ..error(code, summary, example, fix)
    }
}

/// A warning for `check` that `build` refuses: the gateway could not run it faithfully.
const fn build_error(
    code: &'static str,
    summary: &'static str,
    example: &'static str,
    fix: &'static str,
) -> CodeDoc {
    CodeDoc {
        build: Severity::Error,
        ..warning(code, summary, example, fix)
    }
}

/// Every code the compiler emits, grouped by stage.
pub const CODES: &[CodeDoc] = &[
    // Reading the file: markup.
    error("syntax::invalid-utf8", "the file is not valid UTF-8", "(a file saved as Latin-1 with `é` in it)", "Save the file as UTF-8."),
    error("syntax::too-large", "the file exceeds the document size limit", "(a multi-megabyte policy file)", "Split the policy, e.g. into fragments, or raise the limit."),
    error("syntax::too-deep", "elements or expressions are nested deeper than the limit", "<a><a><a>... (thousands deep)", "Flatten the nesting, or raise the limit."),
    error("syntax::unsupported-declaration", "a DOCTYPE or other declaration APIM does not accept", "<!DOCTYPE policies>", "Remove the declaration."),
    error("syntax::expected-name", "an element or attribute name is missing", "< inbound>", "Write the name right after `<` (or `</`)."),
    error("syntax::expected-attribute", "something other than an attribute inside a start tag", "<set-header name=\"a\" ! />", "Remove the stray characters."),
    error("syntax::expected-equals", "an attribute name is not followed by `=`", "<set-header name \"a\" />", "Write `name=\"value\"`."),
    error("syntax::missing-space", "two attributes are not separated by whitespace", "<set-header name=\"a\"exists-action=\"skip\" />", "Put a space between attributes."),
    error("syntax::unquoted-attribute", "an attribute value without quotes", "<set-header name=a />", "Quote the value: `name=\"a\"`."),
    error("syntax::duplicate-attribute", "an attribute appears twice on one element", "<set-header name=\"a\" name=\"b\" />", "Keep one of them."),
    error("syntax::unclosed-tag", "a start or end tag is not closed with `>`", "<inbound", "Close the tag with `>` or `/>`."),
    error("syntax::unclosed-element", "an element has no end tag", "<choose><when condition=\"@(true)\"></choose>", "Add the missing end tag."),
    error("syntax::unexpected-end-tag", "an end tag with no matching start tag", "<inbound></outbound>", "Remove it, or fix the name to match its start tag."),
    error("syntax::unclosed-construct", "a comment, CDATA section or processing instruction is not closed", "<!-- note", "Close it (`-->`, `]]>`, `?>`)."),
    error("syntax::text-outside-root", "text before or after the root element", "<policies/> trailing", "Remove the text, or put it in a comment."),
    error("syntax::multiple-roots", "more than one root element", "<policies/><policies/>", "Keep a single root element."),
    error("syntax::unknown-entity", "an entity reference XML does not define", "<value>&nbsp;</value>", "Use `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` or a character reference."),
    error("syntax::bare-ampersand", "a `&` in text that does not start an entity", "<value>a & b</value>", "Write `&amp;`."),
    error("syntax::raw-less-than", "a `<` inside an attribute value outside an expression", "<set-variable name=\"a\" value=\"1<2\" />", "Write `&lt;`, or use an expression."),
    error("syntax::text-after-expression", "literal text next to a policy expression in one value", "<value>@(1) ms</value>", "Make the whole value one expression, e.g. `@(1 + \" ms\")`."),
    // Reading the file: policy expressions.
    error("syntax::unclosed-expression", "a policy expression `@(`/`@{` is not closed", "<value>@(context.RequestId</value>", "Add the closing bracket."),
    error("syntax::mismatched-bracket", "a closing bracket does not match the open one", "<value>@(x[1)</value>", "Balance the brackets."),
    error("syntax::unterminated-literal", "a string or char literal in an expression is not closed", "<value>@(\"abc)</value>", "Close the literal."),
    error("syntax::unterminated-string", "a C# string literal is not closed", "@(\"abc)", "Close the string."),
    error("syntax::unterminated-comment", "a C# `/* */` comment is not closed", "@{ /* note }", "Close the comment with `*/`."),
    error("syntax::invalid-char-literal", "a char literal holds more or less than one character", "@(x == 'abc')", "Use a string literal `\"abc\"`."),
    error("syntax::invalid-escape", "an unknown escape sequence in a C# literal", "@(\"a\\qb\")", "Use a valid escape (`\\n`, `\\\"`, `\\\\`, ...) or a verbatim string `@\"...\"`."),
    error("syntax::invalid-number", "a malformed numeric literal", "@(1.2.3)", "Fix the number."),
    error("syntax::unexpected-character", "a character that C# does not allow here", "@(a # b)", "Remove the character."),
    error("syntax::unexpected-token", "the expression does not parse at this token", "@(F(1, 2)", "Fix the expression as the message says."),
    // The document against the catalogue.
    error("missing-root", "the file has no root element", "<!-- only a comment -->", "Write a `<policies>` document (or a `<fragment>`)."),
    error("unknown-root", "the root is neither `<policies>` nor `<fragment>`", "<inbound>...</inbound>", "Wrap the sections in `<policies>`."),
    error("unknown-section", "an element of `<policies>` that is not a section", "<policies><inbund/></policies>", "Use `<inbound>`, `<backend>`, `<outbound>` or `<on-error>`."),
    error("duplicate-section", "a section appears twice", "<policies><inbound/><inbound/></policies>", "Merge the two sections."),
    error("unknown-policy", "an element that is not an APIM policy", "<set-heder name=\"a\" />", "Fix the name (the help suggests the nearest policy)."),
    error("unknown-element", "a child element the policy does not have", "<set-header name=\"a\"><val>1</val></set-header>", "Fix the name, or remove the element."),
    error("unknown-attribute", "an attribute the element does not have", "<set-header nme=\"a\" />", "Fix the name, or remove the attribute."),
    error("missing-attribute", "a required attribute is missing", "<set-variable value=\"1\" />", "Add the attribute."),
    error("conflicting-attributes", "attributes that exclude each other are both present", "<set-backend-service base-url=\"https://a\" backend-id=\"b\" />", "Keep only one of them."),
    error("unexpected-text", "text where only elements may stand", "<inbound>hello</inbound>", "Remove the text, or put it in a comment."),
    error("unexpected-content", "content inside an element that must be empty", "<base>x</base>", "Write the element as `<name />`."),
    // Placement.
    error("policy-not-allowed-in-section", "the policy is not allowed in this section", "<inbound><forward-request /></inbound>", "Move it to a section the help names."),
    error("policy-not-allowed-in-scope", "the policy is not allowed at this scope (checked when the scope is known)", "<!-- API policy --><inbound><base /><quota calls=\"1\" renewal-period=\"60\" /></inbound>", "Configure it at a scope the help names, e.g. the product."),
    warning("child-order", "child elements are not in the documented order", "<return-response><set-body>x</set-body><set-status code=\"200\" /></return-response>", "Reorder the children as the help shows. (A warning: the order rule comes from the docs and is not known to be enforced by the gateway.)"),
    error("child-count", "a child element appears more often than allowed, or a required one is missing", "<choose><otherwise /><otherwise /></choose>", "Remove the extra element, or add the missing one."),
    error("duplicate-policy", "a once-per-section (or once-per-document) policy is repeated", "<inbound><cors>...</cors><cors>...</cors></inbound>", "Merge them into one. Occurrences in different branches of one `choose` are fine."),
    error("duplicate-base", "`<base/>` twice in one section", "<inbound><base /><base /></inbound>", "Keep one `<base />`."),
    error("misplaced-base", "`<base/>` inside a policy fragment", "<fragment><base /></fragment>", "Remove it: the section that includes the fragment has its own `<base />`."),
    warning("nested-base", "`<base/>` nested inside a policy such as `choose`", "<inbound><choose><when condition=\"@(true)\"><base /></when></choose></inbound>", "Put `<base />` directly in the section."),
    warning("policy-section-undocumented", "a policy in a section the docs do not list, though Microsoft's toolkit emits it there", "<outbound><set-method>GET</set-method></outbound>", "Move it to a documented section; APIM may reject it on deploy."),
    // Values.
    build_error("invalid-attribute-value", "a literal value does not fit the attribute's type, range or allowed values", "<set-header name=\"a\" exists-action=\"overide\" />", "Write a valid value (the help suggests one)."),
    error("expression-not-allowed", "a policy expression where APIM takes only a literal", "<rate-limit calls=\"@(5)\" renewal-period=\"60\" />", "Write a literal value."),
    // Expression types.
    error("expr::unknown-member", "a member that does not exist on the expression's type", "<value>@(context.Request.Header[\"Accept\"])</value>", "Use a member the type has; the help names the closest one."),
    build_error("expr::unsupported-member", "a member APIM allows that gatehouse does not implement yet", "<value>@(\"a\".Normalize())</value>", "Nothing is wrong for APIM; gatehouse cannot evaluate the expression until the member is implemented."),
    build_error("expr::unsupported-type", "a type APIM allows that gatehouse does not implement yet", "<value>@(new XComment(\"a\").ToString())</value>", "Nothing is wrong for APIM; gatehouse cannot evaluate the expression until the type is implemented."),
    error("expr::wrong-argument-count", "a call with a number of arguments no overload takes", "<value>@(context.Request.Headers.GetValueOrDefault(\"a\", \"b\", \"c\"))</value>", "Pass as many arguments as the member takes."),
    error("expr::wrong-argument-type", "an argument whose type cannot convert to the parameter's", "<value>@(context.Variables.ContainsKey(42))</value>", "Pass a value of the parameter's type, converting it first if needed."),
    error("expr::missing-return", "an `@{...}` block with a path that does not return", "<value>@{ if (context.Tracing) { return \"a\"; } }</value>", "End every path with `return` (or `throw`)."),
    error("expr::unassigned-local", "a local read before every path assigns it", "<value>@{ string s; if (context.Tracing) { s = \"a\"; } return s; }</value>", "Assign the local on every path, or initialize it where it is declared."),
    error("expr::type-mismatch", "an expression whose type cannot be what the attribute needs", "<when condition=\"@(context.Request.Method)\">", "Make the expression produce the needed type, e.g. compare with `==`."),
    // Lints.
    warning("missing-base", "a section at workspace, product, API or operation scope has no `<base/>`", "<!-- API policy --><policies><inbound><set-header name=\"a\" exists-action=\"delete\" /></inbound></policies>", "Add `<base />` where the parent policies should run; without it they are dropped."),
    warning("unreachable-policy", "a statement after `return-response` or `mock-response` in the same block", "<inbound><return-response /><set-header name=\"a\" exists-action=\"delete\" /></inbound>", "Remove it, or move it before the policy that ends the pipeline."),
    warning("retry-without-request", "`retry` holds no request to retry", "<retry condition=\"@(true)\" count=\"3\" interval=\"1\"><set-variable name=\"a\" value=\"1\" /></retry>", "Put `forward-request`, `send-request` or `send-one-way-request` inside `retry`."),
    // Building.
    error("internal", "gatehouse could not lower a policy and did not say why: a bug in gatehouse", "(none known)", "Report it with the policy file; `check` shows what gatehouse read."),
    build_error("policy::not-executed", "a policy (or a form of it, or a backend proxy) gatehouse does not execute: a warning for `check`, an error for `build`", "<inbound><quota calls=\"100\" renewal-period=\"3600\" /></inbound>", "Remove the policy or replace it with one gatehouse executes (`docs/diagnostics.md` lists them: base, choose, include-fragment, set-header, set-query-parameter, rewrite-uri, set-method, set-status, set-variable, set-body, return-response, mock-response, trace, set-backend-service, forward-request, rate-limit-by-key). `gatehouse build` refuses it so that the gateway never skips a policy silently."),
    // Project loading.
    error("invalid-json", "a project JSON file does not parse", "apiInformation.json: { \"properties\": ", "Fix the JSON."),
    error("invalid-yaml", "a project YAML file does not parse", "specification.yaml: `paths: [`", "Fix the YAML."),
    error("missing-field", "a required field of a project file is missing", "backendInformation.json without `url`", "Add the field."),
    error("invalid-field", "a field of a project file has the wrong type or value", "`\"protocols\": \"https\"` where a list is expected", "Fix the value."),
    error("unknown-operation", "an operation folder matches no operation of its API", "apis/orders/operations/get-order-typo/policy.xml", "Rename the folder after an operation of the API."),
    error("unknown-pool-member", "a backend pool names a backend that is not declared", "pool `services` listing `orders-eu2`", "Declare the backend, or fix the name."),
    error("nested-pool", "a backend pool contains another pool", "pool `all` listing pool `eu`", "List plain backends in the pool."),
    warning("multiple-breaker-rules", "a circuit breaker has more than one rule", "`circuitBreaker.rules` with two entries", "Keep one rule (APIM supports one)."),
    error("invalid-spec", "an API specification is not OpenAPI 2/3, has an unresolvable `$ref`, or declares an operation twice", "`paths./orders.get.$ref: '#/nope'`", "Fix the specification."),
    error("unknown-api", "a product or subscription names an API that is not declared", "`products/starter/apis/order/` with no `apis/order/`", "Fix the name, or declare the API."),
    error("unknown-product", "a subscription is scoped to a product that is not declared", "`\"scope\": \"/products/startr\"`", "Fix the name, or declare the product."),
    error("missing-file", "a project folder lacks its information file", "`backends/orders/` without `backendInformation.json`", "Add the file, or remove the folder."),
    error("unreadable-file", "a project file cannot be read", "`apis/orders/apiInformation.json` that is a folder", "Make it a readable file."),
    error("invalid-utf8", "a project file is not UTF-8", "`apiInformation.json` saved as UTF-16", "Save it as UTF-8."),
    error("duplicate-named-value", "two named values share a name", "named values `api-key` and `Api-Key`", "Rename or remove one."),
    // References.
    error("unknown-backend", "`backend-id` names no declared backend", "<set-backend-service backend-id=\"orders-eu2\" />", "Declare the backend, or fix the name."),
    error("unknown-named-value", "`{{name}}` names no declared named value", "<value>{{api-kee}}</value>", "Declare the named value, or fix the name."),
    error("unknown-fragment", "`include-fragment` names no declared fragment", "<include-fragment fragment-id=\"auth-typo\" />", "Declare the fragment, or fix the name."),
    warning("unset-variable", "a variable is read but never set", "@((string)context.Variables[\"tenant\"])", "Set it with `set-variable` first, or use `GetValueOrDefault`."),
    error("base-url-overrides-backend-id", "`base-url` overrides a `backend-id` inherited through `<base/>`", "<inbound><base /><set-backend-service base-url=\"https://a\" /></inbound>", "Use another `backend-id` (APIM allows only that after a parent's `backend-id`)."),
    warning("unused-backend", "a declared backend is never used", "backends/legacy/backendInformation.json, referenced nowhere", "Remove it, or reference it."),
    warning("self-referencing-backend", "a backend URL points at the gateway itself", "a backend `url` on the gateway's own host", "Point the backend at the real service; calls would loop through the gateway."),
    error("nested-fragment", "a fragment includes another fragment", "<fragment><include-fragment fragment-id=\"x\" /></fragment>", "Inline the other fragment's policies."),
];

/// The entry for `code`, written with or without the `gatehouse::` prefix.
pub fn lookup(code: &str) -> Option<&'static CodeDoc> {
    let short = code.strip_prefix("gatehouse::").unwrap_or(code);
    CODES.iter().find(|c| c.code == short)
}

/// The HTML anchor of `code` in `docs/diagnostics.md`, e.g. `syntax-too-deep`.
pub fn anchor(code: &str) -> String {
    code.strip_prefix("gatehouse::")
        .unwrap_or(code)
        .replace("::", "-")
}

#[cfg(test)]
mod tests {
    use super::{anchor, lookup, CODES};

    #[test]
    fn codes_are_unique_and_found() {
        for (i, c) in CODES.iter().enumerate() {
            assert!(
                CODES[..i].iter().all(|d| d.code != c.code),
                "{} twice",
                c.code
            );
        }
        assert!(lookup("gatehouse::missing-base").is_some());
        assert_eq!(anchor("gatehouse::syntax::too-deep"), "syntax-too-deep");
    }
}
