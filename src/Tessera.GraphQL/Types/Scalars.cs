using System.Globalization;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Types;

/// <summary>
/// A scalar type. Without delegates or an override it behaves like graphql-js <c>buildSchema</c> custom scalars:
/// values pass through unchanged and literals are read untyped (<c>valueFromASTUntyped</c>).
/// Coercion failures throw <see cref="GraphQLError"/>.
/// </summary>
public class ScalarType : NamedType
{
    /// <summary>Creates a scalar.</summary>
    public ScalarType(string name, string? description = null)
        : base(name, description)
    {
    }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Scalar;

    /// <summary>The <c>@specifiedBy</c> URL, or null.</summary>
    public string? SpecifiedByUrl { get; set; }

    /// <summary>Custom result coercion; null means identity.</summary>
    public Func<object?, object?>? SerializeFunc { get; set; }

    /// <summary>Custom variable value coercion; null means identity.</summary>
    public Func<object?, object?>? ParseValueFunc { get; set; }

    /// <summary>Custom literal coercion; null means untyped reading of the literal.</summary>
    public Func<ValueNode, IReadOnlyDictionary<string, object?>?, object?>? ParseLiteralFunc { get; set; }

    /// <summary>True for Int, Float, String, Boolean and ID.</summary>
    public bool IsSpecifiedScalar => this is IntScalar or FloatScalar or StringScalar or BooleanScalar or IdScalar;

    /// <summary>Result coercion: turns an internal value into what the response carries.</summary>
    public virtual object? Serialize(object? value) => SerializeFunc is null ? value : SerializeFunc(value);

    /// <summary>Input coercion of a variable value.</summary>
    public virtual object? ParseValue(object? value) => ParseValueFunc is null ? value : ParseValueFunc(value);

    /// <summary>Input coercion of a literal; <paramref name="variables"/> resolves variables nested in it.</summary>
    public virtual object? ParseLiteral(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null) =>
        ParseLiteralFunc is null ? ValueCoercion.ValueFromAstUntyped(node, variables) : ParseLiteralFunc(node, variables);

    /// <summary>The built-in <c>Int</c> (32-bit signed).</summary>
    public static ScalarType Int { get; } = new IntScalar();

    /// <summary>The built-in <c>Float</c> (double).</summary>
    public static ScalarType Float { get; } = new FloatScalar();

    /// <summary>The built-in <c>String</c>.</summary>
    public static ScalarType String { get; } = new StringScalar();

    /// <summary>The built-in <c>Boolean</c>.</summary>
    public static ScalarType Boolean { get; } = new BooleanScalar();

    /// <summary>The built-in <c>ID</c> (serialized as a string).</summary>
    public static ScalarType ID { get; } = new IdScalar();

    /// <summary>The five built-in scalars.</summary>
    public static IReadOnlyList<ScalarType> SpecifiedScalars { get; } = [String, Int, Float, Boolean, ID];

    private sealed class IntScalar() : ScalarType("Int", "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1.")
    {
        public override object? Serialize(object? value)
        {
            var v = JsonValues.Normalize(value);
            switch (v)
            {
                case int i: return i;
                case bool b: return b ? 1 : 0;
            }

            double number;
            if (v is string s && s.Length > 0)
            {
                number = JsonValues.ParseJsNumber(s);
            }
            else if (!JsonValues.TryGetNumber(v, out number))
            {
                throw new GraphQLError($"Int cannot represent non-integer value: {Inspector.Inspect(v)}");
            }

            if (double.IsNaN(number) || double.IsInfinity(number) || Math.Floor(number) != number)
            {
                throw new GraphQLError($"Int cannot represent non-integer value: {Inspector.Inspect(v)}");
            }

            if (number > int.MaxValue || number < int.MinValue)
            {
                throw new GraphQLError($"Int cannot represent non 32-bit signed integer value: {Inspector.Inspect(v)}");
            }

            return (int)number;
        }

        public override object? ParseValue(object? value)
        {
            var v = JsonValues.Normalize(value);
            if (v is int i)
            {
                return i;
            }

            if (v is bool || !JsonValues.TryGetNumber(v, out var number) || double.IsNaN(number) || double.IsInfinity(number) || Math.Floor(number) != number)
            {
                throw new GraphQLError($"Int cannot represent non-integer value: {Inspector.Inspect(v)}");
            }

            if (number > int.MaxValue || number < int.MinValue)
            {
                throw new GraphQLError($"Int cannot represent non 32-bit signed integer value: {Inspector.Inspect(v)}");
            }

            return (int)number;
        }

        public override object? ParseLiteral(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null)
        {
            if (node is not IntValueNode intNode)
            {
                throw new GraphQLError($"Int cannot represent non-integer value: {Printer.Print(node)}", node);
            }

            if (!int.TryParse(intNode.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
            {
                throw new GraphQLError($"Int cannot represent non 32-bit signed integer value: {intNode.Value}", node);
            }

            return result;
        }
    }

    private sealed class FloatScalar() : ScalarType("Float", "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).")
    {
        public override object? Serialize(object? value)
        {
            var v = JsonValues.Normalize(value);
            double number;
            if (v is bool b)
            {
                return b ? 1d : 0d;
            }

            if (v is string s && s.Length > 0)
            {
                number = JsonValues.ParseJsNumber(s);
            }
            else if (!JsonValues.TryGetNumber(v, out number))
            {
                throw new GraphQLError($"Float cannot represent non numeric value: {Inspector.Inspect(v)}");
            }

            if (double.IsNaN(number) || double.IsInfinity(number))
            {
                throw new GraphQLError($"Float cannot represent non numeric value: {Inspector.Inspect(v)}");
            }

            return number;
        }

        public override object? ParseValue(object? value)
        {
            var v = JsonValues.Normalize(value);
            if (v is bool || !JsonValues.TryGetNumber(v, out var number) || double.IsNaN(number) || double.IsInfinity(number))
            {
                throw new GraphQLError($"Float cannot represent non numeric value: {Inspector.Inspect(v)}");
            }

            return number;
        }

        public override object? ParseLiteral(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null) => node switch
        {
            IntValueNode i => double.Parse(i.Value, NumberStyles.Float, CultureInfo.InvariantCulture),
            FloatValueNode f => double.Parse(f.Value, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => throw new GraphQLError($"Float cannot represent non numeric value: {Printer.Print(node)}", node),
        };
    }

    private sealed class StringScalar() : ScalarType("String", "The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text.")
    {
        public override object? Serialize(object? value)
        {
            var v = JsonValues.Normalize(value);
            switch (v)
            {
                case string s: return s;
                case bool b: return b ? "true" : "false";
            }

            if (JsonValues.TryGetNumber(v, out var number) && !double.IsNaN(number) && !double.IsInfinity(number))
            {
                return JsonValues.JsNumberToString(v!);
            }

            throw new GraphQLError($"String cannot represent value: {Inspector.Inspect(v)}");
        }

        public override object? ParseValue(object? value)
        {
            var v = JsonValues.Normalize(value);
            return v as string ?? throw new GraphQLError($"String cannot represent a non string value: {Inspector.Inspect(v)}");
        }

        public override object? ParseLiteral(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null) =>
            node is StringValueNode s ? s.Value : throw new GraphQLError($"String cannot represent a non string value: {Printer.Print(node)}", node);
    }

    private sealed class BooleanScalar() : ScalarType("Boolean", "The `Boolean` scalar type represents `true` or `false`.")
    {
        private static readonly object s_true = true;
        private static readonly object s_false = false;

        public override object? Serialize(object? value)
        {
            var v = JsonValues.Normalize(value);
            if (v is bool b)
            {
                return b ? s_true : s_false;
            }

            if (JsonValues.TryGetNumber(v, out var number) && !double.IsNaN(number) && !double.IsInfinity(number))
            {
                return number != 0 ? s_true : s_false;
            }

            throw new GraphQLError($"Boolean cannot represent a non boolean value: {Inspector.Inspect(v)}");
        }

        public override object? ParseValue(object? value)
        {
            var v = JsonValues.Normalize(value);
            return v is bool b ? (b ? s_true : s_false) : throw new GraphQLError($"Boolean cannot represent a non boolean value: {Inspector.Inspect(v)}");
        }

        public override object? ParseLiteral(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null) =>
            node is BooleanValueNode b ? (b.Value ? s_true : s_false) : throw new GraphQLError($"Boolean cannot represent a non boolean value: {Printer.Print(node)}", node);
    }

    private sealed class IdScalar() : ScalarType("ID", "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID.")
    {
        public override object? Serialize(object? value)
        {
            var v = JsonValues.Normalize(value);
            if (v is string s)
            {
                return s;
            }

            if (v is not bool && JsonValues.TryGetNumber(v, out var number) && Math.Floor(number) == number && !double.IsInfinity(number))
            {
                return JsonValues.JsNumberToString(v!);
            }

            throw new GraphQLError($"ID cannot represent value: {Inspector.Inspect(v)}");
        }

        /// <summary>graphql-js coerces ID input values by the same rule, with the same message, as it serializes them.</summary>
        public override object? ParseValue(object? value) => Serialize(value);

        public override object? ParseLiteral(ValueNode node, IReadOnlyDictionary<string, object?>? variables = null) => node switch
        {
            StringValueNode s => s.Value,
            IntValueNode i => i.Value,
            _ => throw new GraphQLError($"ID cannot represent a non-string and non-integer value: {Printer.Print(node)}", node),
        };
    }
}
