using Tessera.GraphQL.Language;

namespace Tessera.GraphQL.Validation;

/// <summary>
/// One validation rule: hooks the walker calls on entering and leaving nodes (graphql-js <c>ASTVisitor</c>).
/// Hooks returning false skip that node's children for this rule only.
/// </summary>
internal abstract class ValidationRule
{
    protected ValidationRule(ValidationContext context) => Context = context;

    protected ValidationContext Context { get; }

    protected TypeInfo TypeInfo => Context.TypeInfo;

    public virtual void EnterDocument(DocumentNode node)
    {
    }

    public virtual void LeaveDocument(DocumentNode node)
    {
    }

    public virtual void EnterOperation(OperationDefinitionNode node)
    {
    }

    public virtual void LeaveOperation(OperationDefinitionNode node)
    {
    }

    public virtual void EnterFragmentDefinition(FragmentDefinitionNode node)
    {
    }

    public virtual void EnterVariableDefinition(VariableDefinitionNode node)
    {
    }

    public virtual void EnterNamedType(NamedTypeNode node)
    {
    }

    public virtual void EnterSelectionSet(SelectionSetNode node)
    {
    }

    public virtual void EnterField(FieldNode node)
    {
    }

    public virtual void LeaveField(FieldNode node)
    {
    }

    public virtual void EnterFragmentSpread(FragmentSpreadNode node)
    {
    }

    public virtual void EnterInlineFragment(InlineFragmentNode node)
    {
    }

    /// <summary>Returns false to skip the directive's arguments.</summary>
    public virtual bool EnterDirective(DirectiveNode node) => true;

    public virtual void LeaveDirective(DirectiveNode node)
    {
    }

    public virtual void EnterArgument(ArgumentNode node)
    {
    }

    /// <summary>Called for every value but variables; returns false to skip a list's items or an object's fields.</summary>
    public virtual bool EnterValue(ValueNode node) => true;

    public virtual void LeaveValue(ValueNode node)
    {
    }

    public virtual void EnterObjectField(ObjectFieldNode node)
    {
    }

    /// <summary>Entering a type system node (a definition, extension, field, argument or enum value) that has directives.</summary>
    public virtual void EnterTypeSystemNode(Node node, IReadOnlyList<DirectiveNode> directives)
    {
    }
}
