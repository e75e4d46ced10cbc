using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Tessera.GraphQL.Execution;

/// <summary>Reads JSON-like data (JsonElement, dictionaries, lists, plain CLR objects) the way graphql-js reads JavaScript values.</summary>
internal static class JsonValues
{
    private static readonly object s_true = true;
    private static readonly object s_false = false;
    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> s_properties = new();

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

                    return e.GetDouble();
            }
        }

        return value;
    }

    /// <summary>Deep-converts JSON to dictionaries, lists and CLR leaves (for variables).</summary>
    public static object? ToPlain(object? value)
    {
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

        var property = s_properties.GetOrAdd((type, name), static key =>
            key.Item1.GetProperty(key.Item2, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase));
        return property?.GetValue(parent);
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

    /// <summary>JavaScript's <c>Number(string)</c> for decimal text: NaN when not a number.</summary>
    public static double ParseJsNumber(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return 0;
        }

        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }

    /// <summary>Prints a number the way JavaScript's <c>String(number)</c> does for common values.</summary>
    public static string JsNumberToString(object number)
    {
        switch (number)
        {
            case int i: return i.ToString(CultureInfo.InvariantCulture);
            case long l: return l.ToString(CultureInfo.InvariantCulture);
        }

        TryGetNumber(number, out var d);
        if (Math.Floor(d) == d && Math.Abs(d) < 1e21)
        {
            return ((decimal)d).ToString(CultureInfo.InvariantCulture);
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            text = text.Replace("E", "e", StringComparison.Ordinal);
            if (!text.Contains("e-", StringComparison.Ordinal))
            {
                text = text.Replace("e", "e+", StringComparison.Ordinal);
            }
        }

        return text;
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
