using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Validation.Rules;

/// <summary>5.8.2 Variables Are Input Types.</summary>
internal sealed class VariablesAreInputTypesRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterVariableDefinition(VariableDefinitionNode node)
    {
        if (Context.Schema.TypeFromAst(node.Type) is { IsInputType: false })
        {
            Context.ReportError(
                $"Variable \"${node.Variable.Name.Value}\" cannot be non-input type \"{Printer.Print(node.Type)}\".", node.Type);
        }
    }
}

/// <summary>5.8.1 Variable Uniqueness.</summary>
internal sealed class UniqueVariableNamesRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterOperation(OperationDefinitionNode node)
    {
        if (node.VariableDefinitions.Count < 2)
        {
            return;
        }

        foreach (var (name, group) in UniqueArgumentNamesRule.GroupByName(node.VariableDefinitions, static v => v.Variable.Name))
        {
            if (group.Count > 1)
            {
                Context.ReportError($"There can be only one variable named \"${name}\".", group.ToArray<Node?>());
            }
        }
    }
}

/// <summary>5.8.3 All Variable Uses Defined, through every fragment the operation uses.</summary>
internal sealed class NoUndefinedVariablesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);

    public override void EnterOperation(OperationDefinitionNode node) => _defined.Clear();

    public override void EnterVariableDefinition(VariableDefinitionNode node) => _defined.Add(node.Variable.Name.Value);

    public override void LeaveOperation(OperationDefinitionNode node)
    {
        foreach (var usage in Context.GetRecursiveVariableUsages(node))
        {
            var name = usage.Node.Name.Value;
            if (!_defined.Contains(name))
            {
                Context.ReportError(
                    node.Name is { } operationName
                        ? $"Variable \"${name}\" is not defined by operation \"{operationName.Value}\"."
                        : $"Variable \"${name}\" is not defined.",
                    usage.Node,
                    node);
            }
        }
    }
}

/// <summary>5.8.4 All Variables Used, through every fragment the operation uses.</summary>
internal sealed class NoUnusedVariablesRule(ValidationContext context) : ValidationRule(context)
{
    public override void LeaveOperation(OperationDefinitionNode node)
    {
        if (node.VariableDefinitions.Count == 0)
        {
            return;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var usage in Context.GetRecursiveVariableUsages(node))
        {
            used.Add(usage.Node.Name.Value);
        }

        foreach (var variableDefinition in node.VariableDefinitions)
        {
            var name = variableDefinition.Variable.Name.Value;
            if (!used.Contains(name))
            {
                Context.ReportError(
                    node.Name is { } operationName
                        ? $"Variable \"${name}\" is never used in operation \"{operationName.Value}\"."
                        : $"Variable \"${name}\" is never used.",
                    variableDefinition);
            }
        }
    }
}

/// <summary>
/// 5.8.5 All Variable Usages Are Allowed: the variable's type must fit the position, a nullable variable fits a
/// non-null position only when the variable or the position has a default, and a OneOf input field needs a
/// non-null variable.
/// </summary>
internal sealed class VariablesInAllowedPositionRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Dictionary<string, VariableDefinitionNode> _definitions = new(StringComparer.Ordinal);

    public override void EnterOperation(OperationDefinitionNode node) => _definitions.Clear();

    public override void EnterVariableDefinition(VariableDefinitionNode node) => _definitions[node.Variable.Name.Value] = node;

    public override void LeaveOperation(OperationDefinitionNode node)
    {
        var schema = Context.Schema;
        foreach (var usage in Context.GetRecursiveVariableUsages(node))
        {
            var name = usage.Node.Name.Value;
            if (!_definitions.TryGetValue(name, out var definition) || usage.Type is not { } locationType)
            {
                continue;
            }

            var variableType = schema.TypeFromAst(definition.Type);
            if (variableType is not null && !IsAllowed(schema, variableType, definition.DefaultValue, locationType, usage.HasLocationDefault))
            {
                Context.ReportError(
                    $"Variable \"${name}\" of type \"{variableType}\" used in position expecting type \"{locationType}\".",
                    definition,
                    usage.Node);
            }

            if (usage.ParentType is InputObjectType { IsOneOf: true } oneOfType && variableType is not null and not NonNullType)
            {
                Context.ReportError(
                    $"Variable \"${name}\" is of type \"{variableType}\" but must be non-nullable to be used for OneOf Input Object \"{oneOfType.Name}\".",
                    definition,
                    usage.Node);
            }
        }
    }

    private static bool IsAllowed(Schema schema, GraphQLType variableType, ValueNode? variableDefault, GraphQLType locationType, bool locationHasDefault)
    {
        if (locationType is NonNullType nonNullLocation && variableType is not NonNullType)
        {
            var hasNonNullVariableDefault = variableDefault is not null and not NullValueNode;
            if (!hasNonNullVariableDefault && !locationHasDefault)
            {
                return false;
            }

            return schema.IsTypeSubTypeOf(variableType, nonNullLocation.OfType);
        }

        return schema.IsTypeSubTypeOf(variableType, locationType);
    }
}
