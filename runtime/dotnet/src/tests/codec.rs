//! Encoding, URI/HTML coding, hashing, HMAC and Guid tests (RFC test vectors and .NET docs examples).

use crate::crypto::HashAlgorithm::*;
use crate::crypto::*;
use crate::encoding::*;
use crate::error::ExceptionKind;
use crate::uri::*;

#[test]
fn base64_and_text() {
    assert_eq!(to_base64(b"Hello"), "SGVsbG8=");
    assert_eq!(to_base64(b""), "");
    assert_eq!(to_base64(&[0xFF, 0xFE]), "//4=");
    assert_eq!(to_base64(b"user:pass"), "dXNlcjpwYXNz");
    assert_eq!(from_base64("SGVsbG8="), Ok(b"Hello".to_vec()));
    assert_eq!(from_base64(" SGVs\r\nbG8= "), Ok(b"Hello".to_vec()));
    assert_eq!(
        from_base64("SGVsbG8").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        from_base64("SGV*bG8=").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        from_base64("SGVsbG8-").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(utf8_bytes("é"), vec![0xC3, 0xA9]);
    assert_eq!(utf8_string(&[0x68, 0xFF, 0x69]), "h\u{FFFD}i");
    assert_eq!(ascii_bytes("héllo"), b"h?llo".to_vec());
    assert_eq!(ascii_bytes("a😀"), b"a??".to_vec());
    assert_eq!(ascii_string(&[0x41, 0xC3]), "A?");
    assert_eq!(utf16le_bytes("Ab"), vec![0x41, 0, 0x62, 0]);
    assert_eq!(utf16le_string(&[0x41, 0, 0x62, 0]), "Ab");
    assert_eq!(latin1_bytes("é€"), vec![0xE9, b'?']);
    assert_eq!(latin1_string(&[0xE9]), "é");
    assert_eq!(bit_converter_to_string(&[0x0A, 0x1B, 0xFF]), "0A-1B-FF");
    assert_eq!(bit_converter_to_string(&[]), "");
    assert_eq!(to_hex_string(&[0x0A, 0x1B]), "0A1B");
    assert_eq!(to_hex_string_lower(&[0x0A, 0x1B]), "0a1b");
    assert_eq!(from_hex_string("0a1B"), Ok(vec![0x0A, 0x1B]));
    assert_eq!(
        from_hex_string("0a1").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(
        from_hex_string("zz").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
}

#[test]
fn uri_and_html() {
    assert_eq!(escape_data_string("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    assert_eq!(escape_data_string("-_.~!*'()"), "-_.~%21%2A%27%28%29");
    assert_eq!(
        escape_uri_string("http://x/a b?q=1#f"),
        "http://x/a%20b?q=1#f"
    );
    assert_eq!(unescape_data_string("a%20b%2Fc%C3%A9"), "a b/cé");
    assert_eq!(unescape_data_string("100%"), "100%");
    assert_eq!(unescape_data_string("a+b"), "a+b");
    assert_eq!(url_encode("a b&c=d"), "a+b%26c%3Dd");
    assert_eq!(url_encode("é!*()"), "%C3%A9!*()");
    assert_eq!(url_encode("~"), "%7E");
    assert_eq!(url_decode("a+b%26c"), "a b&c");
    assert_eq!(url_decode("%zz"), "%zz");
    assert_eq!(
        html_encode("<a href=\"x\">Tom & 'Jerry'</a>"),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
    );
    assert_eq!(html_encode("é"), "&#233;");
    assert_eq!(
        html_decode("&lt;b&gt; &amp;amp; &#65;&#x42; &unknown; &"),
        "<b> &amp; AB &unknown; &"
    );
    assert!(check_absolute_uri("https://example.com/a").is_ok());
    assert_eq!(
        check_absolute_uri("/relative").map_err(|e| e.kind),
        Err(ExceptionKind::UriFormat)
    );
}

#[test]
fn hashes() {
    let hex = |b: Vec<u8>| to_hex_string_lower(&b);
    assert_eq!(
        hex(compute_hash(Md5, b"")),
        "d41d8cd98f00b204e9800998ecf8427e"
    );
    assert_eq!(
        hex(compute_hash(Md5, b"abc")),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    assert_eq!(
        hex(compute_hash(Sha1, b"abc")),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        hex(compute_hash(Sha256, b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(compute_hash(Sha384, b"abc")),
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
    );
    assert_eq!(
        hex(compute_hash(Sha512, b"abc")),
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    );
    assert_eq!(
        to_base64(&compute_hash(Sha256, b"")),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    // RFC 4231 test case 2 and RFC 2202.
    let data = b"what do ya want for nothing?";
    assert_eq!(
        hex(hmac(Sha256, b"Jefe", data)),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hex(hmac(Sha1, b"Jefe", data)),
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    );
    assert_eq!(
        hex(hmac(Md5, b"Jefe", data)),
        "750c783e6ab0b503eaa86e310a5db738"
    );
    assert_eq!(
        hex(hmac(Sha512, b"Jefe", data)),
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
    );
    assert_eq!(hex(hmac(Sha384, b"Jefe", data)).len(), 96);
    assert_eq!(hmac(Sha256, &[0xAA; 200], b"x").len(), 32);
    assert_eq!(hmac(Sha256, b"", b"").len(), 32);
}

#[test]
fn guids() {
    let g = Guid::parse("ca761232-ed42-11ce-bacd-00aa0057b223").unwrap_or_default();
    assert_eq!(
        g.format(""),
        Ok("ca761232-ed42-11ce-bacd-00aa0057b223".into())
    );
    assert_eq!(g.format("N"), Ok("ca761232ed4211cebacd00aa0057b223".into()));
    assert_eq!(
        g.format("B"),
        Ok("{ca761232-ed42-11ce-bacd-00aa0057b223}".into())
    );
    assert_eq!(
        g.format("P"),
        Ok("(ca761232-ed42-11ce-bacd-00aa0057b223)".into())
    );
    assert_eq!(
        g.format("Z").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(Guid::parse("CA761232ED4211CEBACD00AA0057B223"), Ok(g));
    assert_eq!(Guid::parse("{CA761232-ED42-11CE-BACD-00AA0057B223}"), Ok(g));
    assert_eq!(Guid::parse("(ca761232-ed42-11ce-bacd-00aa0057b223)"), Ok(g));
    assert_eq!(Guid::parse(" ca761232-ed42-11ce-bacd-00aa0057b223 "), Ok(g));
    assert_eq!(
        Guid::parse("ca761232-ed42-11ce-bacd-00aa0057b22").map_err(|e| e.message),
        Err("Unrecognized Guid format.".into())
    );
    assert_eq!(
        Guid::parse("ca761232+ed42-11ce-bacd-00aa0057b223").map_err(|e| e.kind),
        Err(ExceptionKind::Format)
    );
    assert_eq!(Guid::try_parse("xyz"), None);
    assert_eq!(g.to_byte_array()[..4], [0x32, 0x12, 0x76, 0xCA]);
    assert_eq!(
        Guid::EMPTY.format("D"),
        Ok("00000000-0000-0000-0000-000000000000".into())
    );
    let n = Guid::new_v4([0xFF; 16]);
    assert_eq!(
        n.format("D"),
        Ok("ffffffff-ffff-4fff-bfff-ffffffffffff".into())
    );
}
