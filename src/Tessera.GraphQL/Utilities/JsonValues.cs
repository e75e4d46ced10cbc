using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Tessera.GraphQL.Utilities;

/// <summary>Reads JSON-like data (JsonElement, dictionaries, lists, plain CLR objects) the way graphql-js reads JavaScript values.</summary>
internal static class JsonValues
{
    private static readonly object s_true = true;
    private static readonly object s_false = false;
    private static readonly ConcurrentDictionary<(Type, string), Func<object, object?>?> s_getters = new();

    /// <summary>Reads the property named like <paramref name="field"/> (UTF-8 name cached for JSON lookups).</summary>
    public static object? GetProperty(object? parent, Tessera.GraphQL.Types.FieldDefinition field)
    {
        if (parent is JsonElement e)
        {
            return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field.Utf8Name, out var p) ? p : null;
        }

        // A field's parents are nearly always of one CLR type: its getter is kept on the field, so the common case
        // skips the (type, name) dictionary.
        if (parent is not null && !IsDictionaryOrString(parent))
        {
            var type = parent.GetType();
            var cached = field.DefaultGetter;
            if (cached is not null && cached.Type == type)
            {
                return cached.Get?.Invoke(parent);
            }

            if (!type.IsPrimitive)
            {
                var getter = s_getters.GetOrAdd((type, field.Name), static key => CompileGetter(key.Item1, key.Item2));
                field.DefaultGetter = new ClrGetter(type, getter);
                return getter?.Invoke(parent);
            }
        }

        return GetProperty(parent, field.Name);
    }

    private static bool IsDictionaryOrString(object parent) =>
        parent is IReadOnlyDictionary<string, object?> or IDictionary<string, object?> or IDictionary or string;

    /// <summary>Converts a JSON leaf to a CLR value (string, bool, long, double, null); objects and arrays stay as they are.</summary>
    public static object? Normalize(object? value)
    {
        if (value is JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.True: return s_true;
                case JsonValueKind.False: return s_false;
                case JsonValueKind.Null:
                case JsonValueKind.Undefined: return null;
                case JsonValueKind.Number:
                    if (e.TryGetInt32(out var i))
                    {
                        return i;
                    }

                    if (e.TryGetInt64(out var l))
                    {
                        return l;
                    }

                    // Out-of-range literals (1e400) read as JavaScript reads them: ±Infinity.
                    return e.TryGetDouble(out var d)
                        ? d
                        : double.Parse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return value;
    }

    /// <summary>Deep-converts JSON to dictionaries, lists and CLR leaves (for variables).</summary>
    public static object? ToPlain(object? value)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (value is JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                {
                    var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var property in e.EnumerateObject())
                    {
                        dictionary[property.Name] = ToPlain(property.Value);
                    }

                    return dictionary;
                }

                case JsonValueKind.Array:
                {
                    var list = new List<object?>(e.GetArrayLength());
                    foreach (var item in e.EnumerateArray())
                    {
                        list.Add(ToPlain(item));
                    }

                    return list;
                }

                default:
                    return Normalize(e);
            }
        }

        return value;
    }

    /// <summary>Reads a property of a parent value the way graphql-js's default resolver does; missing means null.</summary>
    public static object? GetProperty(object? parent, string name)
    {
        switch (parent)
        {
            case null:
                return null;
            case JsonElement e:
                return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) ? p : null;
            case IReadOnlyDictionary<string, object?> d:
                return d.TryGetValue(name, out var v) ? v : null;
            case IDictionary<string, object?> d2:
                return d2.TryGetValue(name, out var v2) ? v2 : null;
            case IDictionary d3:
                return d3.Contains(name) ? d3[name] : null;
            case string:
                return null;
        }

        var type = parent.GetType();
        if (type.IsPrimitive)
        {
            return null;
        }

        var getter = s_getters.GetOrAdd((type, name), static key => CompileGetter(key.Item1, key.Item2));
        return getter?.Invoke(parent);
    }

    private static Func<object, object?>? CompileGetter(Type type, string name)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.GetIndexParameters().Length > 0 || !property.CanRead)
        {
            return null;
        }

        // A compiled getter is ~20x faster than PropertyInfo.GetValue on hot paths.
        var parameter = System.Linq.Expressions.Expression.Parameter(typeof(object), "o");
        var body = System.Linq.Expressions.Expression.Convert(
            System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(parameter, type), property), typeof(object));
        return System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(body, parameter).Compile();
    }

    /// <summary>True when the value is a list (JSON array or any non-string, non-dictionary enumerable).</summary>
    public static bool IsList(object? value) => value switch
    {
        JsonElement e => e.ValueKind == JsonValueKind.Array,
        string => false,
        IDictionary => false,
        IReadOnlyDictionary<string, object?> => false,
        IEnumerable => true,
        _ => false,
    };

    public static bool TryGetNumber(object? value, out double number)
    {
        switch (value)
        {
            case int i: number = i; return true;
            case long l: number = l; return true;
            case double d: number = d; return true;
            case float f: number = f; return true;
            case decimal m: number = (double)m; return true;
            case short s: number = s; return true;
            case byte b: number = b; return true;
            case sbyte sb: number = sb; return true;
            case ushort us: number = us; return true;
            case uint ui: number = ui; return true;
            case ulong ul: number = ul; return true;
            default: number = 0; return false;
        }
    }

    /// <summary>JavaScript's <c>Number(string)</c>: decimal, <c>0x</c>/<c>0o</c>/<c>0b</c> literals, Infinity; NaN otherwise.</summary>
    public static double ParseJsNumber(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return 0;
        }

        if (trimmed.Length > 2 && trimmed[0] == '0' && (trimmed[1] | 0x20) is 'x' or 'o' or 'b')
        {
            var radix = (trimmed[1] | 0x20) switch { 'x' => 16, 'o' => 8, _ => 2 };
            double value = 0;
            foreach (var c in trimmed.AsSpan(2))
            {
                var digit = c switch
                {
                    >= '0' and <= '9' => c - '0',
                    >= 'a' and <= 'f' => c - 'a' + 10,
                    >= 'A' and <= 'F' => c - 'A' + 10,
                    _ => 99,
                };
                if (digit >= radix)
                {
                    return double.NaN;
                }

                value = (value * radix) + digit;
            }

            return value;
        }

        if (trimmed is "Infinity" or "+Infinity")
        {
            return double.PositiveInfinity;
        }

        if (trimmed == "-Infinity")
        {
            return double.NegativeInfinity;
        }

        foreach (var c in trimmed)
        {
            // .NET would also accept thousands separators, currency or "NaN"-like words JavaScript rejects.
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'))
            {
                return double.NaN;
            }
        }

        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }

    /// <summary>Prints a number exactly as JavaScript's <c>String(number)</c> (Number::toString, shortest round trip).</summary>
    public static string JsNumberToString(object number)
    {
        switch (number)
        {
            case int i: return i.ToString(CultureInfo.InvariantCulture);
            case long l when Math.Abs(l) < 1L << 53: return l.ToString(CultureInfo.InvariantCulture);
        }

        TryGetNumber(number, out var d);
        return JsNumberToString(d);
    }

    public static string JsNumberToString(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return "0"; // -0 prints as 0 too
        }

        // "R" gives the shortest digits that round-trip, which is what JavaScript prints.
        var roundTrip = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        string digits;
        int exponent; // value = 0.digits * 10^exponent, i.e. JavaScript's n
        var e = roundTrip.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? roundTrip : roundTrip[..e];
        var power = e < 0 ? 0 : int.Parse(roundTrip.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var fracPart = dot < 0 ? string.Empty : mantissa[(dot + 1)..];
        var all = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - all.Length;
        digits = all.TrimEnd('0');
        exponent = intPart.Length - leadingZeros + power;
        if (digits.Length == 0)
        {
            return "0";
        }

        var k = digits.Length;
        var n = exponent;
        var builder = new System.Text.StringBuilder();
        if (value < 0)
        {
            builder.Append('-');
        }

        if (k <= n && n <= 21)
        {
            builder.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            builder.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            builder.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            builder.Append(digits[0]);
            if (k > 1)
            {
                builder.Append('.').Append(digits, 1, k - 1);
            }

            var exp = n - 1;
            builder.Append('e').Append(exp >= 0 ? '+' : '-').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}

/// <summary>Prints values in messages the way graphql-js <c>inspect</c> does.</summary>
internal static class Inspector
{
    public static string Inspect(object? value) => Inspect(value, 0);

    private static string Inspect(object? value, int depth)
    {
        value = JsonValues.Normalize(value);
        switch (value)
        {
            case null: return "null";
            case string s: return JsonSerializer.Serialize(s);
            case bool b: return b ? "true" : "false";
            case JsonElement e when e.ValueKind == JsonValueKind.Object:
            {
                var items = new List<string>();
                foreach (var p in e.EnumerateObject())
                {
                    items.Add(p.Name + ": " + Inspect(p.Value, depth + 1));
                }

                return depth >= 2 ? "[Object]" : items.Count == 0 ? "{}" : "{ " + string.Join(", ", items) + " }";
            }

            case JsonElement e when e.ValueKind == JsonValueKind.Array:
            {
                var items = new List<string>();
                foreach (var item in e.EnumerateArray())
                {
                    items.Add(Inspect(item, depth + 1));
                }

                return depth >= 2 ? "[Array]" : "[" + string.Join(", ", items) + "]";
            }

            case IEnumerable<KeyValuePair<string, object?>> d:
            {
                if (depth >= 2)
                {
                    return "[Object]";
                }

                var builder = new StringBuilder();
                foreach (var (k, v) in d)
                {
                    builder.Append(builder.Length == 0 ? "{ " : ", ").Append(k).Append(": ").Append(Inspect(v, depth + 1));
                }

                return builder.Length == 0 ? "{}" : builder.Append(" }").ToString();
            }

            case IEnumerable list:
            {
                if (depth >= 2)
                {
                    return "[Array]";
                }

                var items = new List<string>();
                foreach (var item in list)
                {
                    items.Add(Inspect(item, depth + 1));
                }

                return "[" + string.Join(", ", items) + "]";
            }
        }

        if (JsonValues.TryGetNumber(value, out var number))
        {
            return double.IsNaN(number) ? "NaN" : double.IsInfinity(number) ? (number > 0 ? "Infinity" : "-Infinity") : JsonValues.JsNumberToString(value);
        }

        return value.ToString() ?? "null";
    }
}

/// <summary>A compiled property getter for one CLR type (null when the type has no such property).</summary>
internal sealed record ClrGetter(Type Type, Func<object, object?>? Get);
