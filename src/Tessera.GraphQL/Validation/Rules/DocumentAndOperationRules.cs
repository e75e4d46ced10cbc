using System.Runtime.CompilerServices;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Validation.Rules;

/// <summary>5.1.1 Executable Definitions: a document to execute holds only operations and fragments.</summary>
internal sealed class ExecutableDefinitionsRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterDocument(DocumentNode node)
    {
        foreach (var definition in node.Definitions)
        {
            if (definition is ExecutableDefinitionNode)
            {
                continue;
            }

            var name = definition switch
            {
                SchemaDefinitionNode or SchemaExtensionNode => "schema",
                TypeDefinitionNode type => "\"" + type.Name.Value + "\"",
                DirectiveDefinitionNode directive => "\"" + directive.Name.Value + "\"",
                _ => "\"" + definition.Kind + "\"",
            };
            Context.ReportError($"The {name} definition is not executable.", definition);
        }
    }
}

/// <summary>5.2.1.1 Operation Name Uniqueness.</summary>
internal sealed class UniqueOperationNamesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Dictionary<string, NameNode> _known = new(StringComparer.Ordinal);

    public override void EnterOperation(OperationDefinitionNode node)
    {
        if (node.Name is not { } name)
        {
            return;
        }

        if (_known.TryGetValue(name.Value, out var first))
        {
            Context.ReportError($"There can be only one operation named \"{name.Value}\".", first, name);
        }
        else
        {
            _known[name.Value] = name;
        }
    }
}

/// <summary>5.2.2.1 Lone Anonymous Operation.</summary>
internal sealed class LoneAnonymousOperationRule(ValidationContext context) : ValidationRule(context)
{
    private int _operationCount;

    public override void EnterDocument(DocumentNode node)
    {
        foreach (var definition in node.Definitions)
        {
            if (definition is OperationDefinitionNode)
            {
                _operationCount++;
            }
        }
    }

    public override void EnterOperation(OperationDefinitionNode node)
    {
        if (node.Name is null && _operationCount > 1)
        {
            Context.ReportError("This anonymous operation must be the only defined operation.", node);
        }
    }
}

/// <summary>
/// 5.2.3.1 Single Root Field: a subscription selects exactly one root field (after collecting fields with no
/// variables), and that field is not an introspection field.
/// </summary>
internal sealed class SingleFieldSubscriptionsRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterOperation(OperationDefinitionNode node)
    {
        if (node.Operation != OperationType.Subscription || Context.Schema.SubscriptionType is not { } subscriptionType)
        {
            return;
        }

        var grouped = new Dictionary<string, List<FieldNode>>(StringComparer.Ordinal);
        var order = new List<List<FieldNode>>();
        CollectFields(subscriptionType, node.SelectionSet, grouped, order, new HashSet<string>(StringComparer.Ordinal));

        var operationName = node.Name?.Value;
        if (order.Count > 1)
        {
            var extra = new List<Node?>();
            for (var i = 1; i < order.Count; i++)
            {
                extra.AddRange(order[i]);
            }

            Context.ReportError(
                operationName is not null
                    ? $"Subscription \"{operationName}\" must select only one top level field."
                    : "Anonymous Subscription must select only one top level field.",
                extra.ToArray());
        }

        foreach (var group in order)
        {
            if (group[0].Name.Value.StartsWith("__", StringComparison.Ordinal))
            {
                Context.ReportError(
                    operationName is not null
                        ? $"Subscription \"{operationName}\" must not select an introspection top level field."
                        : "Anonymous Subscription must not select an introspection top level field.",
                    group.ToArray<Node?>());
            }
        }
    }

    private void CollectFields(ObjectType runtimeType, SelectionSetNode selectionSet, Dictionary<string, List<FieldNode>> grouped,
        List<List<FieldNode>> order, HashSet<string> visitedFragments)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    if (!ShouldInclude(field.Directives))
                    {
                        continue;
                    }

                    if (!grouped.TryGetValue(field.ResponseName, out var list))
                    {
                        list = [];
                        grouped[field.ResponseName] = list;
                        order.Add(list);
                    }

                    list.Add(field);
                    break;

                case InlineFragmentNode inline:
                    if (!ShouldInclude(inline.Directives) || !ConditionMatches(inline.TypeCondition, runtimeType))
                    {
                        continue;
                    }

                    CollectFields(runtimeType, inline.SelectionSet, grouped, order, visitedFragments);
                    break;

                case FragmentSpreadNode spread:
                    var name = spread.Name.Value;
                    if (visitedFragments.Contains(name) || !ShouldInclude(spread.Directives))
                    {
                        continue;
                    }

                    visitedFragments.Add(name);
                    if (Context.GetFragment(name) is not { } fragment || !ConditionMatches(fragment.TypeCondition, runtimeType))
                    {
                        continue;
                    }

                    CollectFields(runtimeType, fragment.SelectionSet, grouped, order, visitedFragments);
                    break;
            }
        }
    }

    private bool ConditionMatches(NamedTypeNode? typeCondition, ObjectType runtimeType)
    {
        if (typeCondition is null)
        {
            return true;
        }

        var conditionType = Context.Schema.GetType(typeCondition.Name.Value);
        if (ReferenceEquals(conditionType, runtimeType))
        {
            return true;
        }

        return conditionType is not null && conditionType.IsAbstractType && Context.Schema.IsSubType(conditionType, runtimeType);
    }

    // With no variable values, only literal conditions can exclude a selection.
    private static bool ShouldInclude(IReadOnlyList<DirectiveNode> directives)
    {
        foreach (var directive in directives)
        {
            var name = directive.Name.Value;
            if (name is not ("skip" or "include"))
            {
                continue;
            }

            foreach (var argument in directive.Arguments)
            {
                if (argument.Name.Value == "if" && argument.Value is BooleanValueNode condition)
                {
                    if (name == "skip" ? condition.Value : !condition.Value)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}

/// <summary>
/// graphql-js MaxIntrospectionDepthRule (a recommended rule in its specified list): under <c>__schema</c> or
/// <c>__type</c>, the introspection lists <c>fields</c>/<c>interfaces</c>/<c>possibleTypes</c>/<c>inputFields</c>
/// may not nest three deep.
/// </summary>
internal sealed class MaxIntrospectionDepthRule(ValidationContext context) : ValidationRule(context)
{
    private const int MaxListsDepth = 3;
    private readonly HashSet<string> _visitedFragments = new(StringComparer.Ordinal);

    // (fragment, depth) pairs known not to reach the limit: keeps nested fragment spreads from going exponential.
    private readonly HashSet<(string, int)> _shallowFragments = [];

    private int _cycleCuts;

    // The reported field: the rule does not look inside it again (graphql-js returns false).
    private FieldNode? _skipUntil;

    public override void EnterField(FieldNode node)
    {
        if (_skipUntil is not null || node.Name.Value is not ("__schema" or "__type"))
        {
            return;
        }

        if (CheckDepth(node, 0))
        {
            Context.ReportError("Maximum introspection depth exceeded", node);
            _skipUntil = node;
        }
    }

    public override void LeaveField(FieldNode node)
    {
        if (ReferenceEquals(node, _skipUntil))
        {
            _skipUntil = null;
        }
    }

    private bool CheckDepth(Node node, int depth)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (node is FragmentSpreadNode spread)
        {
            var fragmentName = spread.Name.Value;
            if (_visitedFragments.Contains(fragmentName))
            {
                // A cycle (reported by NoFragmentCycles): this result depends on the path, so it must not be memoized.
                _cycleCuts++;
                return false;
            }

            if (_shallowFragments.Contains((fragmentName, depth)) || Context.GetFragment(fragmentName) is not { } fragment)
            {
                return false;
            }

            _visitedFragments.Add(fragmentName);
            try
            {
                var cutsBefore = _cycleCuts;
                var result = CheckDepth(fragment, depth);
                if (!result && cutsBefore == _cycleCuts)
                {
                    _shallowFragments.Add((fragmentName, depth));
                }

                return result;
            }
            finally
            {
                _visitedFragments.Remove(fragmentName);
            }
        }

        if (node is FieldNode { Name.Value: "fields" or "interfaces" or "possibleTypes" or "inputFields" } && ++depth >= MaxListsDepth)
        {
            return true;
        }

        var selectionSet = node switch
        {
            FieldNode f => f.SelectionSet,
            FragmentDefinitionNode d => d.SelectionSet,
            InlineFragmentNode i => i.SelectionSet,
            _ => null,
        };
        if (selectionSet is not null)
        {
            foreach (var child in selectionSet.Selections)
            {
                if (CheckDepth(child, depth))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
