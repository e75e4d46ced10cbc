using System.Text;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Types;

/// <summary>Prints a schema as SDL, in the same layout as graphql-js <c>printSchema</c>.</summary>
public static class SchemaPrinter
{
    /// <summary>Prints the schema without built-in scalars, introspection types and specified directives.</summary>
    public static string Print(Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var parts = new List<string>();
        if (SchemaDefinition(schema) is { } definition)
        {
            parts.Add(definition);
        }

        foreach (var directive in schema.Directives)
        {
            if (!(directive.IsSpecified && DirectiveDefinition.SpecifiedDirectives.Contains(directive)))
            {
                parts.Add(PrintDirective(directive));
            }
        }

        foreach (var type in schema.TypeList)
        {
            if (type is ScalarType { IsSpecifiedScalar: true } || type.IsIntrospectionType)
            {
                continue;
            }

            parts.Add(PrintType(type));
        }

        return string.Join("\n\n", parts);
    }

    /// <summary>Prints the introspection types and specified directives (graphql-js <c>printIntrospectionSchema</c>).</summary>
    public static string PrintIntrospectionSchema()
    {
        var parts = new List<string>();
        foreach (var directive in DirectiveDefinition.SpecifiedDirectives)
        {
            parts.Add(PrintDirective(directive));
        }

        foreach (var type in Introspection.Types)
        {
            parts.Add(PrintType(type));
        }

        return string.Join("\n\n", parts);
    }

    private static string? SchemaDefinition(Schema schema)
    {
        var commonNames = (schema.QueryType is null || schema.QueryType.Name == "Query") &&
            (schema.MutationType is null || schema.MutationType.Name == "Mutation") &&
            (schema.SubscriptionType is null || schema.SubscriptionType.Name == "Subscription");
        if (schema.Description is null && commonNames)
        {
            return null;
        }

        var builder = new StringBuilder(Description(schema.Description)).Append("schema {\n");
        if (schema.QueryType is { } q)
        {
            builder.Append("  query: ").Append(q.Name).Append('\n');
        }

        if (schema.MutationType is { } m)
        {
            builder.Append("  mutation: ").Append(m.Name).Append('\n');
        }

        if (schema.SubscriptionType is { } s)
        {
            builder.Append("  subscription: ").Append(s.Name).Append('\n');
        }

        return builder.Append('}').ToString();
    }

    /// <summary>Prints one named type.</summary>
    public static string PrintType(NamedType type) => type switch
    {
        ScalarType scalar => Description(scalar.Description) + "scalar " + scalar.Name +
            (scalar.SpecifiedByUrl is null ? string.Empty : " @specifiedBy(url: " + Printer.PrintString(scalar.SpecifiedByUrl) + ")"),
        ObjectType o => Description(o.Description) + "type " + o.Name + Interfaces(o) + Fields(o),
        InterfaceType i => Description(i.Description) + "interface " + i.Name + Interfaces(i) + Fields(i),
        UnionType u => Description(u.Description) + "union " + u.Name + (u.Types.Count > 0 ? " = " + string.Join(" | ", u.Types.Select(t => t.Name)) : string.Empty),
        EnumType e => Description(e.Description) + "enum " + e.Name + Block(e.Values.Select((v, index) =>
            Description(v.Description, "  ", index == 0) + "  " + v.Name + Deprecated(v.DeprecationReason))),
        InputObjectType input => Description(input.Description) + "input " + input.Name + (input.IsOneOf ? " @oneOf" : string.Empty) +
            Block(input.Fields.Select((f, index) => Description(f.Description, "  ", index == 0) + "  " + InputValue(f))),
        _ => throw new ArgumentException("Unknown type kind.", nameof(type)),
    };

    private static string Interfaces(ComplexType type) =>
        type.Interfaces.Count == 0 ? string.Empty : " implements " + string.Join(" & ", type.Interfaces.Select(i => i.Name));

    private static string Fields(ComplexType type) => Block(type.Fields.Select((f, index) =>
        Description(f.Description, "  ", index == 0) + "  " + f.Name + Arguments(f.Arguments, "  ") + ": " + f.Type + Deprecated(f.DeprecationReason)));

    private static string Block(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? string.Empty : " {\n" + string.Join("\n", list) + "\n}";
    }

    private static string Arguments(IReadOnlyList<InputValueDefinition> arguments, string indentation = "")
    {
        if (arguments.Count == 0)
        {
            return string.Empty;
        }

        if (arguments.All(a => a.Description is null or ""))
        {
            return "(" + string.Join(", ", arguments.Select(InputValue)) + ")";
        }

        return "(\n" + string.Join("\n", arguments.Select((a, index) =>
            Description(a.Description, "  " + indentation, index == 0) + "  " + indentation + InputValue(a))) + "\n" + indentation + ")";
    }

    private static string InputValue(InputValueDefinition value)
    {
        var text = value.Name + ": " + value.Type;
        if (value.HasDefaultValue && ValueCoercion.AstFromValue(value.DefaultValue, value.Type) is { } literal)
        {
            text += " = " + Printer.Print(literal);
        }

        return text + Deprecated(value.DeprecationReason);
    }

    private static string PrintDirective(DirectiveDefinition directive) =>
        Description(directive.Description) + "directive @" + directive.Name + Arguments(directive.Arguments) +
        (directive.IsRepeatable ? " repeatable" : string.Empty) + " on " + string.Join(" | ", directive.Locations.Select(DirectiveLocations.ToName));

    private static string Deprecated(string? reason) => reason switch
    {
        null => string.Empty,
        "No longer supported" => " @deprecated",
        _ => " @deprecated(reason: " + Printer.PrintString(reason) + ")",
    };

    private static string Description(string? description, string indentation = "", bool firstInBlock = true)
    {
        if (description is null)
        {
            return string.Empty;
        }

        var text = BlockString.IsPrintableAsBlockString(description) ? BlockString.Print(description) : Printer.PrintString(description);
        var prefix = indentation.Length > 0 && !firstInBlock ? "\n" + indentation : indentation;
        return prefix + text.Replace("\n", "\n" + indentation, StringComparison.Ordinal) + "\n";
    }
}
