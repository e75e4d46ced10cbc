using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Validation.Rules;

/// <summary>
/// 5.6.1 Values of Correct Type, 5.6.2 Input Object Field Names, 5.6.4 Input Object Required Fields and the
/// OneOf literal checks: every literal must coerce to the type expected where it stands (graphql-js ValuesOfCorrectType).
/// </summary>
internal sealed class ValuesOfCorrectTypeRule(ValidationContext context) : ValidationRule(context)
{
    // The variable definitions of the latest operation (as graphql-js, not reset for fragments that follow it).
    private readonly Dictionary<string, VariableDefinitionNode> _variableDefinitions = new(StringComparer.Ordinal);

    public override void EnterOperation(OperationDefinitionNode node) => _variableDefinitions.Clear();

    public override void EnterVariableDefinition(VariableDefinitionNode node) => _variableDefinitions[node.Variable.Name.Value] = node;

    public override bool EnterValue(ValueNode node)
    {
        switch (node)
        {
            case ListValueNode:
                // TypeInfo already stepped into the item type: the list's own type is one level up.
                if (TypeInfo.ParentInputType?.Nullable is not ListType)
                {
                    IsValidValueNode(node);
                    return false;
                }

                return true;

            case ObjectValueNode objectValue:
                if (TypeInfo.InputType?.GetNamedType() is not InputObjectType objectType)
                {
                    IsValidValueNode(node);
                    return false;
                }

                CheckObject(objectValue, objectType);
                return true;

            case NullValueNode:
                if (TypeInfo.InputType is NonNullType nonNullType)
                {
                    Context.ReportError($"Expected value of type \"{nonNullType}\", found null.", node);
                }

                return true;

            default:
                IsValidValueNode(node);
                return true;
        }
    }

    public override void EnterObjectField(ObjectFieldNode node)
    {
        if (TypeInfo.InputType is null && TypeInfo.ParentInputType?.GetNamedType() is InputObjectType parentType)
        {
            var suggestions = Suggestions.List(node.Name.Value, parentType.Fields.Select(f => f.Name));
            Context.ReportError(
                $"Field \"{node.Name.Value}\" is not defined by type \"{parentType.Name}\"." + Suggestions.DidYouMean(suggestions), node);
        }
    }

    private void CheckObject(ObjectValueNode node, InputObjectType type)
    {
        // As graphql-js keyMap: with duplicate field names the last one counts (the duplicate is reported elsewhere).
        Dictionary<string, ObjectFieldNode>? fieldNodes = null;
        if (node.Fields.Count > 0)
        {
            fieldNodes = new Dictionary<string, ObjectFieldNode>(node.Fields.Count, StringComparer.Ordinal);
            foreach (var field in node.Fields)
            {
                fieldNodes[field.Name.Value] = field;
            }
        }

        foreach (var fieldDef in type.Fields)
        {
            if (fieldDef.Type is NonNullType && !fieldDef.HasDefaultValue && (fieldNodes is null || !fieldNodes.ContainsKey(fieldDef.Name)))
            {
                Context.ReportError(
                    $"Field \"{type.Name}.{fieldDef.Name}\" of required type \"{fieldDef.Type}\" was not provided.", node);
            }
        }

        if (!type.IsOneOf)
        {
            return;
        }

        if (fieldNodes is null || fieldNodes.Count != 1)
        {
            Context.ReportError($"OneOf Input Object \"{type.Name}\" must specify exactly one key.", node);
            return;
        }

        foreach (var (key, field) in fieldNodes)
        {
            if (field.Value is NullValueNode)
            {
                Context.ReportError($"Field \"{type.Name}.{key}\" must be non-null.", node);
            }
            else if (field.Value is VariableNode variable
                && _variableDefinitions.TryGetValue(variable.Name.Value, out var definition)
                && definition.Type is not NonNullTypeNode)
            {
                // graphql-js 16 reports this here and again, worded differently, in VariablesInAllowedPosition.
                Context.ReportError(
                    $"Variable \"{variable.Name.Value}\" must be non-nullable to be used for OneOf Input Object \"{type.Name}\".", node);
            }
        }
    }

    // Any literal may be a valid representation of a scalar, depending on the scalar: ask it.
    private void IsValidValueNode(ValueNode node)
    {
        if (TypeInfo.InputType is not { } locationType)
        {
            return;
        }

        var type = locationType.GetNamedType();
        switch (type)
        {
            case EnumType enumType:
                CheckEnum(node, enumType);
                return;

            case ScalarType scalarType:
                try
                {
                    scalarType.ParseLiteral(node);
                }
                catch (GraphQLError error)
                {
                    Context.ReportError(error);
                }
                catch (Exception exception) when (exception is not ValidationAbortedException)
                {
                    Context.ReportError(
                        $"Expected value of type \"{locationType}\", found {Printer.Print(node)}; {exception.Message}", node);
                }

                return;

            default:
                Context.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}.", node);
                return;
        }
    }

    // Same wording as graphql-js GraphQLEnumType.parseLiteral, with its "did you mean" hint.
    private void CheckEnum(ValueNode node, EnumType enumType)
    {
        if (node is EnumValueNode enumValue)
        {
            if (enumType.GetValue(enumValue.Value) is not null)
            {
                return;
            }

            Context.ReportError(
                $"Value \"{enumValue.Value}\" does not exist in \"{enumType.Name}\" enum." + DidYouMeanEnumValue(enumType, enumValue.Value),
                node);
            return;
        }

        var valueText = Printer.Print(node);
        Context.ReportError(
            $"Enum \"{enumType.Name}\" cannot represent non-enum value: {valueText}." + DidYouMeanEnumValue(enumType, valueText), node);
    }

    private static string DidYouMeanEnumValue(EnumType enumType, string unknownValue) =>
        Suggestions.DidYouMean("the enum value", Suggestions.List(unknownValue, enumType.Values.Select(v => v.Name)));
}

/// <summary>5.6.3 Input Object Field Uniqueness.</summary>
internal sealed class UniqueInputFieldNamesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Stack<Dictionary<string, NameNode>> _stack = new();
    private Dictionary<string, NameNode>? _known;

    public override bool EnterValue(ValueNode node)
    {
        if (node is ObjectValueNode)
        {
            if (_known is not null)
            {
                _stack.Push(_known);
            }

            _known = new Dictionary<string, NameNode>(StringComparer.Ordinal);
        }

        return true;
    }

    public override void LeaveValue(ValueNode node)
    {
        if (node is ObjectValueNode)
        {
            _known = _stack.Count > 0 ? _stack.Pop() : null;
        }
    }

    public override void EnterObjectField(ObjectFieldNode node)
    {
        var name = node.Name.Value;
        if (_known!.TryGetValue(name, out var first))
        {
            Context.ReportError($"There can be only one input field named \"{name}\".", first, node.Name);
        }
        else
        {
            _known[name] = node.Name;
        }
    }
}
