//! Unit tests of the .NET library against documented .NET outputs.

mod datetime;
mod number;
mod string;
