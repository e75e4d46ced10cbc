using System.Globalization;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Types;

/// <summary>
/// Ready-made implementations of scalars the API declares in SDL (<c>scalar Date</c>, <c>scalar DateTime</c>):
/// pass one to <see cref="SchemaBuilder.Scalar"/>. Each call returns a new instance (a schema owns its types).
/// </summary>
public static class CommonScalars
{
    /// <summary>
    /// <c>DateTime</c>: an ISO 8601 / RFC 3339 date-time with offset. Serializes <see cref="DateTimeOffset"/> and
    /// <see cref="DateTime"/> (UTC) as <c>2024-01-31T09:30:00.000Z</c>; accepts any ISO 8601 string with an offset.
    /// </summary>
    public static ScalarType CreateDateTime(string name = "DateTime") => new(name)
    {
        SpecifiedByUrl = null,
        SerializeFunc = value => JsonValues.Normalize(value) switch
        {
            DateTimeOffset d => Format(d),
            DateTime d => Format(new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d)),
            string s when TryParseDateTime(s, out var parsed) => Format(parsed),
            var other => throw new GraphQLError($"{name} cannot represent value: {Inspector.Inspect(other)}"),
        },
        ParseValueFunc = value => JsonValues.Normalize(value) is string s && TryParseDateTime(s, out var parsed)
            ? parsed
            : throw new GraphQLError($"{name} cannot represent an invalid date-time: {Inspector.Inspect(value)}"),
        ParseLiteralFunc = (node, _) => node is StringValueNode { Value: var s } && TryParseDateTime(s, out var parsed)
            ? parsed
            : throw new GraphQLError($"{name} cannot represent an invalid date-time: {Printer.Print(node)}", node),
    };

    /// <summary><c>Date</c>: a calendar date <c>yyyy-MM-dd</c>, as <see cref="DateOnly"/> (also serializes DateTime/DateTimeOffset).</summary>
    public static ScalarType CreateDate(string name = "Date") => new(name)
    {
        SerializeFunc = value => JsonValues.Normalize(value) switch
        {
            // "O" is DateOnly's ISO form, yyyy-MM-dd, on a fast path (a custom pattern parses the pattern every call).
            DateOnly d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            string s when TryParseDate(s, out var parsed) => parsed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            var other => throw new GraphQLError($"{name} cannot represent value: {Inspector.Inspect(other)}"),
        },
        ParseValueFunc = value => JsonValues.Normalize(value) is string s && TryParseDate(s, out var parsed)
            ? parsed
            : throw new GraphQLError($"{name} cannot represent an invalid date: {Inspector.Inspect(value)}"),
        ParseLiteralFunc = (node, _) => node is StringValueNode { Value: var s } && TryParseDate(s, out var parsed)
            ? parsed
            : throw new GraphQLError($"{name} cannot represent an invalid date: {Printer.Print(node)}", node),
    };

    /// <summary><c>JSON</c>: any JSON value, passed through as is (literals are read into dictionaries and lists).</summary>
    public static ScalarType CreateJson(string name = "JSON") => new(name);

    private static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        value = default;

        // RFC 3339 needs the date, a T and an explicit offset (Z or ±hh:mm): no guessing of local time.
        var hasOffset = text.Length >= 20 && (text[^1] is 'Z' or 'z' || text[^6] is '+' or '-');
        return hasOffset && text[10] is 'T' or 't' &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static bool TryParseDate(string text, out DateOnly value) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
}
