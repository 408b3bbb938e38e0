//! Reading the values of a code section: constants, operator tags, host objects, instructions.

use super::super::reader::Reader;
use super::write::{const_tag, host_bytes, op, BIN_OPS, ENTITIES, TYPE_IDS, UN_OPS};
use crate::bundle::BundleError;
use crate::bytecode::{Const, Instr, TypeId};
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

    fn type_id(&mut self) -> Result<TypeId, BundleError> {
        self.tagged(&TYPE_IDS, "type id")
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
        use op::*;
        let at = self.pos;
        Ok(match self.u8("an opcode")? {
            CONST => Instr::Const(self.var_u32("an operand")?),
            STR => Instr::Str(self.var_u32("an operand")?),
            NULL => Instr::Null,
            CONTEXT => Instr::Context,
            HOST => Instr::Host(self.host()?),
            POP => Instr::Pop,
            DUP => Instr::Dup,
            LOAD => Instr::Load(self.var_u16("an operand")?),
            STORE => Instr::Store(self.var_u16("an operand")?),
            GET => Instr::Get(self.var_u32("an operand")?),
            GET_NAMED => Instr::GetNamed(self.var_u32("an operand")?),
            SET => Instr::Set(self.var_u32("an operand")?),
            LOOKUP => Instr::Lookup(
                self.host()?,
                self.var_u16("an operand")?,
                self.var_u16("an operand")?,
            ),
            code @ (LOOKUP_EQ | LOOKUP_NE) => {
                let h = self.host()?;
                let key = self.var_u16("an operand")?;
                let lit = self.var_u16("an operand")?;
                let absent = self.bool("an operand")?;
                if code == LOOKUP_EQ {
                    Instr::LookupEq(h, key, lit, absent)
                } else {
                    Instr::LookupNe(h, key, lit, absent)
                }
            }
            CALL => Instr::Call(self.var_u32("an operand")?, self.u8("an operand")?),
            STATIC => Instr::Static(self.var_u32("an operand")?, self.u8("an operand")?),
            INDEX => Instr::Index(self.u8("an operand")?),
            SET_INDEX => Instr::SetIndex(self.u8("an operand")?),
            JUMP => Instr::Jump(self.var_u32("an operand")?),
            JUMP_IF_FALSE => Instr::JumpIfFalse(self.var_u32("an operand")?),
            JUMP_IF_TRUE => Instr::JumpIfTrue(self.var_u32("an operand")?),
            JUMP_IF_NULL => Instr::JumpIfNull(self.var_u32("an operand")?),
            JUMP_IF_NOT_NULL => Instr::JumpIfNotNull(self.var_u32("an operand")?),
            BINARY => Instr::Binary(self.tagged(&BIN_OPS, "binary operator")?),
            EQ_STR => Instr::EqStr(self.var_u32("an operand")?),
            NE_STR => Instr::NeStr(self.var_u32("an operand")?),
            BINARY_CHECKED => Instr::BinaryChecked(self.tagged(&BIN_OPS, "binary operator")?),
            UNARY => Instr::Unary(self.tagged(&UN_OPS, "unary operator")?),
            CAST => Instr::Cast(self.type_id()?),
            CAST_CHECKED => Instr::CastChecked(self.type_id()?),
            UNBOX => Instr::Unbox(self.type_id()?),
            IS_TYPE => Instr::IsType(self.type_id()?),
            CATCHES => Instr::Catches(self.var_u32("an operand")?),
            AS => Instr::As(self.type_id()?),
            FORMAT => Instr::Format(self.var_u32("an operand")?),
            ALIGN => Instr::Align,
            CONCAT => Instr::Concat(self.var_u16("an operand")?),
            REGEX => Instr::Regex(self.var_u32("an operand")?),
            MAKE_LAMBDA => Instr::MakeLambda(self.var_u32("an operand")?),
            INVOKE => Instr::Invoke(self.u8("an operand")?),
            NEW_ARRAY => Instr::NewArray(self.type_id()?, self.var_u16("an operand")?),
            NEW_ANON => Instr::NewAnon(self.var_u32("an operand")?),
            ITER => Instr::Iter,
            ITER_NEXT => Instr::IterNext(self.var_u32("an operand")?),
            TRY_ENTER => Instr::TryEnter(self.var_u32("an operand")?),
            TRY_EXIT => Instr::TryExit,
            RETURN => Instr::Return,
            THROW => Instr::Throw,
            LOAD_OUT => Instr::LoadOut,
            NOP => Instr::Nop,
            b => return Err(BundleError::new(at, format!("unknown opcode {b}"))),
        })
    }
}
