//! Structure-aware mutations: byte-level changes plus ones that know policy documents
//! (tags, attributes, expressions, named values), expressions and nesting.

use super::Rng;

/// Tokens of policy documents worth inserting.
pub const XML_TOKENS: &[&str] = &[
    "<policies>",
    "</policies>",
    "<inbound>",
    "</inbound>",
    "<backend>",
    "<outbound>",
    "<on-error>",
    "<base />",
    "<forward-request />",
    "<set-header name=\"X-F\" exists-action=\"override\"><value>@(context.Request.Url.Path)</value></set-header>",
    "<set-variable name=\"v\" value=\"@(context.Request.Method)\" />",
    "<choose><when condition=\"@(true)\"><return-response><set-status code=\"200\" /></return-response></when><otherwise /></choose>",
    "<set-body>@{ return \"x\"; }</set-body>",
    "<rate-limit-by-key calls=\"5\" renewal-period=\"60\" counter-key=\"@(context.Request.IpAddress)\" />",
    "<include-fragment fragment-id=\"f\" />",
    "<set-backend-service backend-id=\"b\" />",
    "<rewrite-uri template=\"/{id}\" />",
    "<mock-response status-code=\"200\" />",
    "<trace source=\"s\">@(\"t\")</trace>",
    "@(",
    "@{",
    ")",
    "}",
    "\"",
    "'",
    "<!--",
    "-->",
    "<!-- gatehouse-disable policy::not-executed -->",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&lt;",
    "&#x0;",
    "&#65;",
    "&bogus;",
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
    "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "{{x}}",
    "{{",
    "}}",
    "{{orders-api-key}}",
    "=",
    "/>",
    "</",
    "<",
    ">",
    "\r\n",
    "\t",
    " xmlns=\"urn:x\"",
    " a:b=\"c\"",
    "\u{feff}",
    "\u{0}",
    "é",
    "\u{10ffff}",
];

/// Tokens of C# policy expressions worth inserting.
pub const EXPR_TOKENS: &[&str] = &[
    "context.Request.Headers.GetValueOrDefault(\"a\", \"\")",
    "context.Request.Url.Query.GetValueOrDefault(\"q\")",
    "context.Request.Body.As<JObject>(preserveContent: true)",
    "context.Variables[\"v\"]",
    "context.Response.StatusCode",
    "context.User.Email",
    ".",
    "?.",
    "??",
    "=>",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "new[] {",
    "new JObject()",
    "new string('a', 3)",
    "\"",
    "'",
    "$\"{",
    "@\"",
    "\\",
    "\\u",
    "1e308",
    "99999999999999999999",
    "0x",
    "1.5m",
    "(string)",
    "(int)",
    " as string",
    " is int",
    "var x = ",
    ";",
    "return ",
    "if (",
    "else ",
    "for (int i = 0; i < 3; i++) ",
    "foreach (var h in context.Request.Headers) ",
    "while (false) ",
    "switch (1) { case 1: break; default: break; }",
    "throw new Exception(\"e\")",
    "try { } catch (Exception e) { }",
    ".Select(x => x)",
    ".Where(x => x != null)",
    ".ToString()",
    "String.Format(\"{0}\", ",
    "Regex.Match(\"a\", \"(a+)+$\")",
    "Convert.ToBase64String(",
    "DateTime.UtcNow",
    "<",
    ">",
    "<JObject>",
    "!",
    "&&",
    "||",
    "?",
    ":",
    "-",
    "+",
    "*",
    "/",
    "%",
    "~",
    "^",
    "<<",
    ">>",
    "==",
    "!=",
    "=",
    "+=",
    "++",
    "--",
    "default",
    "typeof(",
    "nameof(",
    "checked(",
    "{{x}}",
    "//",
    "/*",
    "*/",
    "\n",
    ",",
    "int.MaxValue",
    "null",
];

/// Byte values that often sit on a boundary of some rule.
const INTERESTING: &[u8] = &[
    0, 0x7f, 0x80, 0xff, 0xc3, 0xe2, b'<', b'>', b'"', b'\'', b'@', b'(', b')', b'{', b'}', b'[',
    b']', b'&', b';', b'\n', b'\r', b'/', b'\\', b'=', b'$', b' ',
];

/// Bytes that are not valid UTF-8 (alone or as truncated sequences).
const INVALID_UTF8: &[&[u8]] = &[
    &[0xff],
    &[0xc3],
    &[0xe2, 0x82],
    &[0xed, 0xa0, 0x80],
    &[0xf4, 0x90, 0x80, 0x80],
    &[0xc0, 0xaf],
];

/// A copy of one random range of `v` (at most `max` bytes).
fn range(v: &[u8], rng: &mut Rng, max: usize) -> (usize, usize) {
    let a = rng.below(v.len() + 1);
    let b = (a + rng.below(max.min(v.len() - a) + 1)).min(v.len());
    (a, b)
}

/// Applies one to four random mutations to `input`, using `tokens` as the dictionary and
/// `others` for splicing. Never grows an input past `max_len` bytes.
pub fn mutate(
    input: &[u8],
    others: &[Vec<u8>],
    tokens: &[&str],
    rng: &mut Rng,
    max_len: usize,
) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.range(1, 4) {
        one(&mut v, others, tokens, rng);
        if v.len() > max_len {
            v.truncate(max_len);
        }
    }
    v
}

/// One mutation.
fn one(v: &mut Vec<u8>, others: &[Vec<u8>], tokens: &[&str], rng: &mut Rng) {
    let len = v.len();
    let at = rng.below(len + 1);
    match rng.below(17) {
        // Bit flip.
        0 if len > 0 => {
            let i = rng.below(len);
            v[i] ^= 1 << rng.below(8);
        }
        // An interesting byte.
        1 if len > 0 => {
            let i = rng.below(len);
            v[i] = *rng.pick(INTERESTING);
        }
        // Truncation.
        2 => v.truncate(at),
        // Delete a range.
        3 => {
            let (a, b) = range(v, rng, 64);
            v.drain(a..b);
        }
        // Duplicate a range elsewhere.
        4 => {
            let (a, b) = range(v, rng, 256);
            let piece = v[a..b].to_vec();
            let to = rng.below(v.len() + 1);
            v.splice(to..to, piece);
        }
        // Splice with another input: our prefix, its suffix.
        5 if !others.is_empty() => {
            let o = rng.pick(others);
            let from = rng.below(o.len() + 1);
            v.truncate(at);
            v.extend_from_slice(&o[from..]);
        }
        // Insert a piece of another input.
        6 if !others.is_empty() => {
            let o = rng.pick(others);
            let (a, b) = range(o, rng, 512);
            v.splice(at..at, o[a..b].iter().copied());
        }
        // Insert a dictionary token.
        7..=9 if !tokens.is_empty() => {
            let t = rng.pick(tokens).as_bytes();
            v.splice(at..at, t.iter().copied());
        }
        // Delete a tag `<...>`.
        10 => {
            if let Some((a, b)) = find_tag(v, rng) {
                v.drain(a..b);
            }
        }
        // Duplicate a tag.
        11 => {
            if let Some((a, b)) = find_tag(v, rng) {
                let piece = v[a..b].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, piece);
            }
        }
        // Insert an attribute after a tag name.
        12 => {
            if let Some((a, _)) = find_tag(v, rng) {
                let end = v[a..]
                    .iter()
                    .position(|&c| c == b' ' || c == b'>' || c == b'/')
                    .map_or(v.len(), |p| a + p);
                let attr: &[u8] = match rng.below(5) {
                    0 => b" id=\"@(context.Request.Method)\"",
                    1 => b" name=\"{{x}}\"",
                    2 => b" value=\"@(\"q\")\"",
                    3 => b" x=\"",
                    _ => b" condition=\"@{ return true; }\"",
                };
                v.splice(end..end, attr.iter().copied());
            }
        }
        // Deep nesting.
        13 => {
            let n = rng.range(10, 300);
            let (open, close): (&[u8], &[u8]) = match rng.below(5) {
                0 => (b"<choose><when condition=\"@(true)\">", b"</when></choose>"),
                1 => (b"(", b")"),
                2 => (b"{", b"}"),
                3 => (b"[", b"]"),
                _ => (b"<a>", b"</a>"),
            };
            let mut piece = open.repeat(n);
            if rng.one_in(2) {
                piece.extend_from_slice(&close.repeat(n));
            }
            v.splice(at..at, piece);
        }
        // A long run.
        14 => {
            let n = rng.range(100, 20_000);
            let c = *rng.pick(b"a 0\"@{-9");
            v.splice(at..at, std::iter::repeat_n(c, n));
        }
        // Invalid UTF-8.
        15 => {
            let bad = *rng.pick(INVALID_UTF8);
            v.splice(at..at, bad.iter().copied());
        }
        // Swap quotes or brackets.
        _ => {
            let pairs: &[(u8, u8)] = &[
                (b'"', b'\''),
                (b'(', b')'),
                (b'{', b'}'),
                (b'<', b'>'),
                (b'@', b' '),
            ];
            let (a, b) = *rng.pick(pairs);
            let hits: Vec<usize> = (0..v.len()).filter(|&i| v[i] == a || v[i] == b).collect();
            if !hits.is_empty() {
                let i = *rng.pick(&hits);
                v[i] = if v[i] == a { b } else { a };
            }
        }
    }
}

/// A random tag `<...>` of `v`: its start and one past its `>`.
fn find_tag(v: &[u8], rng: &mut Rng) -> Option<(usize, usize)> {
    let starts: Vec<usize> = (0..v.len()).filter(|&i| v[i] == b'<').collect();
    if starts.is_empty() {
        return None;
    }
    let a = *rng.pick(&starts);
    let end = v[a..].iter().position(|&c| c == b'>')?;
    Some((a, a + end + 1))
}
