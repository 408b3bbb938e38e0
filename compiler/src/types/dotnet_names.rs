//! Real .NET member names of the types policy expressions use, names only: a name here but
//! not in the member table is valid .NET that gatehouse does not implement (a warning); a
//! name in neither is a mistake (an error). Keys are member-table type names.

/// Instance members (and extension methods) per type, space-separated.
const INSTANCE: &[(&str, &str)] = &[
    ("object", "ToString Equals GetHashCode GetType"),
    ("string", "Length Chars Clone CompareTo Contains CopyTo EndsWith EnumerateRunes GetEnumerator GetTypeCode IndexOf IndexOfAny Insert IsNormalized LastIndexOf LastIndexOfAny Normalize PadLeft PadRight Remove Replace ReplaceLineEndings Split StartsWith Substring ToCharArray ToLower ToLowerInvariant ToUpper ToUpperInvariant Trim TrimEnd TrimStart TryCopyTo AsSpan AsMemory AsBasic TryParseBasic AsJwt TryParseJwt"),
    ("IEnumerable", "Aggregate All Any Append AsEnumerable Average Cast Chunk Concat Contains Count DefaultIfEmpty Distinct DistinctBy ElementAt ElementAtOrDefault Except ExceptBy First FirstOrDefault GroupBy GroupJoin Intersect IntersectBy Join Last LastOrDefault LongCount Max MaxBy Min MinBy OfType Order OrderBy OrderByDescending OrderDescending Prepend Reverse Select SelectMany SequenceEqual Single SingleOrDefault Skip SkipLast SkipWhile Sum Take TakeLast TakeWhile ThenBy ThenByDescending ToArray ToDictionary ToHashSet ToList ToLookup TryGetNonEnumeratedCount Union UnionBy Where Zip GetEnumerator AsJEnumerable Values Value Children Ancestors AncestorsAndSelf Descendants DescendantsAndSelf Properties"),
    ("number", "CompareTo GetTypeCode TryFormat"),
    ("bool", "CompareTo GetTypeCode TryFormat"),
    ("char", "CompareTo GetTypeCode"),
    ("DateTime", "Add AddDays AddHours AddMilliseconds AddMicroseconds AddMinutes AddMonths AddSeconds AddTicks AddYears CompareTo Date Day DayOfWeek DayOfYear GetDateTimeFormats Hour IsDaylightSavingTime Kind Microsecond Millisecond Minute Month Nanosecond Second Subtract Ticks TimeOfDay ToBinary ToFileTime ToFileTimeUtc ToLocalTime ToLongDateString ToLongTimeString ToOADate ToShortDateString ToShortTimeString ToUniversalTime Year Deconstruct"),
    ("TimeSpan", "Add CompareTo Days Divide Duration Hours Microseconds Milliseconds Minutes Multiply Nanoseconds Negate Seconds Subtract Ticks TotalDays TotalHours TotalMicroseconds TotalMilliseconds TotalMinutes TotalNanoseconds TotalSeconds"),
    ("Guid", "CompareTo ToByteArray TryFormat TryWriteBytes"),
    ("JToken", "AddAfterSelf AddAnnotation AddBeforeSelf AfterSelf Ancestors AncestorsAndSelf Annotation Annotations BeforeSelf Children CreateReader DeepClone First HasValues Item Last Next Parent Path Previous Remove RemoveAnnotations Replace Root SelectToken SelectTokens ToObject Type Value Values WriteTo"),
    ("JContainer", "Add AddFirst Children Count CreateWriter Descendants DescendantsAndSelf First Last Merge RemoveAll ReplaceAll Values HasValues"),
    ("JObject", "Add ContainsKey GetEnumerator GetValue Properties Property PropertyValues Remove TryGetValue Count Item"),
    ("JArray", "Add Clear Contains CopyTo IndexOf Insert Remove RemoveAt Count Item IsReadOnly GetEnumerator"),
    ("JValue", "Value Type CompareTo HasValues"),
    ("JProperty", "Name Value"),
    ("List", "Add AddRange AsReadOnly BinarySearch Capacity Clear Contains ConvertAll CopyTo Count EnsureCapacity Exists Find FindAll FindIndex FindLast FindLastIndex ForEach GetEnumerator GetRange IndexOf Insert InsertRange Item LastIndexOf Remove RemoveAll RemoveAt RemoveRange Reverse Slice Sort ToArray TrimExcess TrueForAll"),
    ("Dictionary", "Add Clear Comparer ContainsKey ContainsValue Count EnsureCapacity GetEnumerator GetValueOrDefault Item Keys Remove TrimExcess TryAdd TryGetValue Values ToFormUrlEncodedContent ToQueryString"),
    ("HashSet", "Add Clear Comparer Contains CopyTo Count ExceptWith IntersectWith IsProperSubsetOf IsProperSupersetOf IsSubsetOf IsSupersetOf Overlaps Remove RemoveWhere SetEquals SymmetricExceptWith TrimExcess TryGetValue UnionWith"),
    ("KeyValuePair", "Key Value Deconstruct"),
    ("Array", "Length LongLength Rank Clone CopyTo GetLength GetLongLength GetLowerBound GetUpperBound GetValue SetValue GetEnumerator IsFixedSize IsReadOnly IsSynchronized SyncRoot"),
    ("byte[]", "Encrypt Decrypt"),
    ("StringBuilder", "Append AppendFormat AppendJoin AppendLine Capacity Chars Clear CopyTo EnsureCapacity Insert Length MaxCapacity Remove Replace GetChunks"),
    ("Regex", "IsMatch Match Matches Replace Split GetGroupNames GetGroupNumbers GroupNameFromNumber GroupNumberFromName Options RightToLeft MatchTimeout Count EnumerateMatches EnumerateSplits"),
    ("Match", "Groups NextMatch Result Success Value Index Length Name Captures ValueSpan"),
    ("Group", "Captures Success Name Value Index Length ValueSpan"),
    ("GroupCollection", "Count Item Keys Values ContainsKey TryGetValue GetEnumerator CopyTo IsReadOnly IsSynchronized SyncRoot"),
    ("Exception", "Message InnerException StackTrace Source Data HelpLink HResult GetBaseException TargetSite GetObjectData"),
    ("Encoding", "GetBytes GetString GetByteCount GetCharCount GetChars GetDecoder GetEncoder GetMaxByteCount GetMaxCharCount GetPreamble BodyName CodePage EncodingName HeaderName WebName IsSingleByte Preamble Clone IsBrowserDisplay IsBrowserSave IsMailNewsDisplay IsMailNewsSave IsReadOnly WindowsCodePage DecoderFallback EncoderFallback"),
    ("IContext", "Api Deployment Elapsed LastError Operation Product Request RequestId Response Subscription Timestamp Tracing User Variables Trace Workspace"),
    ("IRequest", "Certificate IpAddress MatchedParameters Method OriginalUrl Url PrivateEndpointConnection AzureVnetInfo"),
    ("IResponse", "StatusCode StatusReason"),
    ("IMessage", "Body Headers"),
    ("IUrl", "Host Path Port Query QueryString Scheme"),
    ("IApi", "Id Name Path Protocols ServiceUrl SubscriptionKeyParameterNames IsCurrentRevision Revision Version"),
    ("IOperation", "Id Method Name UrlTemplate"),
    ("IProduct", "Apis ApprovalRequired Groups Id Name State SubscriptionLimit SubscriptionRequired"),
    ("ISubscription", "CreatedDate EndDate Id Key Name PrimaryKey SecondaryKey StartDate"),
    ("IUser", "Email FirstName Groups Id Identities LastName Name Note RegistrationDate"),
    ("ILastError", "Source Reason Message Scope Section Path PolicyId HttpErrorCode"),
    ("IDeployment", "GatewayId Region ServiceName ServiceId Certificates Gateway"),
    ("IGateway", "Id IsManaged"),
    ("IMessageBody", "As AsFormUrlEncodedContent"),
    ("IHeaders", "ContainsKey TryGetValue Keys Values Count Item GetValueOrDefault GetEnumerator"),
    ("IQuery", "ContainsKey TryGetValue Keys Values Count Item GetValueOrDefault GetEnumerator"),
    ("IVariables", "ContainsKey TryGetValue Keys Values Count Item GetValueOrDefault GetEnumerator"),
];

/// Static members (and constants, enum values) per type, space-separated.
const STATIC: &[(&str, &str)] = &[
    ("string", "Compare CompareOrdinal Concat Copy Create Empty Equals Format Intern IsInterned IsNullOrEmpty IsNullOrWhiteSpace Join"),
    ("int", "MaxValue MinValue Parse TryParse Abs Clamp Max Min Sign IsNegative IsPositive IsEvenInteger IsOddInteger IsPow2 CreateChecked CreateSaturating CreateTruncating"),
    ("long", "MaxValue MinValue Parse TryParse Abs Clamp Max Min Sign IsNegative IsPositive"),
    ("double", "MaxValue MinValue Parse TryParse Epsilon NaN PositiveInfinity NegativeInfinity IsNaN IsInfinity IsPositiveInfinity IsNegativeInfinity IsFinite Abs Clamp Max Min Round Floor Ceiling Truncate Sign IsNegative"),
    ("decimal", "MaxValue MinValue Parse TryParse Zero One MinusOne Add Subtract Multiply Divide Remainder Negate Round Floor Ceiling Truncate Compare ToDouble ToInt32 ToInt64 ToSingle Abs Max Min Sign"),
    ("bool", "Parse TryParse TrueString FalseString"),
    ("char", "IsDigit IsLetter IsLetterOrDigit IsLower IsUpper IsWhiteSpace IsPunctuation IsSymbol IsControl IsNumber IsSeparator IsSurrogate IsAscii IsAsciiDigit IsAsciiLetter IsAsciiHexDigit ToLower ToUpper ToLowerInvariant ToUpperInvariant Parse TryParse GetNumericValue MaxValue MinValue ConvertFromUtf32 ConvertToUtf32"),
    ("DateTime", "Compare DaysInMonth Equals FromBinary FromFileTime FromFileTimeUtc FromOADate IsLeapYear MaxValue MinValue Now Parse ParseExact SpecifyKind Today TryParse TryParseExact UtcNow UnixEpoch"),
    ("TimeSpan", "FromDays FromHours FromMicroseconds FromMilliseconds FromMinutes FromSeconds FromTicks MaxValue MinValue Parse ParseExact TryParse TryParseExact Zero Compare TicksPerDay TicksPerHour TicksPerMillisecond TicksPerMinute TicksPerSecond"),
    ("Guid", "Empty NewGuid Parse ParseExact TryParse TryParseExact CreateVersion7"),
    ("Math", "Abs Acos Acosh Asin Asinh Atan Atan2 Atanh BigMul BitDecrement BitIncrement Cbrt Ceiling Clamp CopySign Cos Cosh DivRem E Exp Floor FusedMultiplyAdd IEEERemainder ILogB Log Log10 Log2 Max MaxMagnitude Min MinMagnitude PI Pow ReciprocalEstimate ReciprocalSqrtEstimate Round ScaleB Sign Sin SinCos Sinh Sqrt Tan Tanh Tau Truncate"),
    ("Convert", "ChangeType DBNull FromBase64CharArray FromBase64String FromHexString IsDBNull ToBase64CharArray ToBase64String ToBoolean ToByte ToChar ToDateTime ToDecimal ToDouble ToHexString ToHexStringLower ToInt16 ToInt32 ToInt64 ToSByte ToSingle ToString ToUInt16 ToUInt32 ToUInt64 TryFromBase64String TryToBase64Chars"),
    ("Encoding", "ASCII BigEndianUnicode Default Latin1 Unicode UTF32 UTF7 UTF8 GetEncoding GetEncodings Convert RegisterProvider"),
    ("JToken", "DeepEquals EqualityComparer FromObject Load Parse ReadFrom"),
    ("JObject", "FromObject Load Parse DeepEquals"),
    ("JArray", "FromObject Load Parse DeepEquals"),
    ("JValue", "CreateComment CreateNull CreateString CreateUndefined"),
    ("JsonConvert", "SerializeObject DeserializeObject DeserializeAnonymousType PopulateObject SerializeXmlNode DeserializeXmlNode SerializeXNode DeserializeXNode ToString DefaultSettings True False Null Undefined NaN PositiveInfinity NegativeInfinity"),
    ("Regex", "Escape IsMatch Match Matches Replace Split Unescape CacheSize Count EnumerateMatches"),
    ("Uri", "EscapeDataString EscapeUriString UnescapeDataString IsWellFormedUriString TryCreate CheckHostName CheckSchemeName Compare IsHexDigit HexEscape HexUnescape FromHex UriSchemeHttp UriSchemeHttps SchemeDelimiter"),
    ("WebUtility", "HtmlDecode HtmlEncode UrlDecode UrlEncode UrlDecodeToBytes UrlEncodeToBytes"),
    ("RegexOptions", "None IgnoreCase Multiline ExplicitCapture Compiled Singleline IgnorePatternWhitespace RightToLeft ECMAScript CultureInvariant NonBacktracking"),
    ("StringComparison", "CurrentCulture CurrentCultureIgnoreCase InvariantCulture InvariantCultureIgnoreCase Ordinal OrdinalIgnoreCase"),
    ("StringSplitOptions", "None RemoveEmptyEntries TrimEntries"),
    ("MidpointRounding", "ToEven AwayFromZero ToZero ToNegativeInfinity ToPositiveInfinity"),
    ("DateTimeKind", "Unspecified Utc Local"),
    ("Formatting", "None Indented"),
    ("JTokenType", "None Object Array Constructor Property Comment Integer Float String Boolean Null Undefined Date Raw Bytes Guid Uri TimeSpan"),
    ("DayOfWeek", "Sunday Monday Tuesday Wednesday Thursday Friday Saturday"),
];

fn find(list: &'static [(&str, &str)], ty: &str) -> Option<&'static str> {
    list.iter().find(|(t, _)| *t == ty).map(|(_, names)| *names)
}

/// The real instance member names of `ty`, if the checker knows them all.
pub fn instance(ty: &str) -> Option<impl Iterator<Item = &'static str>> {
    find(INSTANCE, ty).map(str::split_ascii_whitespace)
}

/// The real static member names of `ty`, if the checker knows them all.
pub fn statics(ty: &str) -> Option<impl Iterator<Item = &'static str>> {
    find(STATIC, ty).map(str::split_ascii_whitespace)
}

/// Every type's instance member names, in list order.
pub fn all_instance(
) -> impl Iterator<Item = (&'static str, std::str::SplitAsciiWhitespace<'static>)> {
    INSTANCE
        .iter()
        .map(|(t, n)| (*t, n.split_ascii_whitespace()))
}

/// Every type's static member names, in list order.
pub fn all_static() -> impl Iterator<Item = (&'static str, std::str::SplitAsciiWhitespace<'static>)>
{
    STATIC.iter().map(|(t, n)| (*t, n.split_ascii_whitespace()))
}

/// Whether the checker knows every instance member of `ty`.
pub fn knows_instance(ty: &str) -> bool {
    find(INSTANCE, ty).is_some()
}

/// Types APIM allows in expressions (§3.2 of the reference) that are worth naming when
/// gatehouse does not implement them.
pub const ALLOWED_TYPES: &[&str] = &[
    "Array",
    "BitConverter",
    "DateTimeOffset",
    "Guid",
    "Random",
    "TimeZone",
    "TimeZoneInfo",
    "Tuple",
    "Uri",
    "UriPartial",
    "Nullable",
    "StringComparer",
    "HashSet",
    "Queue",
    "Stack",
    "StringReader",
    "StringWriter",
    "IPAddress",
    "WebUtility",
    "StringBuilder",
    "HMAC",
    "HMACMD5",
    "HMACSHA1",
    "HMACSHA256",
    "HMACSHA384",
    "HMACSHA512",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "SHA1Managed",
    "SHA256Managed",
    "SHA384Managed",
    "SHA512Managed",
    "RSA",
    "RNGCryptoServiceProvider",
    "HashAlgorithmName",
    "RSAEncryptionPadding",
    "RSASignaturePadding",
    "X509Certificate2",
    "X509Certificate",
    "XAttribute",
    "XCData",
    "XComment",
    "XContainer",
    "XDeclaration",
    "XDocument",
    "XElement",
    "XName",
    "XNamespace",
    "XNode",
    "XText",
    "XmlNodeType",
    "JConstructor",
    "JRaw",
    "JsonConvert",
    "CipherMode",
    "PaddingMode",
    "Aes",
    "Enumerable",
    "CultureInfo",
    "Exception",
];
