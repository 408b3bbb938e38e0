//! String, char, split and composite-format tests (expected values from the .NET API docs).

use crate::error::ExceptionKind;
use crate::numfmt::{format_f64, format_int, IntType};
use crate::string::StringComparison::*;
use crate::string::*;
use crate::strsplit::*;

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn utf16_indexes() {
    assert_eq!(length("héllo"), 5);
    assert_eq!(length("a😀b"), 4);
    assert_eq!(substring("Hello World", 6, None), Ok("World".into()));
    assert_eq!(substring("Hello World", 0, Some(5)), Ok("Hello".into()));
    assert_eq!(substring("a😀b", 3, None), Ok("b".into()));
    assert_eq!(substring("abc", 3, None), Ok("".into()));
    assert_eq!(
        substring("abc", 4, None).map_err(|e| e.message),
        Err("startIndex cannot be larger than length of string. (Parameter 'startIndex')".into())
    );
    assert_eq!(
        substring("abc", 1, Some(5)).map_err(|e| e.message),
        Err(
            "Index and length must refer to a location within the string. (Parameter 'length')"
                .into()
        )
    );
    assert_eq!(
        substring("abc", -1, None).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(
        substring("abc", 0, Some(-1)).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(char_at("abc", 1), Ok(u16::from(b'b')));
    assert_eq!(
        char_at("abc", 3).map_err(|e| e.kind),
        Err(ExceptionKind::IndexOutOfRange)
    );
    assert_eq!(index_of("a😀b", "b", 0, Ordinal), Ok(3));
    assert_eq!(index_of("Hello", "l", 0, Ordinal), Ok(2));
    assert_eq!(index_of("Hello", "l", 3, Ordinal), Ok(3));
    assert_eq!(index_of("Hello", "L", 0, Ordinal), Ok(-1));
    assert_eq!(index_of("Hello", "L", 0, OrdinalIgnoreCase), Ok(2));
    assert_eq!(index_of("Hello", "", 0, Ordinal), Ok(0));
    assert_eq!(
        index_of("Hello", "x", 9, Ordinal).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(last_index_of("Hello", "l", Ordinal), 3);
    assert_eq!(last_index_of("Hello", "z", Ordinal), -1);
    assert_eq!(index_of_any("Hello", &['x', 'l']), 2);
    assert_eq!(insert("Hello", 5, "!"), Ok("Hello!".into()));
    assert_eq!(insert("Hllo", 1, "e"), Ok("Hello".into()));
    assert_eq!(remove("Hello World", 5, None), Ok("Hello".into()));
    assert_eq!(remove("Hello", 1, Some(3)), Ok("Ho".into()));
    assert_eq!(
        remove("Hello", 5, None).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(pad_left("42", 5, '0'), Ok("00042".into()));
    assert_eq!(pad_right("ab", 4, '.'), Ok("ab..".into()));
    assert_eq!(pad_left("abcdef", 3, ' '), Ok("abcdef".into()));
    assert_eq!(
        pad_left("a", -1, ' ').map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
}

#[test]
fn comparisons_and_case() {
    assert!(equals("abc", "ABC", OrdinalIgnoreCase));
    assert!(!equals("abc", "ABC", Ordinal));
    assert!(equals("abc", "ABC", InvariantCultureIgnoreCase));
    assert!(starts_with("Bearer xyz", "bearer ", OrdinalIgnoreCase));
    assert!(!starts_with("Bearer xyz", "bearer ", Ordinal));
    assert!(ends_with("file.JSON", ".json", CurrentCultureIgnoreCase));
    assert!(contains("application/json; charset=utf-8", "json", Ordinal));
    assert!(!contains("abc", "B", Ordinal));
    assert!(contains("abc", "", Ordinal));
    assert_eq!(compare("a", "b", Ordinal), -1);
    assert_eq!(compare("b", "a", Ordinal), 1);
    assert_eq!(compare("a", "B", Ordinal), 1);
    assert_eq!(compare("a", "B", InvariantCulture), -1);
    assert_eq!(compare("a", "A", InvariantCulture), -1);
    assert_eq!(compare("a", "A", InvariantCultureIgnoreCase), 0);
    assert_eq!(compare("abc", "abc", CurrentCulture), 0);
    assert_eq!(to_upper("hello wörld"), "HELLO WÖRLD");
    assert_eq!(to_upper("straße"), "STRAßE");
    assert_eq!(to_lower("ÀBC"), "àbc");
    assert_eq!(trim("  \t hi \r\n"), "hi");
    assert_eq!(trim("\u{00A0}x\u{2003}"), "x");
    assert_eq!(trim_start("  x "), "x ");
    assert_eq!(trim_end("  x "), "  x");
    assert_eq!(trim_chars("--x--", &['-']), "x");
    assert_eq!(trim_start_chars("/api/v1/", &['/']), "api/v1/");
    assert_eq!(trim_end_chars("/api/v1/", &['/']), "/api/v1");
    assert_eq!(trim_chars(" x ", &[]), "x");
    assert_eq!(replace("a-b-c", "-", Some("+")), Ok("a+b+c".into()));
    assert_eq!(replace("a-b-c", "-", None), Ok("abc".into()));
    assert_eq!(
        replace("abc", "", Some("x")).map_err(|e| e.kind),
        Err(ExceptionKind::Argument)
    );
    assert!(is_null_or_empty(None));
    assert!(is_null_or_empty(Some("")));
    assert!(!is_null_or_empty(Some(" ")));
    assert!(is_null_or_white_space(Some(" \t")));
    assert!(!is_null_or_white_space(Some(" a")));
    assert!(is_digit('7'));
    assert!(is_digit('\u{0663}'));
    assert!(!is_digit('x'));
    assert!(!is_digit('½'));
    assert!(is_letter('é'));
    assert!(!is_letter('1'));
    assert!(is_white_space('\u{2028}'));
    assert!(!is_white_space('\u{200B}'));
    assert_eq!(char_to_upper('a'), 'A');
    assert!(is_letter_or_digit('9'));
    assert!(is_upper('Q') && is_lower('q'));
}

#[test]
fn splitting() {
    let none = SplitOptions::NONE;
    assert_eq!(
        split_chars("a,b,,c", &[','], None, none),
        Ok(v(&["a", "b", "", "c"]))
    );
    assert_eq!(
        split_chars("a,b,,c", &[','], None, SplitOptions::REMOVE_EMPTY),
        Ok(v(&["a", "b", "c"]))
    );
    assert_eq!(
        split_chars(",a,", &[','], None, none),
        Ok(v(&["", "a", ""]))
    );
    assert_eq!(split_chars("", &[','], None, none), Ok(v(&[""])));
    assert_eq!(
        split_chars("", &[','], None, SplitOptions::REMOVE_EMPTY),
        Ok(v(&[]))
    );
    assert_eq!(
        split_chars("a b\tc", &[], None, none),
        Ok(v(&["a", "b", "c"]))
    );
    assert_eq!(
        split_chars("a;b,c", &[';', ','], None, none),
        Ok(v(&["a", "b", "c"]))
    );
    assert_eq!(
        split_chars("a,b,c,d", &[','], Some(2), none),
        Ok(v(&["a", "b,c,d"]))
    );
    assert_eq!(split_chars("a,b", &[','], Some(0), none), Ok(v(&[])));
    assert_eq!(
        split_chars("a,b", &[','], Some(-1), none).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(
        split_chars(" a , b ", &[','], None, SplitOptions::TRIM),
        Ok(v(&["a", "b"]))
    );
    let both = SplitOptions {
        remove_empty: true,
        trim: true,
    };
    assert_eq!(
        split_chars(" a , , b ", &[','], None, both),
        Ok(v(&["a", "b"]))
    );
    assert_eq!(
        split_strings("a::b::c", &["::"], None, none),
        Ok(v(&["a", "b", "c"]))
    );
    assert_eq!(
        split_strings("Bearer abc", &["Bearer "], None, SplitOptions::REMOVE_EMPTY),
        Ok(v(&["abc"]))
    );
    assert_eq!(split_strings("abc", &[""], None, none), Ok(v(&["abc"])));
    assert_eq!(
        split_strings("a<>b<c", &["<", "<>"], None, none),
        Ok(v(&["a", ">b", "c"]))
    );
    assert_eq!(
        split_chars("k=v=w", &['='], Some(2), none),
        Ok(v(&["k", "v=w"]))
    );
    assert_eq!(join(", ", &[Some("a"), None, Some("c")]), "a, , c");
    assert_eq!(concat(&[Some("a"), None, Some("c")]), "ac");
}

#[test]
fn composite_formatting() {
    let args: Vec<i128> = vec![42, -7, 1234567];
    let f = |fmt: &str| {
        composite_format(fmt, args.len(), |i, spec| {
            format_int(args[i], IntType::Int32, spec)
        })
    };
    assert_eq!(f("{0}"), Ok("42".into()));
    assert_eq!(f("x={0}, y={1}"), Ok("x=42, y=-7".into()));
    assert_eq!(f("[{0,5}]"), Ok("[   42]".into()));
    assert_eq!(f("[{0,-5}]"), Ok("[42   ]".into()));
    assert_eq!(f("{2:N0}"), Ok("1,234,567".into()));
    assert_eq!(f("{2,12:N2}"), Ok("1,234,567.00".into()));
    assert_eq!(f("{0:X4}"), Ok("002A".into()));
    assert_eq!(f("{{{0}}}"), Ok("{42}".into()));
    assert_eq!(f("{0}{0}"), Ok("4242".into()));
    assert_eq!(f("{3}").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(f("{0").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(f("}").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(f("{x}").map_err(|e| e.kind), Err(ExceptionKind::Format));
    let d = composite_format("{0:F2}|{0:0.0}", 1, |_, spec| format_f64(2.71, spec));
    assert_eq!(d, Ok("2.71|2.7".into()));
}
