using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Validation.Rules;

/// <summary>Directive facts from the schema plus any directive definitions written in the document (as graphql-js).</summary>
internal sealed class KnownDirectiveSet
{
    private readonly Dictionary<string, DirectiveDefinitionNode> _documentDefinitions = new(StringComparer.Ordinal);

    public KnownDirectiveSet(ValidationContext context)
    {
        Schema = context.Schema;
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is DirectiveDefinitionNode directive)
            {
                _documentDefinitions[directive.Name.Value] = directive;
            }
        }
    }

    public Schema Schema { get; }

    public bool HasDocumentDefinitions => _documentDefinitions.Count > 0;

    public DirectiveDefinitionNode? DocumentDefinition(string name) =>
        _documentDefinitions.Count == 0 ? null : _documentDefinitions.GetValueOrDefault(name);
}

/// <summary>5.7.1 Directives Are Defined and 5.7.2 Directives Are In Valid Locations.</summary>
internal sealed class KnownDirectivesRule(ValidationContext context, KnownDirectiveSet directives) : ValidationRule(context)
{
    public override bool EnterDirective(DirectiveNode node)
    {
        var name = node.Name.Value;
        var location = CandidateLocation(Context.DirectiveOwner);
        if (directives.DocumentDefinition(name) is { } documentDefinition)
        {
            var locationName = location is { } l ? DirectiveLocations.ToName(l) : null;
            if (locationName is not null && !documentDefinition.Locations.Any(n => n.Value == locationName))
            {
                Context.ReportError($"Directive \"@{name}\" may not be used on {locationName}.", node);
            }

            return true;
        }

        if (Context.Schema.GetDirective(name) is not { } definition)
        {
            Context.ReportError($"Unknown directive \"@{name}\".", node);
            return true;
        }

        if (location is { } candidate && !Contains(definition.Locations, candidate))
        {
            Context.ReportError($"Directive \"@{name}\" may not be used on {DirectiveLocations.ToName(candidate)}.", node);
        }

        return true;
    }

    private static bool Contains(IReadOnlyList<DirectiveLocation> locations, DirectiveLocation location)
    {
        for (var i = 0; i < locations.Count; i++)
        {
            if (locations[i] == location)
            {
                return true;
            }
        }

        return false;
    }

    private DirectiveLocation? CandidateLocation(Node? appliedTo) => appliedTo switch
    {
        SchemaDefinitionNode or SchemaExtensionNode => DirectiveLocation.Schema,
        ScalarTypeDefinitionNode => DirectiveLocation.Scalar,
        ObjectTypeDefinitionNode { IsInterface: true } => DirectiveLocation.Interface,
        ObjectTypeDefinitionNode => DirectiveLocation.Object,
        FieldDefinitionNode => DirectiveLocation.FieldDefinition,
        UnionTypeDefinitionNode => DirectiveLocation.Union,
        EnumTypeDefinitionNode => DirectiveLocation.Enum,
        EnumValueDefinitionNode => DirectiveLocation.EnumValue,
        InputObjectTypeDefinitionNode => DirectiveLocation.InputObject,
        InputValueDefinitionNode => Context.DirectiveOwnerIsInputField ? DirectiveLocation.InputFieldDefinition : DirectiveLocation.ArgumentDefinition,
        OperationDefinitionNode operation => operation.Operation switch
        {
            OperationType.Query => DirectiveLocation.Query,
            OperationType.Mutation => DirectiveLocation.Mutation,
            _ => DirectiveLocation.Subscription,
        },
        FieldNode => DirectiveLocation.Field,
        FragmentSpreadNode => DirectiveLocation.FragmentSpread,
        InlineFragmentNode => DirectiveLocation.InlineFragment,
        FragmentDefinitionNode => DirectiveLocation.FragmentDefinition,
        VariableDefinitionNode => DirectiveLocation.VariableDefinition,
        _ => null,
    };
}

/// <summary>5.7.3 Directives Are Unique Per Location (repeatable directives excepted, unknown ones ignored).</summary>
internal sealed class UniqueDirectivesPerLocationRule(ValidationContext context, KnownDirectiveSet directives) : ValidationRule(context)
{
    private readonly Dictionary<string, DirectiveNode> _seen = new(StringComparer.Ordinal);

    // SDL in the document: a schema's, or a type's, definition and extensions share one location (as graphql-js).
    private readonly Dictionary<string, DirectiveNode> _schemaSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, DirectiveNode>> _typeSeen = new(StringComparer.Ordinal);

    public override void EnterTypeSystemNode(Node node, IReadOnlyList<DirectiveNode> directives)
    {
        switch (node)
        {
            case SchemaDefinitionNode or SchemaExtensionNode:
                Check(directives, _schemaSeen);
                break;
            case TypeDefinitionNode type:
                if (!_typeSeen.TryGetValue(type.Name.Value, out var seen))
                {
                    seen = new Dictionary<string, DirectiveNode>(StringComparer.Ordinal);
                    _typeSeen[type.Name.Value] = seen;
                }

                Check(directives, seen);
                break;
            default:
                Check(directives);
                break;
        }
    }

    public override void EnterOperation(OperationDefinitionNode node) => Check(node.Directives);

    public override void EnterVariableDefinition(VariableDefinitionNode node) => Check(node.Directives);

    public override void EnterFragmentDefinition(FragmentDefinitionNode node) => Check(node.Directives);

    public override void EnterField(FieldNode node) => Check(node.Directives);

    public override void EnterFragmentSpread(FragmentSpreadNode node) => Check(node.Directives);

    public override void EnterInlineFragment(InlineFragmentNode node) => Check(node.Directives);

    private void Check(IReadOnlyList<DirectiveNode> nodes)
    {
        if (nodes.Count < 2)
        {
            return;
        }

        _seen.Clear();
        Check(nodes, _seen);
    }

    private void Check(IReadOnlyList<DirectiveNode> nodes, Dictionary<string, DirectiveNode> seen)
    {
        foreach (var directive in nodes)
        {
            var name = directive.Name.Value;
            if (!IsUnique(name))
            {
                continue;
            }

            if (seen.TryGetValue(name, out var first))
            {
                Context.ReportError($"The directive \"@{name}\" can only be used once at this location.", first, directive);
            }
            else
            {
                seen[name] = directive;
            }
        }
    }

    private bool IsUnique(string name)
    {
        if (directives.DocumentDefinition(name) is { } documentDefinition)
        {
            return !documentDefinition.Repeatable;
        }

        return Context.Schema.GetDirective(name) is { IsRepeatable: false };
    }
}

/// <summary>5.4.1 Argument Names: arguments must be defined by the field or directive.</summary>
internal sealed class KnownArgumentNamesRule(ValidationContext context, KnownDirectiveSet directives) : ValidationRule(context)
{
    public override bool EnterDirective(DirectiveNode node)
    {
        if (node.Arguments.Count == 0)
        {
            return false;
        }

        var directiveName = node.Name.Value;
        var documentDefinition = directives.DocumentDefinition(directiveName);
        var definition = documentDefinition is null ? Context.Schema.GetDirective(directiveName) : null;
        if (documentDefinition is null && definition is null)
        {
            return false;
        }

        foreach (var argument in node.Arguments)
        {
            var argName = argument.Name.Value;
            var known = documentDefinition is not null
                ? documentDefinition.Arguments.Any(a => a.Name.Value == argName)
                : definition!.GetArgument(argName) is not null;
            if (!known)
            {
                var knownArgs = documentDefinition is not null
                    ? documentDefinition.Arguments.Select(a => a.Name.Value)
                    : definition!.Arguments.Select(a => a.Name);
                Context.ReportError(
                    $"Unknown argument \"{argName}\" on directive \"@{directiveName}\"." + Suggestions.DidYouMean(Suggestions.List(argName, knownArgs)),
                    argument);
            }
        }

        // Directive arguments are fully checked here; the field check below must not see them.
        return false;
    }

    public override void EnterArgument(ArgumentNode node)
    {
        if (TypeInfo.Argument is not null || TypeInfo.FieldDef is not { } fieldDef || TypeInfo.ParentType is not { } parentType)
        {
            return;
        }

        var argName = node.Name.Value;
        var suggestions = Suggestions.List(argName, fieldDef.Arguments.Select(a => a.Name));
        Context.ReportError(
            $"Unknown argument \"{argName}\" on field \"{parentType.Name}.{fieldDef.Name}\"." + Suggestions.DidYouMean(suggestions), node);
    }
}

/// <summary>5.4.2 Argument Uniqueness, for fields and directives.</summary>
internal sealed class UniqueArgumentNamesRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterField(FieldNode node) => Check(node.Arguments);

    public override bool EnterDirective(DirectiveNode node)
    {
        Check(node.Arguments);
        return true;
    }

    private void Check(IReadOnlyList<ArgumentNode> arguments)
    {
        if (arguments.Count < 2)
        {
            return;
        }

        foreach (var (name, group) in GroupByName(arguments, static a => a.Name))
        {
            if (group.Count > 1)
            {
                Context.ReportError($"There can be only one argument named \"{name}\".", group.ToArray<Node?>());
            }
        }
    }

    /// <summary>Groups nodes by name, groups and members in first-seen order (graphql-js <c>groupBy</c>).</summary>
    internal static List<(string Name, List<NameNode> Group)> GroupByName<T>(IReadOnlyList<T> nodes, Func<T, NameNode> nameOf)
    {
        var groups = new List<(string, List<NameNode>)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = nameOf(node);
            if (index.TryGetValue(name.Value, out var i))
            {
                groups[i].Item2.Add(name);
            }
            else
            {
                index[name.Value] = groups.Count;
                groups.Add((name.Value, [name]));
            }
        }

        return groups;
    }
}

/// <summary>5.4.2.1 Required Arguments (graphql-js ProvidedRequiredArguments), checked on leave so deeper errors come first.</summary>
internal sealed class ProvidedRequiredArgumentsRule(ValidationContext context, KnownDirectiveSet directives) : ValidationRule(context)
{
    public override void LeaveField(FieldNode node)
    {
        if (TypeInfo.FieldDef is not { } fieldDef)
        {
            return;
        }

        foreach (var argDef in fieldDef.Arguments)
        {
            if (argDef.Type is NonNullType && !argDef.HasDefaultValue && !IsProvided(node.Arguments, argDef.Name))
            {
                Context.ReportError(
                    $"Field \"{fieldDef.Name}\" argument \"{argDef.Name}\" of type \"{argDef.Type}\" is required, but it was not provided.",
                    node);
            }
        }
    }

    public override void LeaveDirective(DirectiveNode node)
    {
        var directiveName = node.Name.Value;
        if (directives.DocumentDefinition(directiveName) is { } documentDefinition)
        {
            foreach (var argDef in documentDefinition.Arguments)
            {
                if (argDef.Type is NonNullTypeNode && argDef.DefaultValue is null && !IsProvided(node.Arguments, argDef.Name.Value))
                {
                    Report(node, directiveName, argDef.Name.Value, Printer.Print(argDef.Type));
                }
            }

            return;
        }

        if (Context.Schema.GetDirective(directiveName) is not { } definition)
        {
            return;
        }

        foreach (var argDef in definition.Arguments)
        {
            if (argDef.Type is NonNullType && !argDef.HasDefaultValue && !IsProvided(node.Arguments, argDef.Name))
            {
                Report(node, directiveName, argDef.Name, $"{argDef.Type}");
            }
        }
    }

    private void Report(DirectiveNode node, string directiveName, string argName, string argType) =>
        Context.ReportError($"Directive \"@{directiveName}\" argument \"{argName}\" of type \"{argType}\" is required, but it was not provided.", node);

    private static bool IsProvided(IReadOnlyList<ArgumentNode> arguments, string name)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].Name.Value == name)
            {
                return true;
            }
        }

        return false;
    }
}
