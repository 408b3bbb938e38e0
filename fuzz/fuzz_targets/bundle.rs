//! Fuzz target: the program-bundle loader refuses or accepts any bytes, never panics, and
//! whatever it accepts re-encodes to exactly the same bytes.

#![no_main]

use gatehouse_runtime::program::{decode_program, encode_program, DecodeLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits {
        max_bytes: 1 << 20,
        ..DecodeLimits::default()
    };
    if let Ok(p) = decode_program(data, &limits) {
        assert_eq!(encode_program(&p), data);
    }
});
