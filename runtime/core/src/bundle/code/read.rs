//! Reading the values of a code section: constants, operator tags, host objects, and
//! instructions through [`Instr::read`] (the reader is their [`OperandSource`]).

use super::super::reader::Reader;
use super::write::{const_tag, host_bytes, ENTITIES};
use crate::bundle::BundleError;
use crate::bytecode::{Const, Instr, OperandSource};
use crate::value::{HostObj, Msg};
use rust_decimal::Decimal;

impl Reader<'_> {
    pub(crate) fn konst(&mut self) -> Result<Const, BundleError> {
        use const_tag::*;
        let at = self.pos;
        Ok(match self.u8("a constant tag")? {
            BOOL => Const::Bool(self.bool("a bool constant")?),
            CHAR => Const::Char(self.u16("a char constant")?),
            INT => Const::Int(i32::from_le_bytes(self.array("an int constant")?)),
            LONG => Const::Long(i64::from_le_bytes(self.array("a long constant")?)),
            UINT => Const::UInt(self.u32("a uint constant")?),
            ULONG => Const::ULong(self.u64("a ulong constant")?),
            FLOAT => Const::Float(f32::from_bits(self.u32("a float constant")?)),
            DOUBLE => Const::Double(f64::from_bits(self.u64("a double constant")?)),
            DECIMAL => {
                let b: [u8; 16] = self.array("a decimal constant")?;
                let flags = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                let scale = (flags >> 16) & 0xff;
                if flags & !0x80ff_0000 != 0 || scale > 28 {
                    return Err(BundleError::new(
                        at + 1,
                        format!("invalid decimal flags {flags:#010x}"),
                    ));
                }
                Const::Decimal(Decimal::deserialize(b))
            }
            t => return Err(BundleError::new(at, format!("unknown constant tag {t}"))),
        })
    }

    fn tagged<T: Copy>(&mut self, all: &[T], what: &str) -> Result<T, BundleError> {
        let at = self.pos;
        let t = self.u8(what)?;
        all.get(t as usize)
            .copied()
            .ok_or_else(|| BundleError::new(at, format!("unknown {what} {t}")))
    }

    fn host(&mut self) -> Result<HostObj, BundleError> {
        let at = self.pos;
        let [kind, arg]: [u8; 2] = self.array("a host object")?;
        let msg = if arg == 0 {
            Msg::Request
        } else {
            Msg::Response
        };
        let h = match kind {
            0 => HostObj::Context,
            1 => HostObj::Message(msg),
            2 => HostObj::Headers(msg),
            3 => HostObj::Body(msg),
            4 => HostObj::Url(arg != 0),
            5 => HostObj::Query(arg != 0),
            6 => HostObj::MatchedParameters,
            7 => HostObj::Variables,
            8 => match ENTITIES.get(arg as usize) {
                Some(e) => HostObj::Entity(*e),
                None => return Err(BundleError::new(at, format!("unknown entity {arg}"))),
            },
            _ => return Err(BundleError::new(at, format!("unknown host object {kind}"))),
        };
        // Canonical form only: an argument the kind does not use must be 0, a flag 0 or 1.
        if host_bytes(h) != [kind, arg] {
            return Err(BundleError::new(
                at,
                format!("invalid host object {kind}/{arg}"),
            ));
        }
        Ok(h)
    }

    pub(crate) fn instr(&mut self) -> Result<Instr, BundleError> {
        let at = self.pos;
        let op = self.u8("an opcode")?;
        Instr::read(op, self)?.ok_or_else(|| BundleError::new(at, format!("unknown opcode {op}")))
    }
}

impl OperandSource for Reader<'_> {
    type Error = BundleError;

    fn byte(&mut self) -> Result<u8, BundleError> {
        self.u8("an operand")
    }

    fn flag(&mut self) -> Result<bool, BundleError> {
        self.bool("an operand")
    }

    fn var_u32(&mut self) -> Result<u32, BundleError> {
        Reader::var_u32(self, "an operand")
    }

    fn var_u16(&mut self) -> Result<u16, BundleError> {
        Reader::var_u16(self, "an operand")
    }

    fn host(&mut self) -> Result<HostObj, BundleError> {
        Reader::host(self)
    }

    fn tag<T: Copy>(&mut self, all: &[T], what: &str) -> Result<T, BundleError> {
        self.tagged(all, what)
    }
}
