//! The code section's writer: a [`Code`]'s varint-coded pools and instructions (and
//! [`encode`], a code bundle: the header, then that section).
//!
//! The byte-by-byte layout is in `docs/bundle.md`; [`crate::bundle::decode`] is its verifying
//! inverse. Opcodes and operand encodings are [`crate::bytecode::Instr`]'s table; constant and
//! host-object tags live here, next to the writer.

use crate::bytecode::{tag_of, Code, Const, OperandSink};
use crate::value::{Entity, HostObj, Msg};
use gatehouse_dotnet::regex::RegexOptions;

use crate::bundle::header::{put_len, put_str, put_var, seal, BundleKind};

/// Writes `code` as a bundle.
pub fn encode(code: &Code) -> Vec<u8> {
    let mut p = Vec::new();
    put_code(&mut p, code);
    seal(BundleKind::Code, &p)
}

/// The code section: `code`'s pools, spans and instructions (shared by both bundle kinds).
pub(crate) fn put_code(p: &mut Vec<u8>, code: &Code) {
    put_var(p, code.locals);
    put_len(p, code.strings.len());
    for s in &code.strings {
        put_str(p, s);
    }
    put_len(p, code.consts.len());
    for c in &code.consts {
        put_const(p, *c);
    }
    put_len(p, code.regexes.len());
    for r in &code.regexes {
        put_str(p, &r.pattern);
        p.push(regex_flags(r.options));
    }
    put_len(p, code.shapes.len());
    for shape in &code.shapes {
        put_len(p, shape.len());
        for name in shape.iter() {
            put_str(p, name);
        }
    }
    put_len(p, code.funcs.len());
    for f in &code.funcs {
        put_var(p, f.entry);
        put_var(p, f.first_param);
        put_var(p, f.params);
        put_var(p, f.slots.0);
        put_var(p, f.slots.1);
    }
    put_len(p, code.handlers.len());
    for h in &code.handlers {
        put_var(p, h.target);
    }
    put_len(p, code.spans.len());
    for s in &code.spans {
        put_var(p, s.start);
        put_var(p, s.end.saturating_sub(s.start));
    }
    put_len(p, code.instrs.len());
    for ins in &code.instrs {
        ins.write(p);
    }
}

/// Constant type tags.
pub(super) mod const_tag {
    pub const BOOL: u8 = 0;
    pub const CHAR: u8 = 1;
    pub const INT: u8 = 2;
    pub const LONG: u8 = 3;
    pub const UINT: u8 = 4;
    pub const ULONG: u8 = 5;
    pub const FLOAT: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const DECIMAL: u8 = 8;
}

fn put_const(out: &mut Vec<u8>, c: Const) {
    use const_tag::*;
    match c {
        Const::Bool(b) => out.extend_from_slice(&[BOOL, u8::from(b)]),
        Const::Char(v) => {
            out.push(CHAR);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::Int(v) => {
            out.push(INT);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::Long(v) => {
            out.push(LONG);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::UInt(v) => {
            out.push(UINT);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::ULong(v) => {
            out.push(ULONG);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Const::Float(v) => {
            out.push(FLOAT);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        Const::Double(v) => {
            out.push(DOUBLE);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        Const::Decimal(v) => {
            out.push(DECIMAL);
            out.extend_from_slice(&v.serialize());
        }
    }
}

/// `RegexOptions` as bit flags (bit 0 `IgnoreCase` … bit 4 `ExplicitCapture`).
pub(super) fn regex_flags(o: RegexOptions) -> u8 {
    u8::from(o.ignore_case)
        | u8::from(o.multiline) << 1
        | u8::from(o.singleline) << 2
        | u8::from(o.ignore_pattern_whitespace) << 3
        | u8::from(o.explicit_capture) << 4
}

/// Every [`Entity`], in tag order.
pub(super) const ENTITIES: [Entity; 8] = {
    use Entity::*;
    [
        Api,
        Operation,
        Product,
        Subscription,
        User,
        LastError,
        Deployment,
        Gateway,
    ]
};

/// A host object as two bytes: kind and argument.
pub(super) fn host_bytes(h: HostObj) -> [u8; 2] {
    let msg = |m: Msg| u8::from(m == Msg::Response);
    match h {
        HostObj::Context => [0, 0],
        HostObj::Message(m) => [1, msg(m)],
        HostObj::Headers(m) => [2, msg(m)],
        HostObj::Body(m) => [3, msg(m)],
        HostObj::Url(b) => [4, u8::from(b)],
        HostObj::Query(b) => [5, u8::from(b)],
        HostObj::MatchedParameters => [6, 0],
        HostObj::Variables => [7, 0],
        HostObj::Entity(e) => [8, tag_of(&ENTITIES, &e)],
    }
}

impl OperandSink for Vec<u8> {
    fn byte(&mut self, b: u8) {
        self.push(b);
    }
    fn var(&mut self, v: u64) {
        put_var(self, v);
    }
    fn host(&mut self, h: HostObj) {
        self.extend_from_slice(&host_bytes(h));
    }
}
