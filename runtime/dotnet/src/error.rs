//! .NET exceptions as values: the `DotnetError` every fallible .NET member returns.

use std::fmt;

/// The .NET exception type a member would have thrown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExceptionKind {
    /// `System.FormatException`.
    Format,
    /// `System.ArgumentException`.
    Argument,
    /// `System.ArgumentOutOfRangeException`.
    ArgumentOutOfRange,
    /// `System.ArgumentNullException`.
    ArgumentNull,
    /// `System.OverflowException`.
    Overflow,
    /// `System.DivideByZeroException`.
    DivideByZero,
    /// `System.InvalidCastException`.
    InvalidCast,
    /// `System.IndexOutOfRangeException`.
    IndexOutOfRange,
    /// `System.Collections.Generic.KeyNotFoundException`.
    KeyNotFound,
    /// `System.InvalidOperationException`.
    InvalidOperation,
    /// `System.NotSupportedException` (also used for features gatehouse does not implement).
    NotSupported,
    /// `System.UriFormatException`.
    UriFormat,
    /// `Newtonsoft.Json.JsonReaderException`.
    JsonReader,
    /// `System.Text.RegularExpressions.RegexParseException` (an `ArgumentException`).
    RegexParse,
    /// `System.Text.RegularExpressions.RegexMatchTimeoutException`.
    RegexMatchTimeout,
    /// `System.OutOfMemoryException`: the evaluation's memory budget is spent.
    OutOfMemory,
}

impl ExceptionKind {
    /// The full .NET type name, e.g. `"System.FormatException"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Format => "System.FormatException",
            Self::Argument => "System.ArgumentException",
            Self::ArgumentOutOfRange => "System.ArgumentOutOfRangeException",
            Self::ArgumentNull => "System.ArgumentNullException",
            Self::Overflow => "System.OverflowException",
            Self::DivideByZero => "System.DivideByZeroException",
            Self::InvalidCast => "System.InvalidCastException",
            Self::IndexOutOfRange => "System.IndexOutOfRangeException",
            Self::KeyNotFound => "System.Collections.Generic.KeyNotFoundException",
            Self::InvalidOperation => "System.InvalidOperationException",
            Self::NotSupported => "System.NotSupportedException",
            Self::UriFormat => "System.UriFormatException",
            Self::JsonReader => "Newtonsoft.Json.JsonReaderException",
            Self::RegexParse => "System.Text.RegularExpressions.RegexParseException",
            Self::RegexMatchTimeout => "System.Text.RegularExpressions.RegexMatchTimeoutException",
            Self::OutOfMemory => "System.OutOfMemoryException",
        }
    }
}

/// A .NET exception: its type and its `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotnetError {
    /// The exception type.
    pub kind: ExceptionKind,
    /// The exception's `Message` text (the .NET wording where known).
    pub message: String,
}

impl DotnetError {
    /// An exception of `kind` with `message`.
    pub fn new(kind: ExceptionKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// `FormatException` with the given message.
    pub fn format(message: impl Into<String>) -> Self {
        Self::new(ExceptionKind::Format, message)
    }

    /// `OverflowException` with the given message.
    pub fn overflow(message: impl Into<String>) -> Self {
        Self::new(ExceptionKind::Overflow, message)
    }

    /// `ArgumentException` with the given message.
    pub fn argument(message: impl Into<String>) -> Self {
        Self::new(ExceptionKind::Argument, message)
    }

    /// `ArgumentOutOfRangeException` for parameter `param` with .NET's message layout.
    pub fn out_of_range(param: &str, message: &str) -> Self {
        Self::new(
            ExceptionKind::ArgumentOutOfRange,
            format!("{message} (Parameter '{param}')"),
        )
    }

    /// `ArgumentNullException` for parameter `param`.
    pub fn null(param: &str) -> Self {
        Self::new(
            ExceptionKind::ArgumentNull,
            format!("Value cannot be null. (Parameter '{param}')"),
        )
    }

    /// `DivideByZeroException` with .NET's message.
    pub fn divide_by_zero() -> Self {
        Self::new(ExceptionKind::DivideByZero, "Attempted to divide by zero.")
    }

    /// `FormatException` with .NET's "input string" message.
    pub fn bad_input() -> Self {
        Self::format("The input string was not in a correct format.")
    }

    /// `FormatException` for an invalid format specifier.
    pub fn bad_format_specifier() -> Self {
        Self::format("Format specifier was invalid.")
    }

    /// `OverflowException` for a value outside the target type's range.
    pub fn too_big(type_name: &str) -> Self {
        Self::overflow(format!(
            "Value was either too large or too small for {type_name}."
        ))
    }

    /// `NotSupportedException` for a .NET feature gatehouse deliberately does not implement.
    pub fn unsupported(what: &str) -> Self {
        Self::new(
            ExceptionKind::NotSupported,
            format!("gatehouse does not support {what}."),
        )
    }
}

impl fmt::Display for DotnetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for DotnetError {}

/// The result of a .NET member that may throw.
pub type DResult<T> = Result<T, DotnetError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_messages() {
        assert_eq!(ExceptionKind::Format.name(), "System.FormatException");
        assert_eq!(
            ExceptionKind::JsonReader.name(),
            "Newtonsoft.Json.JsonReaderException"
        );
        let e = DotnetError::out_of_range("startIndex", "StartIndex cannot be less than zero.");
        assert_eq!(
            e.message,
            "StartIndex cannot be less than zero. (Parameter 'startIndex')"
        );
        assert_eq!(
            DotnetError::divide_by_zero().to_string(),
            "System.DivideByZeroException: Attempted to divide by zero."
        );
        assert_eq!(DotnetError::null("s").kind, ExceptionKind::ArgumentNull);
    }
}
