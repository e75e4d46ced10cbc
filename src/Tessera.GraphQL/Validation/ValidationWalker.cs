using System.Runtime.CompilerServices;
using Tessera.GraphQL.Language;

namespace Tessera.GraphQL.Validation;

/// <summary>
/// Walks an executable document once, keeping <see cref="TypeInfo"/> up to date and calling every rule at every node,
/// in graphql-js visiting order (and rule order), so errors come out in graphql-js order. Type system definitions
/// are not walked: they only get the "not executable" error.
/// </summary>
internal sealed class ValidationWalker
{
    private readonly ValidationContext _context;
    private readonly ValidationRule[] _rules;
    private readonly TypeInfo _typeInfo;

    // Per rule: the node whose children the rule asked to skip (graphql-js returning false from enter), else null.
    private readonly Node?[] _skipping;

    // Where variable usages of the definition being walked go; null while not recording.
    private List<VariableUsage>? _usages;

    public ValidationWalker(ValidationContext context, ValidationRule[] rules)
        : this(context, rules, context.TypeInfo)
    {
    }

    public ValidationWalker(ValidationContext context, ValidationRule[] rules, TypeInfo typeInfo)
    {
        _context = context;
        _rules = rules;
        _typeInfo = typeInfo;
        _skipping = new Node?[rules.Length];
    }

    public void WalkDocument(DocumentNode document)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterDocument(document);
        }

        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case OperationDefinitionNode operation:
                    WalkOperation(operation);
                    break;
                case FragmentDefinitionNode fragment:
                    WalkFragmentDefinition(fragment);
                    break;
                default:
                    // Not executable (reported), but graphql-js still checks its type names, directives and values.
                    _context.InTypeSystemDefinition = true;
                    WalkTypeSystemDefinition(definition);
                    _context.InTypeSystemDefinition = false;
                    break;
            }
        }

        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].LeaveDocument(document);
        }
    }

    /// <summary>Walks one definition only to collect its variable usages (no rules run).</summary>
    public void WalkDefinitionForVariableUsages(ExecutableDefinitionNode definition)
    {
        if (definition is OperationDefinitionNode operation)
        {
            WalkOperation(operation);
        }
        else
        {
            WalkFragmentDefinition((FragmentDefinitionNode)definition);
        }
    }

    private void WalkOperation(OperationDefinitionNode operation)
    {
        _typeInfo.EnterOperation(operation);
        var previousUsages = _usages;
        _usages = _context.BeginVariableUsages(operation);
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterOperation(operation);
        }

        foreach (var variableDefinition in operation.VariableDefinitions)
        {
            WalkVariableDefinition(variableDefinition);
        }

        WalkDirectives(operation, operation.Directives);
        WalkSelectionSet(operation.SelectionSet);

        // Usages are complete before the leave hooks read them.
        _usages = previousUsages;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].LeaveOperation(operation);
        }

        _typeInfo.LeaveTypeScope();
    }

    private void WalkFragmentDefinition(FragmentDefinitionNode fragment)
    {
        _typeInfo.EnterTypeCondition(fragment.TypeCondition);
        var previousUsages = _usages;
        _usages = _context.BeginVariableUsages(fragment);
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterFragmentDefinition(fragment);
        }

        WalkNamedType(fragment.TypeCondition);
        WalkDirectives(fragment, fragment.Directives);
        WalkSelectionSet(fragment.SelectionSet);
        _usages = previousUsages;
        _typeInfo.LeaveTypeScope();
    }

    private void WalkTypeSystemDefinition(DefinitionNode definition)
    {
        switch (definition)
        {
            case SchemaDefinitionNode schema:
                EnterTypeSystemNode(schema, schema.Directives);
                WalkDirectives(schema, schema.Directives);
                foreach (var operationType in schema.OperationTypes)
                {
                    WalkNamedType(operationType.Type);
                }

                break;
            case SchemaExtensionNode schema:
                EnterTypeSystemNode(schema, schema.Directives);
                WalkDirectives(schema, schema.Directives);
                foreach (var operationType in schema.OperationTypes)
                {
                    WalkNamedType(operationType.Type);
                }

                break;
            case ScalarTypeDefinitionNode scalar:
                EnterTypeSystemNode(scalar, scalar.Directives);
                WalkDirectives(scalar, scalar.Directives);
                break;
            case ObjectTypeDefinitionNode type:
                EnterTypeSystemNode(type, type.Directives);
                foreach (var iface in type.Interfaces)
                {
                    WalkNamedType(iface);
                }

                WalkDirectives(type, type.Directives);
                foreach (var field in type.Fields)
                {
                    EnterTypeSystemNode(field, field.Directives);
                    foreach (var argument in field.Arguments)
                    {
                        WalkInputValueDefinition(argument, false);
                    }

                    WalkType(field.Type);
                    WalkDirectives(field, field.Directives);
                }

                break;
            case UnionTypeDefinitionNode union:
                EnterTypeSystemNode(union, union.Directives);
                WalkDirectives(union, union.Directives);
                foreach (var member in union.Types)
                {
                    WalkNamedType(member);
                }

                break;
            case EnumTypeDefinitionNode enumType:
                EnterTypeSystemNode(enumType, enumType.Directives);
                WalkDirectives(enumType, enumType.Directives);
                foreach (var value in enumType.Values)
                {
                    EnterTypeSystemNode(value, value.Directives);
                    WalkDirectives(value, value.Directives);
                }

                break;
            case InputObjectTypeDefinitionNode input:
                EnterTypeSystemNode(input, input.Directives);
                WalkDirectives(input, input.Directives);
                foreach (var field in input.Fields)
                {
                    // As graphql-js: fields of an input extension count as argument definitions for directive locations.
                    WalkInputValueDefinition(field, !input.IsExtension);
                }

                break;
            case DirectiveDefinitionNode directive:
                foreach (var argument in directive.Arguments)
                {
                    WalkInputValueDefinition(argument, false);
                }

                break;
        }
    }

    private void WalkInputValueDefinition(InputValueDefinitionNode inputValue, bool isInputField)
    {
        EnterTypeSystemNode(inputValue, inputValue.Directives);
        WalkType(inputValue.Type);
        if (inputValue.DefaultValue is { } defaultValue)
        {
            WalkValue(defaultValue);
        }

        _context.DirectiveOwnerIsInputField = isInputField;
        WalkDirectives(inputValue, inputValue.Directives);
        _context.DirectiveOwnerIsInputField = false;
    }

    private void EnterTypeSystemNode(Node node, IReadOnlyList<DirectiveNode> directives)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterTypeSystemNode(node, directives);
        }
    }

    private void WalkVariableDefinition(VariableDefinitionNode variableDefinition)
    {
        _typeInfo.EnterVariableDefinition(variableDefinition);
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterVariableDefinition(variableDefinition);
        }

        WalkType(variableDefinition.Type);

        // Nothing inside a variable definition is a usage of a variable (graphql-js skips the whole node).
        var usages = _usages;
        _usages = null;
        if (variableDefinition.DefaultValue is { } defaultValue)
        {
            WalkValue(defaultValue);
        }

        WalkDirectives(variableDefinition, variableDefinition.Directives);
        _usages = usages;
        _typeInfo.LeaveVariableDefinition();
    }

    private void WalkType(TypeNode type)
    {
        while (true)
        {
            switch (type)
            {
                case NamedTypeNode named:
                    WalkNamedType(named);
                    return;
                case ListTypeNode list:
                    type = list.Type;
                    break;
                case NonNullTypeNode nonNull:
                    type = nonNull.Type;
                    break;
                default:
                    return;
            }
        }
    }

    private void WalkNamedType(NamedTypeNode named)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterNamedType(named);
        }
    }

    private void WalkSelectionSet(SelectionSetNode selectionSet)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        _typeInfo.EnterSelectionSet();
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterSelectionSet(selectionSet);
        }

        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    WalkField(field);
                    break;
                case FragmentSpreadNode spread:
                    WalkFragmentSpread(spread);
                    break;
                case InlineFragmentNode inline:
                    WalkInlineFragment(inline);
                    break;
            }
        }

        _typeInfo.LeaveSelectionSet();
    }

    private void WalkField(FieldNode field)
    {
        _typeInfo.EnterField(field);
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterField(field);
        }

        foreach (var argument in field.Arguments)
        {
            WalkArgument(argument);
        }

        WalkDirectives(field, field.Directives);
        if (field.SelectionSet is { } selectionSet)
        {
            WalkSelectionSet(selectionSet);
        }

        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].LeaveField(field);
        }

        _typeInfo.LeaveField();
    }

    private void WalkFragmentSpread(FragmentSpreadNode spread)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterFragmentSpread(spread);
        }

        WalkDirectives(spread, spread.Directives);
    }

    private void WalkInlineFragment(InlineFragmentNode inline)
    {
        _typeInfo.EnterTypeCondition(inline.TypeCondition);
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i].EnterInlineFragment(inline);
        }

        if (inline.TypeCondition is { } typeCondition)
        {
            WalkNamedType(typeCondition);
        }

        WalkDirectives(inline, inline.Directives);
        WalkSelectionSet(inline.SelectionSet);
        _typeInfo.LeaveTypeScope();
    }

    private void WalkDirectives(Node owner, IReadOnlyList<DirectiveNode> directives)
    {
        if (directives.Count == 0)
        {
            return;
        }

        _context.DirectiveOwner = owner;
        for (var d = 0; d < directives.Count; d++)
        {
            var directive = directives[d];
            _typeInfo.EnterDirective(directive);
            var rules = _rules;
            var skipping = _skipping;
            for (var i = 0; i < rules.Length; i++)
            {
                if (skipping[i] is null && !rules[i].EnterDirective(directive))
                {
                    skipping[i] = directive;
                }
            }

            foreach (var argument in directive.Arguments)
            {
                WalkArgument(argument);
            }

            for (var i = 0; i < rules.Length; i++)
            {
                if (skipping[i] is null)
                {
                    rules[i].LeaveDirective(directive);
                }
                else if (ReferenceEquals(skipping[i], directive))
                {
                    skipping[i] = null;
                }
            }

            _typeInfo.LeaveDirective();
        }
    }

    private void WalkArgument(ArgumentNode argument)
    {
        _typeInfo.EnterArgument(argument);
        var rules = _rules;
        var skipping = _skipping;
        for (var i = 0; i < rules.Length; i++)
        {
            if (skipping[i] is null)
            {
                rules[i].EnterArgument(argument);
            }
        }

        WalkValue(argument.Value);
        _typeInfo.LeaveArgument();
    }

    private void WalkValue(ValueNode value)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var rules = _rules;
        var skipping = _skipping;
        switch (value)
        {
            case VariableNode variable:
                _usages?.Add(new VariableUsage(variable, _typeInfo.InputType, _typeInfo.HasDefaultValue, _typeInfo.ParentInputType));
                return;

            case ListValueNode list:
                _typeInfo.EnterListValue();
                EnterValue(value);
                foreach (var item in list.Values)
                {
                    WalkValue(item);
                }

                LeaveValue(value);
                _typeInfo.LeaveInputScope();
                return;

            case ObjectValueNode objectValue:
                EnterValue(value);
                foreach (var field in objectValue.Fields)
                {
                    _typeInfo.EnterObjectField(field);
                    for (var i = 0; i < rules.Length; i++)
                    {
                        if (skipping[i] is null)
                        {
                            rules[i].EnterObjectField(field);
                        }
                    }

                    WalkValue(field.Value);
                    _typeInfo.LeaveInputScope();
                }

                LeaveValue(value);
                return;

            default:
                EnterValue(value);
                LeaveValue(value);
                return;
        }
    }

    private void EnterValue(ValueNode value)
    {
        var rules = _rules;
        var skipping = _skipping;
        for (var i = 0; i < rules.Length; i++)
        {
            if (skipping[i] is null && !rules[i].EnterValue(value))
            {
                skipping[i] = value;
            }
        }
    }

    private void LeaveValue(ValueNode value)
    {
        var rules = _rules;
        var skipping = _skipping;
        for (var i = 0; i < rules.Length; i++)
        {
            if (skipping[i] is null)
            {
                rules[i].LeaveValue(value);
            }
            else if (ReferenceEquals(skipping[i], value))
            {
                skipping[i] = null;
            }
        }
    }
}
