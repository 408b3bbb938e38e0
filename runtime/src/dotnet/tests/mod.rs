//! Unit tests of the .NET library against documented .NET outputs.

mod number;
