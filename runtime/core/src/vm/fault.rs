//! Runtime faults: the .NET exception an evaluation raised, with the source span it came from.

use crate::bytecode::SpanRef;
use gatehouse_dotnet::{DotnetError, ExceptionKind};
use std::fmt;

/// Why an evaluation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// `System.NullReferenceException`.
    NullReference,
    /// `System.InvalidCastException`.
    InvalidCast,
    /// `System.FormatException`.
    Format,
    /// `System.OverflowException`.
    Overflow,
    /// `System.DivideByZeroException`.
    DivideByZero,
    /// `System.IndexOutOfRangeException`.
    IndexOutOfRange,
    /// `System.Collections.Generic.KeyNotFoundException`.
    KeyNotFound,
    /// `System.ArgumentException`.
    Argument,
    /// `System.ArgumentNullException`.
    ArgumentNull,
    /// `System.ArgumentOutOfRangeException`.
    ArgumentOutOfRange,
    /// `System.InvalidOperationException`.
    InvalidOperation,
    /// `System.NotSupportedException`.
    NotSupported,
    /// `System.UriFormatException`.
    UriFormat,
    /// `Newtonsoft.Json.JsonReaderException`.
    JsonReader,
    /// `System.Xml.XmlException`.
    Xml,
    /// `RegexParseException`.
    RegexParse,
    /// `RegexMatchTimeoutException`.
    RegexMatchTimeout,
    /// `System.Exception` thrown by the expression itself (`throw new Exception(...)`).
    Exception,
    /// The step limit was reached.
    StepLimit,
    /// The heap-size limit was reached.
    HeapLimit,
    /// The call-depth limit was reached (`System.InsufficientExecutionStackException`).
    DepthLimit,
    /// The memory budget was spent (`System.OutOfMemoryException`).
    MemoryLimit,
    /// A construct the VM does not implement at run time.
    Unsupported,
}

impl FaultKind {
    /// The .NET exception type name.
    pub fn name(self) -> &'static str {
        use FaultKind::*;
        match self {
            NullReference => "System.NullReferenceException",
            InvalidCast => "System.InvalidCastException",
            Format => "System.FormatException",
            Overflow => "System.OverflowException",
            DivideByZero => "System.DivideByZeroException",
            IndexOutOfRange => "System.IndexOutOfRangeException",
            KeyNotFound => "System.Collections.Generic.KeyNotFoundException",
            Argument => "System.ArgumentException",
            ArgumentNull => "System.ArgumentNullException",
            ArgumentOutOfRange => "System.ArgumentOutOfRangeException",
            InvalidOperation => "System.InvalidOperationException",
            NotSupported | Unsupported => "System.NotSupportedException",
            UriFormat => "System.UriFormatException",
            JsonReader => "Newtonsoft.Json.JsonReaderException",
            Xml => "System.Xml.XmlException",
            RegexParse => "System.Text.RegularExpressions.RegexParseException",
            RegexMatchTimeout => "System.Text.RegularExpressions.RegexMatchTimeoutException",
            Exception => "System.Exception",
            StepLimit | HeapLimit => "System.OperationCanceledException",
            DepthLimit => "System.InsufficientExecutionStackException",
            MemoryLimit => "System.OutOfMemoryException",
        }
    }

    /// The short name used by tests (`NullReference`, `InvalidCast`, …).
    pub fn short(self) -> String {
        format!("{self:?}")
    }

    /// Whether a `catch` clause of .NET type `ty` (simple or full name) catches this.
    pub fn caught_by(self, ty: &str) -> bool {
        let ty = ty.trim_start_matches("System.");
        let own = self.name().rsplit('.').next().unwrap_or("");
        let limit = matches!(
            self,
            FaultKind::StepLimit
                | FaultKind::HeapLimit
                | FaultKind::DepthLimit
                | FaultKind::MemoryLimit
        );
        if limit {
            return false;
        }
        ty == "Exception"
            || ty == own
            || (ty == "ArgumentException"
                && matches!(
                    self,
                    FaultKind::ArgumentNull | FaultKind::ArgumentOutOfRange | FaultKind::RegexParse
                ))
            || (ty == "ArithmeticException"
                && matches!(self, FaultKind::Overflow | FaultKind::DivideByZero))
            || (ty == "FormatException" && self == FaultKind::UriFormat)
    }
}

/// A runtime fault: APIM reports these as `ExpressionValueEvaluationFailure`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The exception type.
    pub kind: FaultKind,
    /// The exception message.
    pub message: String,
    /// Where in the expression (byte offsets into its text).
    pub span: SpanRef,
}

impl Fault {
    /// A fault without a location yet (the VM fills it in).
    pub fn new(kind: FaultKind, message: impl Into<String>) -> Fault {
        Fault {
            kind,
            message: message.into(),
            span: SpanRef::NONE,
        }
    }

    /// `NullReferenceException` with .NET's message.
    pub fn null() -> Fault {
        Fault::new(
            FaultKind::NullReference,
            "Object reference not set to an instance of an object.",
        )
    }

    /// `InvalidCastException` from `from` to `to`.
    pub fn cast(from: &str, to: &str) -> Fault {
        Fault::new(
            FaultKind::InvalidCast,
            format!("Unable to cast object of type '{from}' to type '{to}'."),
        )
    }

    /// A construct not supported at run time.
    pub fn unsupported(what: impl fmt::Display) -> Fault {
        Fault::new(FaultKind::Unsupported, format!("{what} is not supported"))
    }

    /// An `ArgumentException` with `message`.
    pub fn argument(message: impl Into<String>) -> Fault {
        Fault::new(FaultKind::Argument, message)
    }
}

impl From<DotnetError> for Fault {
    fn from(e: DotnetError) -> Fault {
        use ExceptionKind as E;
        let kind = match e.kind {
            E::Format => FaultKind::Format,
            E::Argument => FaultKind::Argument,
            E::ArgumentOutOfRange => FaultKind::ArgumentOutOfRange,
            E::ArgumentNull => FaultKind::ArgumentNull,
            E::Overflow => FaultKind::Overflow,
            E::DivideByZero => FaultKind::DivideByZero,
            E::InvalidCast => FaultKind::InvalidCast,
            E::IndexOutOfRange => FaultKind::IndexOutOfRange,
            E::KeyNotFound => FaultKind::KeyNotFound,
            E::InvalidOperation => FaultKind::InvalidOperation,
            E::NotSupported => FaultKind::NotSupported,
            E::UriFormat => FaultKind::UriFormat,
            E::JsonReader => FaultKind::JsonReader,
            E::RegexParse => FaultKind::RegexParse,
            E::RegexMatchTimeout => FaultKind::RegexMatchTimeout,
            E::OutOfMemory => FaultKind::MemoryLimit,
        };
        Fault::new(kind, e.message)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for Fault {}
