using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Webhooks;

/// <summary>
/// Writes JSON exactly as JavaScript's <c>JSON.stringify(JSON.parse(text))</c> would: compact, strings escaped only
/// where the language must (quote, backslash, control characters, lone surrogates), numbers in JavaScript's form,
/// integer-like keys first as a JavaScript object orders them.
/// </summary>
/// <remarks>
/// Why: many receivers written for Quiltt verify the signature over <c>JSON.stringify(req.body)</c> (Express with
/// <c>express.json()</c>) instead of the raw body. A body that round-trips byte for byte verifies both ways.
/// System.Text.Json escapes <c>&lt;</c>, <c>+</c>, non-ASCII and emoji, and writes <c>1E+21</c>, so it cannot be used here.
/// </remarks>
public static class JavaScriptJson
{
    public static string Stringify(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                // A JavaScript object lists array-index keys first, ascending, then the others in insertion order.
                var ordered = obj.Where(p => IsArrayIndex(p.Key)).OrderBy(p => uint.Parse(p.Key, CultureInfo.InvariantCulture))
                    .Concat(obj.Where(p => !IsArrayIndex(p.Key)));
                foreach (var (key, value) in ordered)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, value);
                }
                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, array[i]);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    // Through their JSON text: a value made from a Guid or a long reads back as a string or a double.
                    case JsonValueKind.String: WriteString(sb, value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString())!); break;
                    case JsonValueKind.Number: sb.Append(Number(double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture))); break;
                    case JsonValueKind.True: sb.Append("true"); break;
                    case JsonValueKind.False: sb.Append("false"); break;
                    default: sb.Append("null"); break;
                }
                break;
        }
    }

    private static bool IsArrayIndex(string key) =>
        key.Length > 0 && (key == "0" || key[0] != '0') && key.All(char.IsAsciiDigit)
        && uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index != uint.MaxValue;

    private static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    var pairedHigh = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                    var pairedLow = char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1]);
                    if (c < 0x20 || (char.IsSurrogate(c) && !pairedHigh && !pairedLow))
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>ECMAScript's Number::toString: the shortest round-trip digits, laid out as the spec says.</summary>
    public static string Number(double x)
    {
        if (!double.IsFinite(x)) return "null"; // what JSON.stringify writes for a number JSON.parse overflowed
        if (x == 0) return "0"; // -0 too
        if (x < 0) return "-" + Number(-x);
        var r = x.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var digits = dot >= 0 ? r[..dot] + r[(dot + 1)..] : r;
        var integerDigits = dot >= 0 ? dot : r.Length;
        var trimmed = digits.TrimStart('0');
        integerDigits -= digits.Length - trimmed.Length;
        var s = trimmed.TrimEnd('0');
        var k = s.Length;
        var n = integerDigits + exponent; // x = 0.s × 10^n
        if (k <= n && n <= 21) return s + new string('0', n - k);
        if (0 < n && n <= 21) return s[..n] + "." + s[n..];
        if (-6 < n && n <= 0) return "0." + new string('0', -n) + s;
        var e10 = n - 1;
        var sign = e10 < 0 ? "-" : "+";
        return (k == 1 ? s : s[..1] + "." + s[1..]) + "e" + sign + Math.Abs(e10).ToString(CultureInfo.InvariantCulture);
    }
}
