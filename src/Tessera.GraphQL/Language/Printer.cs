using System.Globalization;
using System.Text;

namespace Tessera.GraphQL.Language;

/// <summary>Prints AST nodes back to GraphQL text, in the same layout as graphql-js <c>print</c>.</summary>
public static class Printer
{
    private const int MaxLineLength = 80;

    /// <summary>Prints a node (a whole document or any part of one).</summary>
    public static string Print(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return P(node);
    }

    private static string P(Node? node) => node switch
    {
        null => string.Empty,
        NameNode n => n.Value,
        VariableNode n => "$" + n.Name.Value,
        DocumentNode n => Join(n.Definitions, "\n\n"),
        OperationDefinitionNode n => Operation(n),
        VariableDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") +
            P(n.Variable) + ": " + P(n.Type) + Wrap(" = ", P(n.DefaultValue)) + Wrap(" ", Join(n.Directives, " ")),
        SelectionSetNode n => Block(n.Selections),
        FieldNode n => Field(n),
        ArgumentNode n => n.Name.Value + ": " + P(n.Value),
        FragmentSpreadNode n => "..." + n.Name.Value + Wrap(" ", Join(n.Directives, " ")),
        InlineFragmentNode n => JoinStrings([" ", "...", Wrap("on ", P(n.TypeCondition)), Join(n.Directives, " "), P(n.SelectionSet)]),
        FragmentDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") +
            "fragment " + n.Name!.Value + " on " + P(n.TypeCondition) + " " + Wrap(string.Empty, Join(n.Directives, " "), " ") + P(n.SelectionSet),
        IntValueNode n => n.Value,
        FloatValueNode n => n.Value,
        StringValueNode n => n.Block ? BlockString.Print(n.Value) : PrintString(n.Value),
        BooleanValueNode n => n.Value ? "true" : "false",
        NullValueNode => "null",
        EnumValueNode n => n.Value,
        ListValueNode n => "[" + Join(n.Values, ", ") + "]",
        ObjectValueNode n => "{" + Join(n.Fields, ", ") + "}",
        ObjectFieldNode n => n.Name.Value + ": " + P(n.Value),
        DirectiveNode n => "@" + n.Name.Value + Wrap("(", Join(n.Arguments, ", "), ")"),
        NamedTypeNode n => n.Name.Value,
        ListTypeNode n => "[" + P(n.Type) + "]",
        NonNullTypeNode n => P(n.Type) + "!",
        SchemaDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") +
            JoinStrings([" ", "schema", Join(n.Directives, " "), Block(n.OperationTypes)]),
        SchemaExtensionNode n => JoinStrings([" ", "extend schema", Join(n.Directives, " "), Block(n.OperationTypes)]),
        OperationTypeDefinitionNode n => OperationName(n.Operation) + ": " + P(n.Type),
        ScalarTypeDefinitionNode n => Prefix(n, "scalar") + JoinStrings([" ", n.Name.Value, Join(n.Directives, " ")]),
        ObjectTypeDefinitionNode n => Prefix(n, n.IsInterface ? "interface" : "type") + JoinStrings([" ", n.Name.Value,
            Wrap("implements ", Join(n.Interfaces, " & ")), Join(n.Directives, " "), Block(n.Fields)]),
        FieldDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") + n.Name.Value + Arguments(n.Arguments) +
            ": " + P(n.Type) + Wrap(" ", Join(n.Directives, " ")),
        InputValueDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") +
            JoinStrings([" ", n.Name.Value + ": " + P(n.Type), Wrap("= ", P(n.DefaultValue)), Join(n.Directives, " ")]),
        UnionTypeDefinitionNode n => Prefix(n, "union") + JoinStrings([" ", n.Name.Value, Join(n.Directives, " "),
            Wrap("= ", Join(n.Types, " | "))]),
        EnumTypeDefinitionNode n => Prefix(n, "enum") + JoinStrings([" ", n.Name.Value, Join(n.Directives, " "), Block(n.Values)]),
        EnumValueDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") + JoinStrings([" ", n.Name.Value, Join(n.Directives, " ")]),
        InputObjectTypeDefinitionNode n => Prefix(n, "input") + JoinStrings([" ", n.Name.Value, Join(n.Directives, " "), Block(n.Fields)]),
        DirectiveDefinitionNode n => Wrap(string.Empty, Description(n.Description), "\n") + "directive @" + n.Name.Value +
            Arguments(n.Arguments) + (n.Repeatable ? " repeatable" : string.Empty) + " on " + Join(n.Locations, " | "),
        _ => throw new ArgumentException($"Cannot print node kind {node.Kind}.", nameof(node)),
    };

    private static string Description(StringValueNode? description) => description is null ? string.Empty : P(description);

    private static string Prefix(TypeDefinitionNode node, string keyword) =>
        node.IsExtension ? "extend " + keyword + " " : Wrap(string.Empty, Description(node.Description), "\n") + keyword + " ";

    private static string Operation(OperationDefinitionNode n)
    {
        var varDefs = Wrap("(", Join(n.VariableDefinitions, ", "), ")");
        var prefix = JoinStrings([" ", OperationName(n.Operation), JoinStrings([string.Empty, n.Name?.Value ?? string.Empty, varDefs]), Join(n.Directives, " ")]);
        var body = (prefix == "query" ? string.Empty : prefix + " ") + P(n.SelectionSet);
        return Wrap(string.Empty, Description(n.Description), "\n") + body;
    }

    private static string Field(FieldNode n)
    {
        var prefix = Wrap(string.Empty, n.Alias?.Value ?? string.Empty, ": ") + n.Name.Value;
        var argsLine = prefix + Wrap("(", Join(n.Arguments, ", "), ")");
        if (argsLine.Length > MaxLineLength)
        {
            argsLine = prefix + Wrap("(\n", Indent(Join(n.Arguments, "\n")), "\n)");
        }

        return JoinStrings([" ", argsLine, Join(n.Directives, " "), P(n.SelectionSet)]);
    }

    private static string Arguments(IReadOnlyList<InputValueDefinitionNode> arguments)
    {
        var printed = new List<string>(arguments.Count);
        var multiline = false;
        foreach (var argument in arguments)
        {
            var text = P(argument);
            multiline |= text.Contains('\n');
            printed.Add(text);
        }

        return multiline
            ? Wrap("(\n", Indent(string.Join("\n", printed)), "\n)")
            : Wrap("(", string.Join(", ", printed), ")");
    }

    internal static string OperationName(OperationType operation) => operation switch
    {
        OperationType.Query => "query",
        OperationType.Mutation => "mutation",
        _ => "subscription",
    };

    private static string Join<T>(IReadOnlyList<T> nodes, string separator)
        where T : Node
    {
        if (nodes.Count == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var node in nodes)
        {
            var text = P(node);
            if (text.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(separator);
            }

            builder.Append(text);
        }

        return builder.ToString();
    }

    /// <summary>Joins non-empty parts; the first element is the separator.</summary>
    private static string JoinStrings(ReadOnlySpan<string> separatorAndParts)
    {
        var separator = separatorAndParts[0];
        var builder = new StringBuilder();
        for (var i = 1; i < separatorAndParts.Length; i++)
        {
            var part = separatorAndParts[i];
            if (string.IsNullOrEmpty(part))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(separator);
            }

            builder.Append(part);
        }

        return builder.ToString();
    }

    private static string Block<T>(IReadOnlyList<T> nodes)
        where T : Node => Wrap("{\n", Indent(Join(nodes, "\n")), "\n}");

    private static string Wrap(string start, string maybe, string end = "") =>
        string.IsNullOrEmpty(maybe) ? string.Empty : start + maybe + end;

    private static string Indent(string text) => Wrap("  ", text.Replace("\n", "\n  ", StringComparison.Ordinal));

    /// <summary>Prints a string literal with JSON-style escapes, as graphql-js <c>printString</c>.</summary>
    public static string PrintString(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
