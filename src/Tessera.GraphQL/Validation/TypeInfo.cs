using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Validation;

/// <summary>
/// Tracks, while walking a document, the types around the current node (graphql-js <c>TypeInfo</c>): the output type,
/// the parent composite type, the field definition, the expected input type, the directive and the argument.
/// </summary>
internal sealed class TypeInfo
{
    private readonly Schema _schema;
    private readonly List<GraphQLType?> _typeStack = [];
    private readonly List<NamedType?> _parentTypeStack = [];
    private readonly List<GraphQLType?> _inputTypeStack = [];
    private readonly List<FieldDefinition?> _fieldDefStack = [];
    private readonly List<bool> _defaultValueStack = [];

    public TypeInfo(Schema schema) => _schema = schema;

    /// <summary>The output type of the current field, operation or fragment.</summary>
    public GraphQLType? Type => _typeStack.Count > 0 ? _typeStack[^1] : null;

    /// <summary>The composite type whose selection set is being walked.</summary>
    public NamedType? ParentType => _parentTypeStack.Count > 0 ? _parentTypeStack[^1] : null;

    /// <summary>The input type expected at the current argument, list item, input field or variable definition.</summary>
    public GraphQLType? InputType => _inputTypeStack.Count > 0 ? _inputTypeStack[^1] : null;

    /// <summary>The input type one level up (the list or input object containing the current value).</summary>
    public GraphQLType? ParentInputType => _inputTypeStack.Count > 1 ? _inputTypeStack[^2] : null;

    /// <summary>The definition of the current field.</summary>
    public FieldDefinition? FieldDef => _fieldDefStack.Count > 0 ? _fieldDefStack[^1] : null;

    /// <summary>True when the current argument or input field has a default value.</summary>
    public bool HasDefaultValue => _defaultValueStack.Count > 0 && _defaultValueStack[^1];

    /// <summary>The definition of the current directive.</summary>
    public DirectiveDefinition? Directive { get; private set; }

    /// <summary>The definition of the current argument.</summary>
    public InputValueDefinition? Argument { get; private set; }

    public void EnterOperation(OperationDefinitionNode node) => _typeStack.Add(_schema.GetRootType(node.Operation));

    public void EnterTypeCondition(NamedTypeNode? typeCondition)
    {
        var type = typeCondition is null ? Type?.GetNamedType() : _schema.GetType(typeCondition.Name.Value);
        _typeStack.Add(type is not null && type.IsOutputType ? type : null);
    }

    public void LeaveTypeScope() => _typeStack.RemoveAt(_typeStack.Count - 1);

    public void EnterSelectionSet()
    {
        var named = Type?.GetNamedType();
        _parentTypeStack.Add(named is not null && named.IsCompositeType ? named : null);
    }

    public void LeaveSelectionSet() => _parentTypeStack.RemoveAt(_parentTypeStack.Count - 1);

    public void EnterField(FieldNode node)
    {
        var parentType = ParentType;
        var fieldDef = parentType is null ? null : _schema.GetFieldDefinition(parentType, node.Name.Value);
        _fieldDefStack.Add(fieldDef);
        _typeStack.Add(fieldDef is not null && fieldDef.Type.IsOutputType ? fieldDef.Type : null);
    }

    public void LeaveField()
    {
        _fieldDefStack.RemoveAt(_fieldDefStack.Count - 1);
        _typeStack.RemoveAt(_typeStack.Count - 1);
    }

    public void EnterDirective(DirectiveNode node) => Directive = _schema.GetDirective(node.Name.Value);

    public void LeaveDirective() => Directive = null;

    public void EnterVariableDefinition(VariableDefinitionNode node)
    {
        var type = _schema.TypeFromAst(node.Type);
        _inputTypeStack.Add(type is not null && type.IsInputType ? type : null);
    }

    public void LeaveVariableDefinition() => _inputTypeStack.RemoveAt(_inputTypeStack.Count - 1);

    public void EnterArgument(ArgumentNode node)
    {
        InputValueDefinition? argDef = null;
        if (Directive is { } directive)
        {
            argDef = directive.GetArgument(node.Name.Value);
        }
        else if (FieldDef is { } fieldDef)
        {
            argDef = fieldDef.GetArgument(node.Name.Value);
        }

        Argument = argDef;
        _defaultValueStack.Add(argDef is not null && argDef.HasDefaultValue);
        _inputTypeStack.Add(argDef is not null && argDef.Type.IsInputType ? argDef.Type : null);
    }

    public void LeaveArgument()
    {
        Argument = null;
        _defaultValueStack.RemoveAt(_defaultValueStack.Count - 1);
        _inputTypeStack.RemoveAt(_inputTypeStack.Count - 1);
    }

    public void EnterListValue()
    {
        var listType = InputType?.Nullable;
        var itemType = listType is ListType list ? list.OfType : listType;

        // List positions never have a default value.
        _defaultValueStack.Add(false);
        _inputTypeStack.Add(itemType is not null && itemType.IsInputType ? itemType : null);
    }

    public void EnterObjectField(ObjectFieldNode node)
    {
        InputValueDefinition? field = null;
        if (InputType?.GetNamedType() is InputObjectType objectType)
        {
            field = objectType.GetField(node.Name.Value);
        }

        _defaultValueStack.Add(field is not null && field.HasDefaultValue);
        _inputTypeStack.Add(field is not null && field.Type.IsInputType ? field.Type : null);
    }

    /// <summary>Leaves a list value or an object field.</summary>
    public void LeaveInputScope()
    {
        _defaultValueStack.RemoveAt(_defaultValueStack.Count - 1);
        _inputTypeStack.RemoveAt(_inputTypeStack.Count - 1);
    }
}
