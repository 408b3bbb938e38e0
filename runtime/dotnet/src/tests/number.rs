//! Number formatting, parsing and arithmetic tests (expected values from the .NET docs' examples).

use crate::error::ExceptionKind;
use crate::math::*;
use crate::numfmt::{format_decimal, format_f32, format_f64, format_int, IntType};
use crate::numparse::*;
use rust_decimal::Decimal;

fn i32f(v: i32, f: &str) -> String {
    format_int(i128::from(v), IntType::Int32, f).unwrap_or_else(|e| e.to_string())
}
fn i64f(v: i64, f: &str) -> String {
    format_int(i128::from(v), IntType::Int64, f).unwrap_or_else(|e| e.to_string())
}
fn df(v: f64, f: &str) -> String {
    format_f64(v, f).unwrap_or_else(|e| e.to_string())
}
fn dec(s: &str) -> Decimal {
    parse_decimal(s).unwrap_or_default()
}
fn mf(s: &str, f: &str) -> String {
    format_decimal(dec(s), f).unwrap_or_else(|e| e.to_string())
}

#[test]
fn integer_standard_formats() {
    assert_eq!(i32f(1234, ""), "1234");
    assert_eq!(i32f(-1234, "G"), "-1234");
    assert_eq!(i32f(1234, "D"), "1234");
    assert_eq!(i32f(-1234, "D6"), "-001234");
    assert_eq!(i32f(255, "X"), "FF");
    assert_eq!(i32f(255, "x4"), "00ff");
    assert_eq!(i32f(-1, "X"), "FFFFFFFF");
    assert_eq!(i64f(-1, "x"), "ffffffffffffffff");
    assert_eq!(
        format_int(-1, IntType::SByte, "X").unwrap_or_default(),
        "FF"
    );
    assert_eq!(
        format_int(-2, IntType::Int16, "X").unwrap_or_default(),
        "FFFE"
    );
    assert_eq!(i32f(1234, "N1"), "1,234.0");
    assert_eq!(i32f(1234567, "N"), "1,234,567.00");
    assert_eq!(i32f(-1234567, "N0"), "-1,234,567");
    assert_eq!(i32f(1234, "F1"), "1234.0");
    assert_eq!(i32f(12345, "E"), "1.234500E+004");
    assert_eq!(i32f(12345, "e2"), "1.23e+004");
    assert_eq!(i32f(1234, "G2"), "1.2E+03");
    assert_eq!(i32f(12345, "G3"), "1.23E+04");
    assert_eq!(i32f(1, "P"), "100.00 %");
    assert_eq!(i32f(-5, "C"), "(¤5.00)");
    assert_eq!(i32f(1234, "C0"), "¤1,234");
    assert_eq!(i32f(0, "D3"), "000");
    assert_eq!(i32f(i32::MIN, ""), "-2147483648");
    assert_eq!(i32f(5, "B8"), "00000101");
    assert!(i32f(1, "Q").starts_with("System.FormatException"));
}

#[test]
fn double_default_is_shortest_round_trip() {
    assert_eq!(df(1.1, ""), "1.1");
    assert_eq!(df(0.1 + 0.2, ""), "0.30000000000000004");
    assert_eq!(df(1e16, ""), "1E+16");
    assert_eq!(df(1e15, ""), "1E+15");
    assert_eq!(df(1e14, ""), "100000000000000");
    assert_eq!(df(1e-5, ""), "1E-05");
    assert_eq!(df(0.0001, ""), "0.0001");
    assert_eq!(df(-0.0, ""), "-0");
    assert_eq!(df(0.0, ""), "0");
    assert_eq!(df(f64::NAN, ""), "NaN");
    assert_eq!(df(f64::INFINITY, ""), "Infinity");
    assert_eq!(df(f64::NEG_INFINITY, "F2"), "-Infinity");
    assert_eq!(df(f64::MAX, ""), "1.7976931348623157E+308");
    assert_eq!(df(f64::EPSILON, ""), "2.220446049250313E-16");
    assert_eq!(df(5e-324, ""), "5E-324");
    assert_eq!(df(-60.0, ""), "-60");
    assert_eq!(df(123456789.12345678, "R"), "123456789.12345678");
    assert_eq!(df(1.5, "R"), "1.5");
    assert_eq!(df(100.0, "G"), "100");
    assert_eq!(df(0.567 * 100.0, ""), "56.699999999999996");
    assert_eq!(df(1.2345678901234568e20, ""), "1.2345678901234568E+20");
    assert_eq!(df(12345.6789, ""), "12345.6789");
    assert_eq!(format_f32(1.1f32, "").unwrap_or_default(), "1.1");
    assert_eq!(format_f32(1e7f32, "").unwrap_or_default(), "1E+07");
    assert_eq!(format_f32(0.1f32 + 0.2f32, "").unwrap_or_default(), "0.3");
    assert_eq!(format_f32(16777216.0, "").unwrap_or_default(), "16777216");
}

#[test]
fn double_standard_formats() {
    assert_eq!(df(1052.0329112756, "E"), "1.052033E+003");
    assert_eq!(df(1052.0329112756, "e2"), "1.05e+003");
    assert_eq!(df(-1052.0329112756, "E2"), "-1.05E+003");
    assert_eq!(df(1234.567, "F"), "1234.57");
    assert_eq!(df(-1234.56, "F4"), "-1234.5600");
    assert_eq!(df(1234.567, "N"), "1,234.57");
    assert_eq!(df(-1234.56, "N3"), "-1,234.560");
    assert_eq!(df(12345.6789, "G7"), "12345.68");
    assert_eq!(df(0.0000023, "G"), "2.3E-06");
    assert_eq!(df(0.0023, "G"), "0.0023");
    assert_eq!(df(std::f64::consts::PI, "G5"), "3.1416");
    assert_eq!(df(0.1, "G17"), "0.10000000000000001");
    assert_eq!(df(12345.6789, "C"), "¤12,345.68");
    assert_eq!(df(-12345.6789, "C3"), "(¤12,345.679)");
    assert_eq!(df(12.345, "C"), "¤12.35");
    assert_eq!(df(-0.39678, "P1"), "-39.7 %");
    assert_eq!(df(0.2468013, "P"), "24.68 %");
    // .NET Core 3.0+: exact value, ties to even (dotnet/runtime#1640, dotnet/docs#22089).
    assert_eq!(df(1.005, "F2"), "1.00");
    assert_eq!(df(2.5, "F0"), "2");
    assert_eq!(df(3.5, "F0"), "4");
    assert_eq!(df(0.5, "F0"), "0");
    assert_eq!(df(0.125, "F2"), "0.12");
    assert_eq!(df(0.375, "F2"), "0.38");
    assert_eq!(df(1234.5, "G4"), "1234");
    assert_eq!(df(-0.001, "F2"), "-0.00");
    assert_eq!(df(0.006, "F2"), "0.01");
    assert_eq!(df(9.999, "F2"), "10.00");
    assert_eq!(df(1e23, "F0"), "99999999999999991611392");
    assert_eq!(df(0.0, "E2"), "0.00E+000");
    assert!(df(1.0, "D").starts_with("System.FormatException"));
    assert!(df(1.0, "X").starts_with("System.FormatException"));
}

#[test]
fn decimal_formats() {
    assert_eq!(mf("1.50", ""), "1.50");
    assert_eq!(mf("-1.50", "G"), "-1.50");
    assert_eq!(mf("0.00", ""), "0.00");
    assert_eq!(mf("100", ""), "100");
    assert_eq!(mf("0.0000001", ""), "0.0000001");
    assert_eq!(mf("1234.5", "G4"), "1235");
    assert_eq!(mf("2.5", "F0"), "3");
    assert_eq!(mf("1.005", "F2"), "1.01");
    assert_eq!(mf("1234.5678", "N2"), "1,234.57");
    assert_eq!(mf("1.50", "0.#"), "1.5");
    assert_eq!(mf("0.5", "P0"), "50 %");
    assert!(mf("1", "X").starts_with("System.FormatException"));
}

#[test]
fn custom_formats() {
    assert_eq!(df(1234.5678, "00000"), "01235");
    assert_eq!(df(0.45678, "0.00"), "0.46");
    assert_eq!(i32f(123, "#####"), "123");
    assert_eq!(i32f(1234567890, "#,#"), "1,234,567,890");
    assert_eq!(i32f(1234567890, "#,##0,,"), "1,235");
    assert_eq!(df(0.086, "#0.##%"), "8.6%");
    assert_eq!(i32f(86000, "0.###E+0"), "8.6E+4");
    assert_eq!(i32f(86000, "0.###E+000"), "8.6E+004");
    assert_eq!(i32f(86000, "0.###E-000"), "8.6E004");
    assert_eq!(i64f(1234567890, "(###) ###-####"), "(123) 456-7890");
    assert_eq!(i32f(0, "#"), "");
    assert_eq!(i32f(0, "0"), "0");
    assert_eq!(i32f(1234, "##;(##)"), "1234");
    assert_eq!(i32f(-1234, "##;(##)"), "(1234)");
    assert_eq!(i32f(0, "##;(##);**Zero**"), "**Zero**");
    assert_eq!(df(123.456, "#.##"), "123.46");
    assert_eq!(df(0.5, "#.##"), ".5");
    assert_eq!(df(1234.5678, "#,##0.00"), "1,234.57");
    assert_eq!(i32f(42, "0000"), "0042");
    assert_eq!(i32f(-42, "0000"), "-0042");
    assert_eq!(i32f(123, "\\#\\#\\# ##0 dollars"), "### 123 dollars");
    assert_eq!(i32f(5, "0 'items'"), "5 items");
    assert_eq!(df(1234567.891, "#,#.00"), "1,234,567.89");
    assert_eq!(i32f(1000, "#,##0"), "1,000");
    assert_eq!(i32f(100, "#,##0"), "100");
    // Custom formats round the 15-digit value half up (.NET Framework-compatible).
    assert_eq!(df(1.005, "0.00"), "1.01");
    assert_eq!(df(2.5, "0"), "3");
    assert_eq!(df(-0.001, "0.00"), "-0.00");
    assert_eq!(i32f(-1, "0;0"), "1");
}

#[test]
fn parsing() {
    let p = |s: &str| parse_int(s, IntType::Int32);
    assert_eq!(p(" 42 "), Ok(42));
    assert_eq!(p("-42"), Ok(-42));
    assert_eq!(p("+42"), Ok(42));
    assert_eq!(p("007"), Ok(7));
    assert_eq!(p("-2147483648"), Ok(-2147483648));
    assert_eq!(
        p("2147483648").map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(
        p("2147483648").map_err(|e| e.message),
        Err("Value was either too large or too small for an Int32.".into())
    );
    assert_eq!(
        p("99999999999999999999999999").map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(p("1,000").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(p("4.0").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(
        p("abc").map_err(|e| e.message),
        Err("The input string 'abc' was not in a correct format.".into())
    );
    assert_eq!(p("").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(p("- 1").map_err(|e| e.kind), Err(ExceptionKind::Format));
    assert_eq!(
        parse_int("9223372036854775807", IntType::Int64),
        Ok(i128::from(i64::MAX))
    );
    assert_eq!(
        parse_int("-1", IntType::UInt32).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(try_parse_int("12a", IntType::Int32), None);
    assert_eq!(try_parse_int("\t12\n", IntType::Int32), Some(12));
    assert_eq!(parse_hex("FF", IntType::Int32), Ok(255));
    assert_eq!(parse_hex("FFFFFFFF", IntType::Int32), Ok(-1));
    assert_eq!(parse_f64("1.5e3"), Ok(1500.0));
    assert_eq!(parse_f64("1,234.5"), Ok(1234.5));
    assert_eq!(parse_f64(" -0.5 "), Ok(-0.5));
    assert_eq!(parse_f64(".5"), Ok(0.5));
    assert_eq!(parse_f64("5."), Ok(5.0));
    assert_eq!(parse_f64("1e400"), Ok(f64::INFINITY));
    assert!(parse_f64("NaN").is_ok_and(f64::is_nan));
    assert_eq!(parse_f64("-Infinity"), Ok(f64::NEG_INFINITY));
    assert_eq!(
        parse_f64("abc").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        parse_f64("1e").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(parse_f64("0.1"), Ok(0.1));
    assert_eq!(try_parse_f64(""), None);
    assert_eq!(parse_bool("true"), Ok(true));
    assert_eq!(parse_bool(" False "), Ok(false));
    assert_eq!(parse_bool("TRUE"), Ok(true));
    assert_eq!(
        parse_bool("yes").map_err(|e| e.message),
        Err("String 'yes' was not recognized as a valid Boolean.".into())
    );
    assert_eq!(format_decimal(dec("1.50"), "").unwrap_or_default(), "1.50");
    assert_eq!(
        parse_decimal("1e5").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        format_decimal(dec(" -1,000.25 "), "").unwrap_or_default(),
        "-1000.25"
    );
}

#[test]
fn conversions() {
    let c = |v: f64| convert_f64_to_int(v, IntType::Int32);
    assert_eq!(c(2.5), Ok(2));
    assert_eq!(c(3.5), Ok(4));
    assert_eq!(c(-2.5), Ok(-2));
    assert_eq!(c(2.6), Ok(3));
    assert_eq!(
        c(2147483647.5).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(
        c(f64::NAN).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(convert_str_to_int(None, IntType::Int32), Ok(0));
    assert_eq!(convert_str_to_int(Some("12"), IntType::Int32), Ok(12));
    assert_eq!(convert_str_to_bool(Some("True")), Ok(true));
    assert_eq!(convert_str_to_bool(None), Ok(false));
    assert_eq!(convert_decimal_to_int(dec("2.5"), IntType::Int32), Ok(2));
    assert_eq!(convert_decimal_to_int(dec("-3.5"), IntType::Int32), Ok(-4));
    assert_eq!(cast_f64_to_int(-2.9, IntType::Int32), -2);
    assert_eq!(cast_f64_to_int(1e20, IntType::Int64), i128::from(i64::MAX));
    assert_eq!(
        checked_cast_f64_to_int(1e20, IntType::Int64).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
}

#[test]
fn arithmetic() {
    let max = i128::from(i32::MAX);
    let min = i128::from(i32::MIN);
    assert_eq!(unchecked(IntOp::Add, max, 1, IntType::Int32), Ok(min));
    assert_eq!(unchecked(IntOp::Mul, max, 2, IntType::Int32), Ok(-2));
    assert_eq!(unchecked(IntOp::Sub, min, 1, IntType::Int32), Ok(max));
    assert_eq!(
        checked(IntOp::Add, max, 1, IntType::Int32).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(
        checked(IntOp::Div, 7, 0, IntType::Int32).map_err(|e| e.kind),
        Err(ExceptionKind::DivideByZero)
    );
    assert_eq!(
        unchecked(IntOp::Rem, 7, 0, IntType::Int32).map_err(|e| e.kind),
        Err(ExceptionKind::DivideByZero)
    );
    assert_eq!(unchecked(IntOp::Div, -7, 2, IntType::Int32), Ok(-3));
    assert_eq!(unchecked(IntOp::Rem, -7, 2, IntType::Int32), Ok(-1));
    assert_eq!(
        unchecked(IntOp::Div, min, -1, IntType::Int32).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(
        unchecked(
            IntOp::Mul,
            i128::from(i64::MAX),
            i128::from(i64::MAX),
            IntType::Int64
        ),
        Ok(1)
    );
    assert_eq!(wrap(256, IntType::Byte), 0);
    assert_eq!(wrap(4294967295, IntType::Int32), -1);
    assert_eq!(
        abs_int(min, IntType::Int32).map_err(|e| e.kind),
        Err(ExceptionKind::Overflow)
    );
    assert_eq!(abs_int(-5, IntType::Int32), Ok(5));
}

#[test]
fn math_members() {
    assert_eq!(round(2.5), 2.0);
    assert_eq!(round(3.5), 4.0);
    assert_eq!(round(-2.5), -2.0);
    assert_eq!(
        round_digits(2.5, 0, MidpointRounding::AwayFromZero),
        Ok(3.0)
    );
    assert_eq!(
        round_digits(-2.5, 0, MidpointRounding::AwayFromZero),
        Ok(-3.0)
    );
    assert_eq!(round_digits(0.125, 2, MidpointRounding::ToEven), Ok(0.12));
    assert_eq!(
        round_digits(0.125, 2, MidpointRounding::AwayFromZero),
        Ok(0.13)
    );
    assert_eq!(
        round_digits(1.005, 2, MidpointRounding::AwayFromZero),
        Ok(1.0)
    );
    assert_eq!(
        round_digits(1.23456, 3, MidpointRounding::ToEven),
        Ok(1.235)
    );
    assert_eq!(
        round_digits(1.0, 16, MidpointRounding::ToEven).map_err(|e| e.kind),
        Err(ExceptionKind::ArgumentOutOfRange)
    );
    assert_eq!(
        round_decimal(dec("2.5"), 0, MidpointRounding::ToEven).map(|d| d.to_string()),
        Ok("2".into())
    );
    assert_eq!(
        round_decimal(dec("2.345"), 2, MidpointRounding::AwayFromZero).map(|d| d.to_string()),
        Ok("2.35".into())
    );
    assert!(max_f64(1.0, f64::NAN).is_nan());
    assert_eq!(max_f64(1.0, 2.0), 2.0);
    assert_eq!(min_f64(1.0, 2.0), 1.0);
    assert_eq!(floor(-1.5), -2.0);
    assert_eq!(ceiling(-1.5), -1.0);
    assert_eq!(truncate(-1.5), -1.0);
    assert_eq!(pow(2.0, 10.0), 1024.0);
    assert!(sqrt(-1.0).is_nan());
    assert_eq!(sign_f64(-3.0), Ok(-1));
}
