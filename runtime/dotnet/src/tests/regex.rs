//! Regex tests: .NET syntax, group numbering, substitutions (examples from the .NET regex docs).

use crate::error::ExceptionKind;
use crate::regex::*;

fn re(p: &str) -> Regex {
    re_opts(p, RegexOptions::default())
}
fn re_opts(p: &str, o: RegexOptions) -> Regex {
    match Regex::new(p, o, 1_000_000) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn matching_and_groups() {
    let r = re(r"(?<year>\d{4})-(?<month>\d{2})");
    let m = r.find("date: 2024-05").unwrap_or_default();
    assert!(m.success());
    assert_eq!(m.value(), "2024-05");
    assert_eq!(m.index(), 6);
    assert_eq!(m.group("year").value, "2024");
    assert_eq!(m.group("month").value, "05");
    assert_eq!(m.group("1").value, "2024");
    assert!(!m.group("nope").success);
    let m = re(r"(?'user'\w+)@(\w+)")
        .find("mail bob@example")
        .unwrap_or_default();
    // .NET numbers unnamed groups before named ones.
    assert_eq!(m.group("1").value, "example");
    assert_eq!(m.group("2").value, "bob");
    assert_eq!(m.groups[1].name, "1");
    assert_eq!(m.groups[2].name, "user");
    assert_eq!(re(r"(?<a>x)(y)").group_names(), vec!["0", "1", "a"]);
    let m = re("b").find("😀b").unwrap_or_default();
    assert_eq!((m.index(), m.groups[0].length), (2, 1));
    let none = re("z").find("abc").unwrap_or_default();
    assert!(!none.success());
    assert_eq!(none.value(), "");
    assert_eq!(
        re(r"(\w)\1").find("hello").map(|m| m.value().to_string()),
        Ok("ll".into())
    );
    assert_eq!(re(r"(?<c>\w)\k<c>").find("aabb").map(|m| m.index()), Ok(0));
    assert_eq!(re(r"(?<c>\w)\k'c'").find("xyy").map(|m| m.index()), Ok(1));
    assert_eq!(re(r"(?<n>a)(b)\1").is_match("abb"), Ok(true));
    assert_eq!(re(r"(?<n>a)(b)\1").is_match("aba"), Ok(false));
    assert_eq!(
        re(r"(?<=\$)\d+")
            .find("cost $42")
            .map(|m| m.value().to_string()),
        Ok("42".into())
    );
    assert_eq!(
        re(r"\d+(?!px)")
            .find("12px 34em")
            .map(|m| m.value().to_string()),
        Ok("1".into())
    );
    assert_eq!(re(r"^\d{3}$").is_match("123\n"), Ok(true));
    assert_eq!(re(r"^\d{3}\Z").is_match("123\n"), Ok(true));
    assert_eq!(re(r"^\d{3}\z").is_match("123\n"), Ok(false));
    assert_eq!(re(r"\d").is_match("٣"), Ok(true));
    assert_eq!(
        re(r"[]a]+").find("x]a]").map(|m| m.value().to_string()),
        Ok("]a]".into())
    );
    assert_eq!(re(r"[a&&b]").is_match("&"), Ok(true));
}

#[test]
fn options() {
    let ic = RegexOptions {
        ignore_case: true,
        ..RegexOptions::default()
    };
    assert_eq!(re_opts("hello", ic).is_match("HeLLo"), Ok(true));
    assert_eq!(re("hello").is_match("HeLLo"), Ok(false));
    let ml = RegexOptions {
        multiline: true,
        ..RegexOptions::default()
    };
    assert_eq!(re_opts("^b$", ml).is_match("a\nb\nc"), Ok(true));
    assert_eq!(re("^b$").is_match("a\nb\nc"), Ok(false));
    let sl = RegexOptions {
        singleline: true,
        ..RegexOptions::default()
    };
    assert_eq!(re_opts("a.b", sl).is_match("a\nb"), Ok(true));
    assert_eq!(re("a.b").is_match("a\nb"), Ok(false));
    let ws = RegexOptions {
        ignore_pattern_whitespace: true,
        ..RegexOptions::default()
    };
    assert_eq!(
        re_opts(r"\d+ \s* # digits", ws)
            .find("ab 12")
            .map(|m| m.value().to_string()),
        Ok("12".into())
    );
    let ec = RegexOptions {
        explicit_capture: true,
        ..RegexOptions::default()
    };
    let m = re_opts(r"(a)(?<b>b)", ec).find("ab").unwrap_or_default();
    assert_eq!(m.groups.len(), 2);
    assert_eq!(m.group("1").value, "b");
    assert_eq!(re("(?i)abc").is_match("ABC"), Ok(true));
}

#[test]
fn errors_and_limits() {
    assert_eq!(
        Regex::new("(a", RegexOptions::default(), 1000)
            .map(|_| ())
            .map_err(|e| e.kind),
        Err(ExceptionKind::RegexParse)
    );
    assert_eq!(
        Regex::new("[a-z-[aeiou]]", RegexOptions::default(), 1000)
            .map(|_| ())
            .map_err(|e| e.kind),
        Err(ExceptionKind::NotSupported)
    );
    assert_eq!(
        Regex::new(r"(a)\2", RegexOptions::default(), 1000)
            .map(|_| ())
            .map_err(|e| e.kind),
        Err(ExceptionKind::RegexParse)
    );
    let slow = Regex::new(r"(a+)+\1b", RegexOptions::default(), 1000);
    let r = slow.map(|r| r.is_match(&"a".repeat(30)));
    assert_eq!(
        r.map_err(|e| e.kind).and_then(|x| x.map_err(|e| e.kind)),
        Err(ExceptionKind::RegexMatchTimeout)
    );
}

#[test]
fn matches_replace_split() {
    let all = re(r"\d+").matches("a1b22c333").unwrap_or_default();
    assert_eq!(
        all.iter().map(|m| m.value()).collect::<Vec<_>>(),
        vec!["1", "22", "333"]
    );
    assert_eq!(all[2].index(), 6);
    let r = re(r"(?<first>\w+)\s(?<last>\w+)");
    assert_eq!(
        r.replace("John Smith", "${last}, ${first}", None),
        Ok("Smith, John".into())
    );
    assert_eq!(
        r.replace("John Smith", "$2 $1", None),
        Ok("Smith John".into())
    );
    assert_eq!(
        r.replace("John Smith", "[$0]", None),
        Ok("[John Smith]".into())
    );
    assert_eq!(
        r.replace("John Smith", "[$&]", None),
        Ok("[John Smith]".into())
    );
    assert_eq!(r.replace("John Smith", "$$1", None), Ok("$1".into()));
    assert_eq!(r.replace("John Smith", "$3", None), Ok("$3".into()));
    assert_eq!(
        r.replace("John Smith", "${nope}", None),
        Ok("${nope}".into())
    );
    assert_eq!(r.replace("John Smith", "$", None), Ok("$".into()));
    assert_eq!(
        re("b").replace("abc", "[$`|$']", None),
        Ok("a[a|c]c".into())
    );
    assert_eq!(re("b").replace("abc", "$_", None), Ok("aabcc".into()));
    assert_eq!(
        re(r"\s+").replace("a  b   c", " ", None),
        Ok("a b c".into())
    );
    assert_eq!(re("a").replace("aaa", "b", Some(2)), Ok("bba".into()));
    assert_eq!(re("x*").replace("abc", "-", None), Ok("-a-b-c-".into()));
    assert_eq!(
        re(r"\d").replace_with("a1b2", |m| Ok(format!("<{}>", m.value()))),
        Ok("a<1>b<2>".into())
    );
    assert_eq!(
        re(",").split("a,b,,c"),
        Ok(vec!["a".into(), "b".into(), "".into(), "c".into()])
    );
    assert_eq!(
        re("(-)").split("a-b"),
        Ok(vec!["a".into(), "-".into(), "b".into()])
    );
    assert_eq!(re("x").split("abc"), Ok(vec!["abc".into()]));
}

#[test]
fn escaping() {
    assert_eq!(escape("a.b*c"), r"a\.b\*c");
    assert_eq!(escape("[x] {y} (z) #1 $"), r"\[x]\ \{y}\ \(z\)\ \#1\ \$");
    assert_eq!(escape("tab\there\n"), r"tab\there\n");
    assert_eq!(unescape(r"a\.b\*c"), Ok("a.b*c".into()));
    assert_eq!(unescape(r"\t\n\x41\u0042"), Ok("\t\nAB".into()));
    assert_eq!(
        unescape("x\\").map_err(|e| e.kind),
        Err(ExceptionKind::RegexParse)
    );
    let lit = escape("1+1=2?");
    assert_eq!(re(&lit).is_match("is 1+1=2?"), Ok(true));
}
