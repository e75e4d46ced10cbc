namespace Tessera.GraphQL.Language;

/// <summary>Where a node or token sits in the source text.</summary>
/// <param name="Start">Index of the first character (UTF-16 code unit offset).</param>
/// <param name="End">Index just past the last character.</param>
/// <param name="Line">1-based line of <paramref name="Start"/>.</param>
/// <param name="Column">1-based column of <paramref name="Start"/>.</param>
public readonly record struct Location(int Start, int End, int Line, int Column);

/// <summary>The kind of an AST node, to switch on without type tests.</summary>
public enum NodeKind
{
    /// <summary>A name.</summary>
    Name,
    /// <summary>A document.</summary>
    Document,
    /// <summary>An operation definition.</summary>
    OperationDefinition,
    /// <summary>A variable definition.</summary>
    VariableDefinition,
    /// <summary>A selection set.</summary>
    SelectionSet,
    /// <summary>A field selection.</summary>
    Field,
    /// <summary>An argument.</summary>
    Argument,
    /// <summary>A fragment spread.</summary>
    FragmentSpread,
    /// <summary>An inline fragment.</summary>
    InlineFragment,
    /// <summary>A fragment definition.</summary>
    FragmentDefinition,
    /// <summary>A variable reference.</summary>
    Variable,
    /// <summary>An Int literal.</summary>
    IntValue,
    /// <summary>A Float literal.</summary>
    FloatValue,
    /// <summary>A String literal.</summary>
    StringValue,
    /// <summary>A Boolean literal.</summary>
    BooleanValue,
    /// <summary>The null literal.</summary>
    NullValue,
    /// <summary>An enum literal.</summary>
    EnumValue,
    /// <summary>A list literal.</summary>
    ListValue,
    /// <summary>An input object literal.</summary>
    ObjectValue,
    /// <summary>A field of an input object literal.</summary>
    ObjectField,
    /// <summary>A directive application.</summary>
    Directive,
    /// <summary>A named type reference.</summary>
    NamedType,
    /// <summary>A list type reference.</summary>
    ListType,
    /// <summary>A non-null type reference.</summary>
    NonNullType,
    /// <summary>A schema definition.</summary>
    SchemaDefinition,
    /// <summary>A root operation type definition.</summary>
    OperationTypeDefinition,
    /// <summary>A scalar type definition.</summary>
    ScalarTypeDefinition,
    /// <summary>An object type definition.</summary>
    ObjectTypeDefinition,
    /// <summary>A field definition.</summary>
    FieldDefinition,
    /// <summary>An argument or input field definition.</summary>
    InputValueDefinition,
    /// <summary>An interface type definition.</summary>
    InterfaceTypeDefinition,
    /// <summary>A union type definition.</summary>
    UnionTypeDefinition,
    /// <summary>An enum type definition.</summary>
    EnumTypeDefinition,
    /// <summary>An enum value definition.</summary>
    EnumValueDefinition,
    /// <summary>An input object type definition.</summary>
    InputObjectTypeDefinition,
    /// <summary>A directive definition.</summary>
    DirectiveDefinition,
    /// <summary>A schema extension.</summary>
    SchemaExtension,
    /// <summary>A scalar type extension.</summary>
    ScalarTypeExtension,
    /// <summary>An object type extension.</summary>
    ObjectTypeExtension,
    /// <summary>An interface type extension.</summary>
    InterfaceTypeExtension,
    /// <summary>A union type extension.</summary>
    UnionTypeExtension,
    /// <summary>An enum type extension.</summary>
    EnumTypeExtension,
    /// <summary>An input object type extension.</summary>
    InputObjectTypeExtension,
}

/// <summary>The three operation types.</summary>
public enum OperationType
{
    /// <summary><c>query</c></summary>
    Query,
    /// <summary><c>mutation</c></summary>
    Mutation,
    /// <summary><c>subscription</c></summary>
    Subscription,
}

/// <summary>Base of every AST node.</summary>
public abstract class Node
{
    /// <summary>The node kind.</summary>
    public abstract NodeKind Kind { get; }

    /// <summary>Where the node starts and ends in the source.</summary>
    public Location Location { get; init; }

    /// <inheritdoc />
    public override string ToString() => Printer.Print(this);
}

/// <summary>A name (<c>Name</c> token).</summary>
public sealed class NameNode : Node
{
    /// <summary>Creates a name node.</summary>
    public NameNode(string value) => Value = value;

    /// <summary>The name text.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Name;
}

/// <summary>A parsed document: executable definitions and/or type system definitions.</summary>
public sealed class DocumentNode : Node
{
    /// <summary>The definitions in source order.</summary>
    public required IReadOnlyList<DefinitionNode> Definitions { get; init; }

    /// <summary>Number of tokens the lexer produced for this document (excluding start and end of file).</summary>
    public int TokenCount { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Document;
}

/// <summary>Base of top-level definitions.</summary>
public abstract class DefinitionNode : Node
{
}

/// <summary>Base of operation and fragment definitions.</summary>
public abstract class ExecutableDefinitionNode : DefinitionNode
{
    /// <summary>The description, if any (September 2025: operations and fragments may carry one).</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The name, null for an anonymous operation.</summary>
    public NameNode? Name { get; init; }

    /// <summary>Directives applied to the definition.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];

    /// <summary>The selection set.</summary>
    public required SelectionSetNode SelectionSet { get; init; }
}

/// <summary>An operation: <c>query Name($v: T) @dir { ... }</c>.</summary>
public sealed class OperationDefinitionNode : ExecutableDefinitionNode
{
    /// <summary>Query, mutation or subscription.</summary>
    public OperationType Operation { get; init; }

    /// <summary>Variable definitions.</summary>
    public IReadOnlyList<VariableDefinitionNode> VariableDefinitions { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.OperationDefinition;
}

/// <summary>A fragment definition: <c>fragment Name on Type { ... }</c>.</summary>
public sealed class FragmentDefinitionNode : ExecutableDefinitionNode
{
    /// <summary>The type condition.</summary>
    public required NamedTypeNode TypeCondition { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.FragmentDefinition;
}

/// <summary>A variable definition: <c>$name: Type = default @dir</c>.</summary>
public sealed class VariableDefinitionNode : Node
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The variable.</summary>
    public required VariableNode Variable { get; init; }

    /// <summary>The declared type.</summary>
    public required TypeNode Type { get; init; }

    /// <summary>The default value, if any.</summary>
    public ValueNode? DefaultValue { get; init; }

    /// <summary>Directives applied to the variable definition.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.VariableDefinition;
}

/// <summary>A selection set: <c>{ ... }</c>.</summary>
public sealed class SelectionSetNode : Node
{
    /// <summary>The selections in source order.</summary>
    public required IReadOnlyList<SelectionNode> Selections { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.SelectionSet;
}

/// <summary>Base of fields, fragment spreads and inline fragments.</summary>
public abstract class SelectionNode : Node
{
    /// <summary>Directives applied to the selection.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>A field selection: <c>alias: name(args) @dir { ... }</c>.</summary>
public sealed class FieldNode : SelectionNode
{
    /// <summary>The alias, if any.</summary>
    public NameNode? Alias { get; init; }

    /// <summary>The field name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<ArgumentNode> Arguments { get; init; } = [];

    /// <summary>The sub-selection, null for a leaf field.</summary>
    public SelectionSetNode? SelectionSet { get; init; }

    /// <summary>The key of this field in the response: the alias, else the name.</summary>
    public string ResponseName => Alias?.Value ?? Name.Value;

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Field;
}

/// <summary>A fragment spread: <c>...Name @dir</c>.</summary>
public sealed class FragmentSpreadNode : SelectionNode
{
    /// <summary>The fragment name.</summary>
    public required NameNode Name { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.FragmentSpread;
}

/// <summary>An inline fragment: <c>... on Type @dir { ... }</c>.</summary>
public sealed class InlineFragmentNode : SelectionNode
{
    /// <summary>The type condition, if any.</summary>
    public NamedTypeNode? TypeCondition { get; init; }

    /// <summary>The selection set.</summary>
    public required SelectionSetNode SelectionSet { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.InlineFragment;
}

/// <summary>An argument: <c>name: value</c>.</summary>
public sealed class ArgumentNode : Node
{
    /// <summary>The argument name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>The value.</summary>
    public required ValueNode Value { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Argument;
}

/// <summary>A directive application: <c>@name(args)</c>.</summary>
public sealed class DirectiveNode : Node
{
    /// <summary>The directive name (without <c>@</c>).</summary>
    public required NameNode Name { get; init; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<ArgumentNode> Arguments { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Directive;
}

/// <summary>Base of value literals.</summary>
public abstract class ValueNode : Node
{
}

/// <summary>A variable reference: <c>$name</c>.</summary>
public sealed class VariableNode : ValueNode
{
    /// <summary>The variable name (without <c>$</c>).</summary>
    public required NameNode Name { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Variable;
}

/// <summary>An Int literal; the text is kept as written.</summary>
public sealed class IntValueNode : ValueNode
{
    /// <summary>The literal text.</summary>
    public required string Value { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.IntValue;
}

/// <summary>A Float literal; the text is kept as written.</summary>
public sealed class FloatValueNode : ValueNode
{
    /// <summary>The literal text.</summary>
    public required string Value { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.FloatValue;
}

/// <summary>A String literal (quoted or block).</summary>
public sealed class StringValueNode : ValueNode
{
    /// <summary>The string value after escapes (or the block string algorithm) were applied.</summary>
    public required string Value { get; init; }

    /// <summary>True when written as a block string (<c>"""</c>).</summary>
    public bool Block { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.StringValue;
}

/// <summary>A Boolean literal.</summary>
public sealed class BooleanValueNode : ValueNode
{
    /// <summary>The value.</summary>
    public bool Value { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.BooleanValue;
}

/// <summary>The <c>null</c> literal.</summary>
public sealed class NullValueNode : ValueNode
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.NullValue;
}

/// <summary>An enum literal.</summary>
public sealed class EnumValueNode : ValueNode
{
    /// <summary>The enum value name.</summary>
    public required string Value { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.EnumValue;
}

/// <summary>A list literal: <c>[a, b]</c>.</summary>
public sealed class ListValueNode : ValueNode
{
    /// <summary>The items.</summary>
    public required IReadOnlyList<ValueNode> Values { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.ListValue;
}

/// <summary>An input object literal: <c>{a: 1}</c>.</summary>
public sealed class ObjectValueNode : ValueNode
{
    /// <summary>The fields in source order.</summary>
    public required IReadOnlyList<ObjectFieldNode> Fields { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.ObjectValue;
}

/// <summary>A field of an input object literal.</summary>
public sealed class ObjectFieldNode : Node
{
    /// <summary>The field name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>The value.</summary>
    public required ValueNode Value { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.ObjectField;
}

/// <summary>Base of type references in documents.</summary>
public abstract class TypeNode : Node
{
}

/// <summary>A named type reference.</summary>
public sealed class NamedTypeNode : TypeNode
{
    /// <summary>The type name.</summary>
    public required NameNode Name { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.NamedType;
}

/// <summary>A list type reference: <c>[T]</c>.</summary>
public sealed class ListTypeNode : TypeNode
{
    /// <summary>The item type.</summary>
    public required TypeNode Type { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.ListType;
}

/// <summary>A non-null type reference: <c>T!</c>.</summary>
public sealed class NonNullTypeNode : TypeNode
{
    /// <summary>The nullable type (named or list).</summary>
    public required TypeNode Type { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.NonNullType;
}

/// <summary>Base of type system definitions and extensions.</summary>
public abstract class TypeSystemDefinitionNode : DefinitionNode
{
    /// <summary>Directives applied to the definition.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>A schema definition: <c>schema { query: Q }</c>.</summary>
public sealed class SchemaDefinitionNode : TypeSystemDefinitionNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The root operation types.</summary>
    public required IReadOnlyList<OperationTypeDefinitionNode> OperationTypes { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.SchemaDefinition;
}

/// <summary>A schema extension: <c>extend schema { ... }</c>.</summary>
public sealed class SchemaExtensionNode : TypeSystemDefinitionNode
{
    /// <summary>The root operation types added.</summary>
    public IReadOnlyList<OperationTypeDefinitionNode> OperationTypes { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.SchemaExtension;
}

/// <summary>A root operation type: <c>query: Query</c>.</summary>
public sealed class OperationTypeDefinitionNode : Node
{
    /// <summary>The operation.</summary>
    public OperationType Operation { get; init; }

    /// <summary>The object type.</summary>
    public required NamedTypeNode Type { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.OperationTypeDefinition;
}

/// <summary>Base of named type definitions and extensions.</summary>
public abstract class TypeDefinitionNode : TypeSystemDefinitionNode
{
    /// <summary>The description, if any (always null on extensions).</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The type name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>True for <c>extend ...</c> nodes.</summary>
    public abstract bool IsExtension { get; }
}

/// <summary>A scalar type definition or extension.</summary>
public sealed class ScalarTypeDefinitionNode : TypeDefinitionNode
{
    /// <inheritdoc />
    public override bool IsExtension => Kind == NodeKind.ScalarTypeExtension;

    /// <summary>True for <c>extend scalar</c>.</summary>
    public bool Extension { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => Extension ? NodeKind.ScalarTypeExtension : NodeKind.ScalarTypeDefinition;
}

/// <summary>An object or interface type definition or extension (they share a shape).</summary>
public sealed class ObjectTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>True for an interface, false for an object type.</summary>
    public bool IsInterface { get; init; }

    /// <summary>True for <c>extend type</c> / <c>extend interface</c>.</summary>
    public bool Extension { get; init; }

    /// <inheritdoc />
    public override bool IsExtension => Extension;

    /// <summary>The interfaces implemented.</summary>
    public IReadOnlyList<NamedTypeNode> Interfaces { get; init; } = [];

    /// <summary>The fields.</summary>
    public IReadOnlyList<FieldDefinitionNode> Fields { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => (IsInterface, Extension) switch
    {
        (false, false) => NodeKind.ObjectTypeDefinition,
        (false, true) => NodeKind.ObjectTypeExtension,
        (true, false) => NodeKind.InterfaceTypeDefinition,
        _ => NodeKind.InterfaceTypeExtension,
    };
}

/// <summary>A field definition: <c>name(args): Type @dir</c>.</summary>
public sealed class FieldDefinitionNode : Node
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The field name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; init; } = [];

    /// <summary>The field type.</summary>
    public required TypeNode Type { get; init; }

    /// <summary>Directives applied to the field.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.FieldDefinition;
}

/// <summary>An argument or input field definition: <c>name: Type = default @dir</c>.</summary>
public sealed class InputValueDefinitionNode : Node
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>The type.</summary>
    public required TypeNode Type { get; init; }

    /// <summary>The default value, if any.</summary>
    public ValueNode? DefaultValue { get; init; }

    /// <summary>Directives applied.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.InputValueDefinition;
}

/// <summary>A union type definition or extension.</summary>
public sealed class UnionTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>True for <c>extend union</c>.</summary>
    public bool Extension { get; init; }

    /// <inheritdoc />
    public override bool IsExtension => Extension;

    /// <summary>The member types.</summary>
    public IReadOnlyList<NamedTypeNode> Types { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => Extension ? NodeKind.UnionTypeExtension : NodeKind.UnionTypeDefinition;
}

/// <summary>An enum type definition or extension.</summary>
public sealed class EnumTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>True for <c>extend enum</c>.</summary>
    public bool Extension { get; init; }

    /// <inheritdoc />
    public override bool IsExtension => Extension;

    /// <summary>The values.</summary>
    public IReadOnlyList<EnumValueDefinitionNode> Values { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => Extension ? NodeKind.EnumTypeExtension : NodeKind.EnumTypeDefinition;
}

/// <summary>An enum value definition.</summary>
public sealed class EnumValueDefinitionNode : Node
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The value name.</summary>
    public required NameNode Name { get; init; }

    /// <summary>Directives applied.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.EnumValueDefinition;
}

/// <summary>An input object type definition or extension.</summary>
public sealed class InputObjectTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>True for <c>extend input</c>.</summary>
    public bool Extension { get; init; }

    /// <inheritdoc />
    public override bool IsExtension => Extension;

    /// <summary>The input fields.</summary>
    public IReadOnlyList<InputValueDefinitionNode> Fields { get; init; } = [];

    /// <inheritdoc />
    public override NodeKind Kind => Extension ? NodeKind.InputObjectTypeExtension : NodeKind.InputObjectTypeDefinition;
}

/// <summary>A directive definition: <c>directive @name(args) repeatable on LOCATIONS</c>.</summary>
public sealed class DirectiveDefinitionNode : TypeSystemDefinitionNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }

    /// <summary>The directive name (without <c>@</c>).</summary>
    public required NameNode Name { get; init; }

    /// <summary>The arguments.</summary>
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; init; } = [];

    /// <summary>True when declared <c>repeatable</c>.</summary>
    public bool Repeatable { get; init; }

    /// <summary>The locations, as written.</summary>
    public required IReadOnlyList<NameNode> Locations { get; init; }

    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.DirectiveDefinition;
}
