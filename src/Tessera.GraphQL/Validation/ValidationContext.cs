using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Validation;

/// <summary>A variable found in a value position, with the type that position expects.</summary>
/// <param name="Node">The variable reference.</param>
/// <param name="Type">The input type expected where it is used, null when unknown.</param>
/// <param name="HasLocationDefault">True when the argument or input field it is passed to has a default value.</param>
/// <param name="ParentType">The input type of the enclosing value (for an input object field, the object's type).</param>
internal readonly record struct VariableUsage(VariableNode Node, GraphQLType? Type, bool HasLocationDefault, GraphQLType? ParentType);

/// <summary>
/// What the rules share during one validation: the schema, the document, the type information of the node being
/// visited, the error list, and caches of fragment spreads and variable usages (graphql-js <c>ValidationContext</c>).
/// </summary>
internal sealed class ValidationContext
{
    private readonly int _maxErrors;
    private readonly Dictionary<string, FragmentDefinitionNode> _fragments = new(StringComparer.Ordinal);
    private readonly Dictionary<SelectionSetNode, List<FragmentSpreadNode>> _fragmentSpreads = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<OperationDefinitionNode, List<FragmentDefinitionNode>> _recursiveFragments = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ExecutableDefinitionNode, List<VariableUsage>> _variableUsages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<OperationDefinitionNode, List<VariableUsage>> _recursiveVariableUsages = new(ReferenceEqualityComparer.Instance);

    public ValidationContext(Schema schema, DocumentNode document, int maxErrors)
    {
        Schema = schema;
        Document = document;
        _maxErrors = maxErrors;
        TypeInfo = new TypeInfo(schema);
        foreach (var definition in document.Definitions)
        {
            if (definition is FragmentDefinitionNode fragment && fragment.Name is not null)
            {
                // As graphql-js: with duplicate names the last definition wins (the duplicate is reported separately).
                _fragments[fragment.Name.Value] = fragment;
            }
        }
    }

    public Schema Schema { get; }

    public DocumentNode Document { get; }

    /// <summary>The type information of the node the walker is on.</summary>
    public TypeInfo TypeInfo { get; }

    public List<GraphQLError> Errors { get; } = [];

    /// <summary>The node the directives being walked are applied to.</summary>
    public Node? DirectiveOwner { get; set; }

    /// <summary>True when <see cref="DirectiveOwner"/> is a field of an input object type definition (not an argument).</summary>
    public bool DirectiveOwnerIsInputField { get; set; }

    /// <summary>True while walking a type system definition (SDL written in the document).</summary>
    public bool InTypeSystemDefinition { get; set; }

    /// <summary>Adds an error; past the limit, adds the limit error and stops validation.</summary>
    public void ReportError(GraphQLError error)
    {
        if (Errors.Count >= _maxErrors)
        {
            Errors.Add(new GraphQLError(DocumentValidator.TooManyErrorsMessage));
            throw new ValidationAbortedException();
        }

        Errors.Add(error);
    }

    public void ReportError(string message, params ReadOnlySpan<Node?> nodes) => ReportError(new GraphQLError(message, nodes));

    /// <summary>Adds a last error and stops validation.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Abort(string message)
    {
        Errors.Add(new GraphQLError(message));
        throw new ValidationAbortedException();
    }

    public FragmentDefinitionNode? GetFragment(string name) => _fragments.GetValueOrDefault(name);

    /// <summary>Every fragment spread under a selection set, nested fields and inline fragments included (graphql-js order).</summary>
    public List<FragmentSpreadNode> GetFragmentSpreads(SelectionSetNode selectionSet)
    {
        if (_fragmentSpreads.TryGetValue(selectionSet, out var spreads))
        {
            return spreads;
        }

        spreads = [];
        var setsToVisit = new Stack<SelectionSetNode>();
        setsToVisit.Push(selectionSet);
        while (setsToVisit.Count > 0)
        {
            var set = setsToVisit.Pop();
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case FragmentSpreadNode spread:
                        spreads.Add(spread);
                        break;
                    case FieldNode { SelectionSet: { } fieldSet }:
                        setsToVisit.Push(fieldSet);
                        break;
                    case InlineFragmentNode inline:
                        setsToVisit.Push(inline.SelectionSet);
                        break;
                }
            }
        }

        _fragmentSpreads[selectionSet] = spreads;
        return spreads;
    }

    /// <summary>The fragments an operation uses, directly or through other fragments, each once.</summary>
    public List<FragmentDefinitionNode> GetRecursivelyReferencedFragments(OperationDefinitionNode operation)
    {
        if (_recursiveFragments.TryGetValue(operation, out var fragments))
        {
            return fragments;
        }

        fragments = [];
        var collectedNames = new HashSet<string>(StringComparer.Ordinal);
        var nodesToVisit = new Stack<SelectionSetNode>();
        nodesToVisit.Push(operation.SelectionSet);
        while (nodesToVisit.Count > 0)
        {
            var node = nodesToVisit.Pop();
            foreach (var spread in GetFragmentSpreads(node))
            {
                var name = spread.Name.Value;
                if (collectedNames.Add(name) && GetFragment(name) is { } fragment)
                {
                    fragments.Add(fragment);
                    nodesToVisit.Push(fragment.SelectionSet);
                }
            }
        }

        _recursiveFragments[operation] = fragments;
        return fragments;
    }

    /// <summary>
    /// Returns the list the walker fills with the variable usages of <paramref name="definition"/>, or null when they
    /// were already collected (a fragment walked early because an operation before it spreads it).
    /// </summary>
    public List<VariableUsage>? BeginVariableUsages(ExecutableDefinitionNode definition)
    {
        if (_variableUsages.ContainsKey(definition))
        {
            return null;
        }

        var usages = new List<VariableUsage>();
        _variableUsages[definition] = usages;
        return usages;
    }

    /// <summary>The variable usages of an operation or fragment itself (not of the fragments it spreads).</summary>
    public List<VariableUsage> GetVariableUsages(ExecutableDefinitionNode definition)
    {
        if (_variableUsages.TryGetValue(definition, out var usages))
        {
            return usages;
        }

        // Not walked yet (a fragment defined after the operation using it): walk it alone, without rules.
        var walker = new ValidationWalker(this, [], new TypeInfo(Schema));
        walker.WalkDefinitionForVariableUsages(definition);
        return _variableUsages[definition];
    }

    /// <summary>The variable usages of an operation and of every fragment it uses, in graphql-js order.</summary>
    public List<VariableUsage> GetRecursiveVariableUsages(OperationDefinitionNode operation)
    {
        if (_recursiveVariableUsages.TryGetValue(operation, out var usages))
        {
            return usages;
        }

        var fragments = GetRecursivelyReferencedFragments(operation);
        var own = GetVariableUsages(operation);
        if (fragments.Count == 0)
        {
            usages = own;
        }
        else
        {
            usages = new List<VariableUsage>(own);
            foreach (var fragment in fragments)
            {
                usages.AddRange(GetVariableUsages(fragment));
            }
        }

        _recursiveVariableUsages[operation] = usages;
        return usages;
    }
}
