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

/// A code reported with `severity` by `check` and `build` by the build.
const fn entry(
    severity: Severity,
    build: Severity,
    [code, summary, example, fix]: [&'static str; 4],
) -> CodeDoc {
    CodeDoc {
        code,
        severity,
        build,
        summary,
        example,
        fix,
    }
}

/// An error for `check` and `build`.
const fn error(
    code: &'static str,
    summary: &'static str,
    example: &'static str,
    fix: &'static str,
) -> CodeDoc {
    entry(
        Severity::Error,
        Severity::Error,
        [code, summary, example, fix],
    )
}

/// A warning for `check` and `build`.
const fn warning(
    code: &'static str,
    summary: &'static str,
    example: &'static str,
    fix: &'static str,
) -> CodeDoc {
    entry(
        Severity::Warning,
        Severity::Warning,
        [code, summary, example, fix],
    )
}

/// A warning for `check` that `build` refuses: the gateway could not run it faithfully.
const fn build_error(
    code: &'static str,
    summary: &'static str,
    example: &'static str,
    fix: &'static str,
) -> CodeDoc {
    entry(
        Severity::Warning,
        Severity::Error,
        [code, summary, example, fix],
    )
}

/// Declares every code once: a constant per code for the call sites, and [`CODES`].
macro_rules! codes {
    ($( $name:ident = $ctor:ident($code:literal, $($rest:tt)*) ),* $(,)?) => {
        $(
            #[doc = concat!("`gatehouse::", $code, "`")]
            pub const $name: &str = $code;
        )*
        /// Every code the compiler emits, grouped by stage.
        pub const CODES: &[CodeDoc] = &[$($ctor($code, $($rest)*)),*];
    };
}

codes! {
    // Reading the file: markup.
    SYNTAX_INVALID_UTF8 = error("syntax::invalid-utf8", "the file is not valid UTF-8", "(a file saved as Latin-1 with `é` in it)", "Save the file as UTF-8."),
    SYNTAX_TOO_LARGE = error("syntax::too-large", "the file exceeds the document size limit", "(a multi-megabyte policy file)", "Split the policy, e.g. into fragments, or raise the limit."),
    SYNTAX_TOO_DEEP = error("syntax::too-deep", "elements or expressions are nested deeper than the limit", "<a><a><a>... (thousands deep)", "Flatten the nesting, or raise the limit."),
    SYNTAX_UNSUPPORTED_DECLARATION = error("syntax::unsupported-declaration", "a DOCTYPE or other declaration APIM does not accept", "<!DOCTYPE policies>", "Remove the declaration."),
    SYNTAX_EXPECTED_NAME = error("syntax::expected-name", "an element or attribute name is missing", "< inbound>", "Write the name right after `<` (or `</`)."),
    SYNTAX_EXPECTED_ATTRIBUTE = error("syntax::expected-attribute", "something other than an attribute inside a start tag", "<set-header name=\"a\" ! />", "Remove the stray characters."),
    SYNTAX_EXPECTED_EQUALS = error("syntax::expected-equals", "an attribute name is not followed by `=`", "<set-header name \"a\" />", "Write `name=\"value\"`."),
    SYNTAX_MISSING_SPACE = error("syntax::missing-space", "two attributes are not separated by whitespace", "<set-header name=\"a\"exists-action=\"skip\" />", "Put a space between attributes."),
    SYNTAX_UNQUOTED_ATTRIBUTE = error("syntax::unquoted-attribute", "an attribute value without quotes", "<set-header name=a />", "Quote the value: `name=\"a\"`."),
    SYNTAX_DUPLICATE_ATTRIBUTE = error("syntax::duplicate-attribute", "an attribute appears twice on one element", "<set-header name=\"a\" name=\"b\" />", "Keep one of them."),
    SYNTAX_UNCLOSED_TAG = error("syntax::unclosed-tag", "a start or end tag is not closed with `>`", "<inbound", "Close the tag with `>` or `/>`."),
    SYNTAX_UNCLOSED_ELEMENT = error("syntax::unclosed-element", "an element has no end tag", "<choose><when condition=\"@(true)\"></choose>", "Add the missing end tag."),
    SYNTAX_UNEXPECTED_END_TAG = error("syntax::unexpected-end-tag", "an end tag with no matching start tag", "<inbound></outbound>", "Remove it, or fix the name to match its start tag."),
    SYNTAX_UNCLOSED_CONSTRUCT = error("syntax::unclosed-construct", "a comment, CDATA section or processing instruction is not closed", "<!-- note", "Close it (`-->`, `]]>`, `?>`)."),
    SYNTAX_TEXT_OUTSIDE_ROOT = error("syntax::text-outside-root", "text before or after the root element", "<policies/> trailing", "Remove the text, or put it in a comment."),
    SYNTAX_MULTIPLE_ROOTS = error("syntax::multiple-roots", "more than one root element", "<policies/><policies/>", "Keep a single root element."),
    SYNTAX_UNKNOWN_ENTITY = error("syntax::unknown-entity", "an entity reference XML does not define", "<value>&nbsp;</value>", "Use `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` or a character reference."),
    SYNTAX_BARE_AMPERSAND = error("syntax::bare-ampersand", "a `&` in text that does not start an entity", "<value>a & b</value>", "Write `&amp;`."),
    SYNTAX_RAW_LESS_THAN = error("syntax::raw-less-than", "a `<` inside an attribute value outside an expression", "<set-variable name=\"a\" value=\"1<2\" />", "Write `&lt;`, or use an expression."),
    SYNTAX_TEXT_AFTER_EXPRESSION = error("syntax::text-after-expression", "literal text next to a policy expression in one value", "<value>@(1) ms</value>", "Make the whole value one expression, e.g. `@(1 + \" ms\")`."),
    // Reading the file: policy expressions.
    SYNTAX_UNCLOSED_EXPRESSION = error("syntax::unclosed-expression", "a policy expression `@(`/`@{` is not closed", "<value>@(context.RequestId</value>", "Add the closing bracket."),
    SYNTAX_MISMATCHED_BRACKET = error("syntax::mismatched-bracket", "a closing bracket does not match the open one", "<value>@(x[1)</value>", "Balance the brackets."),
    SYNTAX_UNTERMINATED_LITERAL = error("syntax::unterminated-literal", "a string or char literal in an expression is not closed", "<value>@(\"abc)</value>", "Close the literal."),
    SYNTAX_UNTERMINATED_STRING = error("syntax::unterminated-string", "a C# string literal is not closed", "@(\"abc)", "Close the string."),
    SYNTAX_UNTERMINATED_COMMENT = error("syntax::unterminated-comment", "a C# `/* */` comment is not closed", "@{ /* note }", "Close the comment with `*/`."),
    SYNTAX_INVALID_CHAR_LITERAL = error("syntax::invalid-char-literal", "a char literal holds more or less than one character", "@(x == 'abc')", "Use a string literal `\"abc\"`."),
    SYNTAX_INVALID_ESCAPE = error("syntax::invalid-escape", "an unknown escape sequence in a C# literal", "@(\"a\\qb\")", "Use a valid escape (`\\n`, `\\\"`, `\\\\`, ...) or a verbatim string `@\"...\"`."),
    SYNTAX_INVALID_NUMBER = error("syntax::invalid-number", "a malformed numeric literal", "@(1.2.3)", "Fix the number."),
    SYNTAX_UNEXPECTED_CHARACTER = error("syntax::unexpected-character", "a character that C# does not allow here", "@(a # b)", "Remove the character."),
    SYNTAX_UNEXPECTED_TOKEN = error("syntax::unexpected-token", "the expression does not parse at this token", "@(F(1, 2)", "Fix the expression as the message says."),
    // The document against the catalogue.
    MISSING_ROOT = error("missing-root", "the file has no root element", "<!-- only a comment -->", "Write a `<policies>` document (or a `<fragment>`)."),
    SNIPPET = error("snippet", "the root is a single policy: the file is a snippet, not a policy document", "<set-header name=\"a\" exists-action=\"delete\" />", "Check it as a snippet with `gatehouse check --snippet SECTION FILE`, or wrap it in `<policies>` and a section."),
    UNKNOWN_ROOT = error("unknown-root", "the root is neither `<policies>` nor `<fragment>`", "<inbound>...</inbound>", "Wrap the sections in `<policies>`."),
    UNKNOWN_SECTION = error("unknown-section", "an element of `<policies>` that is not a section", "<policies><inbund/></policies>", "Use `<inbound>`, `<backend>`, `<outbound>` or `<on-error>`."),
    DUPLICATE_SECTION = error("duplicate-section", "a section appears twice", "<policies><inbound/><inbound/></policies>", "Merge the two sections."),
    UNKNOWN_POLICY = error("unknown-policy", "an element that is not an APIM policy", "<set-heder name=\"a\" />", "Fix the name (the help suggests the nearest policy)."),
    UNKNOWN_ELEMENT = error("unknown-element", "a child element the policy does not have", "<set-header name=\"a\"><val>1</val></set-header>", "Fix the name, or remove the element."),
    UNKNOWN_ATTRIBUTE = error("unknown-attribute", "an attribute the element does not have", "<set-header nme=\"a\" />", "Fix the name, or remove the attribute."),
    MISSING_ATTRIBUTE = error("missing-attribute", "a required attribute is missing", "<set-variable value=\"1\" />", "Add the attribute."),
    CONFLICTING_ATTRIBUTES = error("conflicting-attributes", "attributes that exclude each other are both present", "<set-backend-service base-url=\"https://a\" backend-id=\"b\" />", "Keep only one of them."),
    UNEXPECTED_TEXT = error("unexpected-text", "text where only elements may stand", "<inbound>hello</inbound>", "Remove the text, or put it in a comment."),
    UNEXPECTED_CONTENT = error("unexpected-content", "content inside an element that must be empty", "<base>x</base>", "Write the element as `<name />`."),
    // Placement.
    POLICY_NOT_ALLOWED_IN_SECTION = error("policy-not-allowed-in-section", "the policy is not allowed in this section", "<inbound><forward-request /></inbound>", "Move it to a section the help names."),
    POLICY_NOT_ALLOWED_IN_SCOPE = error("policy-not-allowed-in-scope", "the policy is not allowed at this scope (checked when the scope is known)", "<!-- API policy --><inbound><base /><quota calls=\"1\" renewal-period=\"60\" /></inbound>", "Configure it at a scope the help names, e.g. the product."),
    CHILD_ORDER = warning("child-order", "child elements are not in the documented order", "<return-response><set-body>x</set-body><set-status code=\"200\" /></return-response>", "Reorder the children as the help shows. (A warning: the order rule comes from the docs and is not known to be enforced by the gateway.)"),
    CHILD_COUNT = error("child-count", "a child element appears more often than allowed, or a required one is missing", "<choose><otherwise /><otherwise /></choose>", "Remove the extra element, or add the missing one."),
    DUPLICATE_POLICY = error("duplicate-policy", "a once-per-section (or once-per-document) policy is repeated", "<inbound><cors>...</cors><cors>...</cors></inbound>", "Merge them into one. Occurrences in different branches of one `choose` are fine."),
    DUPLICATE_BASE = error("duplicate-base", "`<base/>` twice in one section", "<inbound><base /><base /></inbound>", "Keep one `<base />`."),
    MISPLACED_BASE = error("misplaced-base", "`<base/>` inside a policy fragment", "<fragment><base /></fragment>", "Remove it: the section that includes the fragment has its own `<base />`."),
    NESTED_BASE = warning("nested-base", "`<base/>` nested inside a policy such as `choose`", "<inbound><choose><when condition=\"@(true)\"><base /></when></choose></inbound>", "Put `<base />` directly in the section."),
    POLICY_SECTION_UNDOCUMENTED = warning("policy-section-undocumented", "a policy in a section the docs do not list, though Microsoft's toolkit emits it there", "<outbound><set-method>GET</set-method></outbound>", "Move it to a documented section; APIM may reject it on deploy."),
    // Values.
    INVALID_ATTRIBUTE_VALUE = build_error("invalid-attribute-value", "a literal value does not fit the attribute's type, range or allowed values", "<set-header name=\"a\" exists-action=\"overide\" />", "Write a valid value (the help suggests one)."),
    EXPRESSION_NOT_ALLOWED = error("expression-not-allowed", "a policy expression where APIM takes only a literal", "<rate-limit calls=\"@(5)\" renewal-period=\"60\" />", "Write a literal value."),
    // Expression types.
    EXPR_UNKNOWN_MEMBER = error("expr::unknown-member", "a member that does not exist on the expression's type", "<value>@(context.Request.Header[\"Accept\"])</value>", "Use a member the type has; the help names the closest one."),
    EXPR_UNSUPPORTED_MEMBER = build_error("expr::unsupported-member", "a member APIM allows that gatehouse does not implement yet", "<value>@(\"a\".Normalize())</value>", "Nothing is wrong for APIM; gatehouse cannot evaluate the expression until the member is implemented."),
    EXPR_UNSUPPORTED_TYPE = build_error("expr::unsupported-type", "a type APIM allows that gatehouse does not implement yet", "<value>@(new XComment(\"a\").ToString())</value>", "Nothing is wrong for APIM; gatehouse cannot evaluate the expression until the type is implemented."),
    EXPR_WRONG_ARGUMENT_COUNT = error("expr::wrong-argument-count", "a call with a number of arguments no overload takes", "<value>@(context.Request.Headers.GetValueOrDefault(\"a\", \"b\", \"c\"))</value>", "Pass as many arguments as the member takes."),
    EXPR_WRONG_ARGUMENT_TYPE = error("expr::wrong-argument-type", "an argument whose type cannot convert to the parameter's", "<value>@(context.Variables.ContainsKey(42))</value>", "Pass a value of the parameter's type, converting it first if needed."),
    EXPR_MISSING_RETURN = error("expr::missing-return", "an `@{...}` block with a path that does not return", "<value>@{ if (context.Tracing) { return \"a\"; } }</value>", "End every path with `return` (or `throw`)."),
    EXPR_UNASSIGNED_LOCAL = error("expr::unassigned-local", "a local read before every path assigns it", "<value>@{ string s; if (context.Tracing) { s = \"a\"; } return s; }</value>", "Assign the local on every path, or initialize it where it is declared."),
    EXPR_TYPE_MISMATCH = error("expr::type-mismatch", "an expression whose type cannot be what the attribute needs", "<when condition=\"@(context.Request.Method)\">", "Make the expression produce the needed type, e.g. compare with `==`."),
    // Lints.
    MISSING_BASE = warning("missing-base", "a section at workspace, product, API or operation scope has no `<base/>`", "<!-- API policy --><policies><inbound><set-header name=\"a\" exists-action=\"delete\" /></inbound></policies>", "Add `<base />` where the parent policies should run; without it they are dropped."),
    UNREACHABLE_POLICY = warning("unreachable-policy", "a statement after `return-response` or `mock-response` in the same block", "<inbound><return-response /><set-header name=\"a\" exists-action=\"delete\" /></inbound>", "Remove it, or move it before the policy that ends the pipeline."),
    RETRY_WITHOUT_REQUEST = warning("retry-without-request", "`retry` holds no request to retry", "<retry condition=\"@(true)\" count=\"3\" interval=\"1\"><set-variable name=\"a\" value=\"1\" /></retry>", "Put `forward-request`, `send-request` or `send-one-way-request` inside `retry`."),
    CORS_ORIGINS = error("cors-origins", "`cors` origins APIM refuses: `*` with other origins or with `allow-credentials=\"true\"`, or an origin that is not `scheme://host[:port]`", "<cors allow-credentials=\"true\"><allowed-origins><origin>*</origin></allowed-origins><allowed-headers><header>*</header></allowed-headers></cors>", "List the origins explicitly when credentials are allowed; write each origin as `https://host[:port]` without a path."),
    // Building.
    INTERNAL = error("internal", "gatehouse could not lower a policy and did not say why: a bug in gatehouse", "(none known)", "Report it with the policy file; `check` shows what gatehouse read."),
    POLICY_NOT_EXECUTED = build_error("policy::not-executed", "a policy (or a form of it, or a backend proxy) gatehouse does not execute: a warning for `check`, an error for `build`", "<outbound><jsonp callback-parameter-name=\"cb\" /></outbound>", "Remove the policy or replace it with one gatehouse executes (`docs/policies.md` marks every policy executed or not). `gatehouse build` refuses it so that the gateway never skips a policy silently."),
    // Project loading.
    INVALID_JSON = error("invalid-json", "a project JSON file does not parse", "apiInformation.json: { \"properties\": ", "Fix the JSON."),
    INVALID_YAML = error("invalid-yaml", "a project YAML file does not parse", "specification.yaml: `paths: [`", "Fix the YAML."),
    MISSING_FIELD = error("missing-field", "a required field of a project file is missing", "backendInformation.json without `url`", "Add the field."),
    INVALID_FIELD = error("invalid-field", "a field of a project file has the wrong type or value", "`\"protocols\": \"https\"` where a list is expected", "Fix the value."),
    UNSERVED_API_TYPE = build_error("project::unserved-api-type", "an API of a type gatehouse does not serve: a synthetic GraphQL API (with resolvers)", "apis/library/resolvers/Query-books/", "Serve the GraphQL schema from a GraphQL server and make the API a pass-through to it (`serviceUrl`)."),
    NOT_ON_HANDSHAKE = error("policy::not-on-handshake", "a policy APIM does not allow in a WebSocket API's onHandshake operation", "<set-body>hello</set-body> in apis/chat/operations/onHandshake/policy.xml", "Remove the policy; inherited from the global or a product scope it is skipped on handshakes."),
    UNKNOWN_OPERATION = error("unknown-operation", "an operation folder matches no operation of its API", "apis/orders/operations/get-order-typo/policy.xml", "Rename the folder after an operation of the API."),
    UNKNOWN_POOL_MEMBER = error("unknown-pool-member", "a backend pool names a backend that is not declared", "pool `services` listing `orders-eu2`", "Declare the backend, or fix the name."),
    NESTED_POOL = error("nested-pool", "a backend pool contains another pool", "pool `all` listing pool `eu`", "List plain backends in the pool."),
    MULTIPLE_BREAKER_RULES = warning("multiple-breaker-rules", "a circuit breaker has more than one rule", "`circuitBreaker.rules` with two entries", "Keep one rule (APIM supports one)."),
    INVALID_SPEC = error("invalid-spec", "an API specification is not OpenAPI 2/3, has an unresolvable `$ref`, or declares an operation twice", "`paths./orders.get.$ref: '#/nope'`", "Fix the specification."),
    SPEC_SCHEMA_NOT_COMPILED = warning("spec-schema-not-compiled", "a schema of an API specification cannot be compiled for the validation policies", "`pattern: '(?<'` in a request body's schema", "Fix the schema: until then the validation policies answer `ValidationException` for the messages it should check."),
    UNKNOWN_API = error("unknown-api", "a product or subscription names an API that is not declared", "`products/starter/apis/order/` with no `apis/order/`", "Fix the name, or declare the API."),
    UNKNOWN_PRODUCT = error("unknown-product", "a subscription is scoped to a product that is not declared", "`\"scope\": \"/products/startr\"`", "Fix the name, or declare the product."),
    MISSING_FILE = error("missing-file", "a project folder lacks its information file", "`backends/orders/` without `backendInformation.json`", "Add the file, or remove the folder."),
    UNREADABLE_FILE = error("unreadable-file", "a project file cannot be read", "`apis/orders/apiInformation.json` that is a folder", "Make it a readable file."),
    INVALID_UTF8 = error("invalid-utf8", "a project file is not UTF-8", "`apiInformation.json` saved as UTF-16", "Save it as UTF-8."),
    DUPLICATE_NAMED_VALUE = error("duplicate-named-value", "two named values share a name", "named values `api-key` and `Api-Key`", "Rename or remove one."),
    UNKNOWN_VERSION_SET = error("unknown-version-set", "an API's `apiVersionSetId` names no declared version set", "`\"apiVersionSetId\": \"/apiVersionSets/orderz\"`", "Declare the set under `version sets/`, or fix the name."),
    DUPLICATE_API_VERSION = error("duplicate-api-version", "two APIs of one version set claim the same version", "`orders-v2` and `orders-beta` both with `\"apiVersion\": \"v2\"`", "Give each API of the set its own version (one may be the version-less original)."),
    // References.
    UNKNOWN_BACKEND = error("unknown-backend", "`backend-id` names no declared backend", "<set-backend-service backend-id=\"orders-eu2\" />", "Declare the backend, or fix the name."),
    UNKNOWN_NAMED_VALUE = error("unknown-named-value", "`{{name}}` names no declared named value", "<value>{{api-kee}}</value>", "Declare the named value, or fix the name."),
    UNKNOWN_FRAGMENT = error("unknown-fragment", "`include-fragment` names no declared fragment", "<include-fragment fragment-id=\"auth-typo\" />", "Declare the fragment, or fix the name."),
    UNSET_VARIABLE = warning("unset-variable", "a variable is read but never set", "@((string)context.Variables[\"tenant\"])", "Set it with `set-variable` first, or use `GetValueOrDefault`."),
    BASE_URL_OVERRIDES_BACKEND_ID = error("base-url-overrides-backend-id", "`base-url` overrides a `backend-id` inherited through `<base/>`", "<inbound><base /><set-backend-service base-url=\"https://a\" /></inbound>", "Use another `backend-id` (APIM allows only that after a parent's `backend-id`)."),
    UNUSED_BACKEND = warning("unused-backend", "a declared backend is never used", "backends/legacy/backendInformation.json, referenced nowhere", "Remove it, or reference it."),
    SELF_REFERENCING_BACKEND = warning("self-referencing-backend", "a backend URL points at the gateway itself", "a backend `url` on the gateway's own host", "Point the backend at the real service; calls would loop through the gateway."),
    SCORE_THRESHOLD_LOOKS_LIKE_SIMILARITY = warning("score-threshold-looks-like-similarity", "a semantic-cache `score-threshold` of 0.5 or more: APIM reads it as a distance (lower is stricter), so this matches almost any prompt", "<llm-semantic-cache-lookup score-threshold=\"0.95\" embeddings-backend-id=\"embeddings\" embeddings-backend-auth=\"system-assigned\" />", "Use a small distance such as 0.05 (1 minus the similarity you meant)."),
    NESTED_FRAGMENT = error("nested-fragment", "a fragment includes another fragment", "<fragment><include-fragment fragment-id=\"x\" /></fragment>", "Inline the other fragment's policies."),
    // Templates and transforms.
    LIQUID_UNKNOWN_FILTER = warning("liquid::unknown-filter", "a Liquid filter APIM does not know (or spelled in another case): APIM silently leaves the value unchanged", "<set-body template=\"liquid\">{{ body.name | upcase }}</set-body>", "Use APIM's C# name (`Upcase`, `Downcase`, `Date`, ...; `docs/gateway.md` lists them), or remove the filter."),
    LIQUID_INVALID_TEMPLATE = error("liquid::invalid-template", "a `set-body` Liquid template that does not parse", "<set-body template=\"liquid\">{% if body.a %}</set-body>", "Fix the template as the message says (close every block; `tablerow`, `include` and `render` are not APIM tags)."),
    XSLT_INVALID_STYLESHEET = error("xslt::invalid-stylesheet", "an `xsl-transform` stylesheet (or `parameter`) that does not compile", "<xsl-transform><xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\"><xsl:value-of select=\"((\" /></xsl:template></xsl:stylesheet></xsl-transform>", "Fix the stylesheet as libxslt's message says (XSLT 1.0; declare `xmlns:xsl` on `xsl:stylesheet`; no `<!DOCTYPE`, no `xsl:import`/`xsl:include` of files)."),
    XSLT_PARAMETER_NAME = warning("xslt::parameter-name", "an `xsl-transform` `parameter` named with `parameter-name`, the spelling of the docs' policy statement that their example and the toolkit do not use", "<xsl-transform><parameter parameter-name=\"a\">1</parameter>...</xsl-transform>", "Write `name=\"a\"`."),
    UNKNOWN_LOGGER = error("unknown-logger", "`logger-id` names no declared logger", "<log-to-eventhub logger-id=\"audit-hub\">…</log-to-eventhub>", "Declare the logger under `loggers/`, or fix the name."),
    PLAIN_LOGGER_CREDENTIALS = error("plain-logger-credentials", "an Event Hubs logger's connection string is written in clear, not as a secret named value", "`\"connectionString\": \"Endpoint=sb://…;SharedAccessKey=…\"`", "Put the connection string in a secret named value and write `\"connectionString\": \"{{name}}\"`."),
}

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
